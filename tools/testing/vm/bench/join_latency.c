// SPDX-License-Identifier: GPL-2.0
/*
 * join_latency - time from a multicast socket join to the first datagram.
 *
 *   join_latency -i IFNAME -g GROUP [-p PORT] [-t SECONDS]
 *
 * Binds a UDP socket to GROUP:PORT, takes a CLOCK_MONOTONIC stamp, joins
 * GROUP on IFNAME (IP_ADD_MEMBERSHIP or IPV6_JOIN_GROUP) and waits for
 * the first datagram. Someone else must be streaming to the group; the
 * result is only as fine as that stream's packet interval.
 *
 * Output: "latency_us N" on success, "timeout" when nothing arrived within
 * SECONDS (default 10). Exit status 0 on success, 1 otherwise.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double jl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int jl_join(int fd, const struct sockaddr_storage *ss, int ifindex)
{
	if (ss->ss_family == AF_INET) {
		struct ip_mreqn mr = { .imr_ifindex = ifindex };

		mr.imr_multiaddr = ((const struct sockaddr_in *)ss)->sin_addr;
		return setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
				  sizeof(mr));
	} else {
		struct ipv6_mreq mr = { .ipv6mr_interface = ifindex };

		mr.ipv6mr_multiaddr =
			((const struct sockaddr_in6 *)ss)->sin6_addr;
		return setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr,
				  sizeof(mr));
	}
}

/* A UDP socket bound to GROUP:PORT, or -1. */
static int jl_socket(const char *group, const char *port, int ifindex,
		     struct sockaddr_storage *ss)
{
	struct addrinfo hints = {
		.ai_flags = AI_NUMERICHOST, .ai_socktype = SOCK_DGRAM,
	};
	struct addrinfo *res;
	int fd, one = 1;

	if (getaddrinfo(group, port, &hints, &res)) {
		fprintf(stderr, "join_latency: bad group %s\n", group);
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_scope_id = ifindex;
	fd = socket(ss->ss_family, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("join_latency: socket");
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)ss, ss->ss_family == AF_INET ?
		 sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6))) {
		perror("join_latency: bind");
		close(fd);
		return -1;
	}
	return fd;
}

static void jl_usage(void)
{
	fprintf(stderr,
		"usage: join_latency -i IFNAME -g GROUP [-p PORT] [-t SECONDS]\n");
	exit(1);
}

int main(int argc, char **argv)
{
	const char *ifname = NULL, *group = NULL, *port = "5001";
	double seconds = 10, start, end;
	struct sockaddr_storage ss;
	struct pollfd pfd = { .events = POLLIN };
	unsigned int ifindex;
	char buf[65536];
	int opt;

	while ((opt = getopt(argc, argv, "i:g:p:t:")) != -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'g':
			group = optarg;
			break;
		case 'p':
			port = optarg;
			break;
		case 't':
			seconds = atof(optarg);
			break;
		default:
			jl_usage();
		}
	}
	if (!ifname || !group)
		jl_usage();
	ifindex = if_nametoindex(ifname);
	if (!ifindex) {
		fprintf(stderr, "join_latency: no interface %s\n", ifname);
		return 1;
	}
	pfd.fd = jl_socket(group, port, ifindex, &ss);
	if (pfd.fd < 0)
		return 1;
	start = jl_now();
	if (jl_join(pfd.fd, &ss, ifindex)) {
		perror("join_latency: join");
		return 1;
	}
	end = start + seconds;
	while (jl_now() < end) {
		int ms = (int)((end - jl_now()) * 1000) + 1;

		if (poll(&pfd, 1, ms) > 0 &&
		    recv(pfd.fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0) {
			printf("latency_us %.0f\n", (jl_now() - start) * 1e6);
			close(pfd.fd);
			return 0;
		}
	}
	printf("timeout\n");
	close(pfd.fd);
	return 1;
}
