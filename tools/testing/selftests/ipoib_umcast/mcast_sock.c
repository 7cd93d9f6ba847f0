// SPDX-License-Identifier: GPL-2.0
/*
 * mcast_sock - the kernel-socket side of the umcast selftest.
 *
 *   mcast_sock recv -i IFNAME -g GROUP [-p PORT] [-t SECONDS] [-c COUNT]
 *   mcast_sock send -i IFNAME -g GROUP [-p PORT] -c COUNT [-r PER_SECOND]
 *
 * recv joins GROUP on IFNAME with IP_ADD_MEMBERSHIP (IPv4) or
 * IPV6_JOIN_GROUP (IPv6), which is what makes IPoIB join the group and
 * send IGMP/MLD reports, prints "joined group=GROUP if=IFNAME" (GROUP in
 * its canonical text form, so that a caller waiting for this member's
 * line cannot take an earlier member's for it), then counts datagrams until
 * SECONDS pass, COUNT arrive, or SIGTERM/SIGINT; it prints "received N".
 * Meanwhile it prints "count N" when N changed, at most every 100 ms, so
 * that a caller can wait for the datagrams it sent to arrive.
 * When the first datagram arrives it prints "first_us N", the time since
 * just before the join: with someone streaming to the group, that is the
 * join latency (benchmarks use it).
 * send transmits COUNT datagrams to GROUP through IFNAME (optionally paced)
 * and prints "sent N". Exit status 0 on success, 1 on error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct ms_opts {
	const char *ifname;
	const char *group;
	unsigned short port;
	double seconds;
	unsigned long count;
	unsigned long rate;
};

static atomic_bool ms_stop;

static void ms_on_signal(int sig)
{
	(void)sig;
	ms_stop = true;
}

static double ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Resolve GROUP:PORT; returns a UDP socket of the right family or -1.
 * Link-scope IPv6 groups need the interface as scope to bind or send.
 */
static int ms_socket(const struct ms_opts *o, int ifindex,
		     struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints = {
		.ai_flags = AI_NUMERICHOST, .ai_socktype = SOCK_DGRAM,
	};
	struct addrinfo *res;
	char port[8];
	int fd, ret;

	snprintf(port, sizeof(port), "%u", o->port);
	ret = getaddrinfo(o->group, port, &hints, &res);
	if (ret) {
		fprintf(stderr, "mcast_sock: bad group %s: %s\n", o->group,
			gai_strerror(ret));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_scope_id = ifindex;
	fd = socket(ss->ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		perror("mcast_sock: socket");
	return fd;
}

static int ms_join(int fd, const struct sockaddr_storage *ss, int ifindex)
{
	if (ss->ss_family == AF_INET) {
		struct ip_mreqn mr = { .imr_ifindex = ifindex };

		mr.imr_multiaddr = ((const struct sockaddr_in *)ss)->sin_addr;
		return setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
				  sizeof(mr));
	} else {
		struct ipv6_mreq mr = { .ipv6mr_interface = ifindex };

		mr.ipv6mr_multiaddr = ((const struct sockaddr_in6 *)ss)->sin6_addr;
		return setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr,
				  sizeof(mr));
	}
}

/* The line that says the join is done, naming the group and interface. */
static void ms_print_joined(const struct ms_opts *o,
			    const struct sockaddr_storage *ss)
{
	char text[INET6_ADDRSTRLEN] = "?";
	const void *addr;

	if (ss->ss_family == AF_INET)
		addr = &((const struct sockaddr_in *)ss)->sin_addr;
	else
		addr = &((const struct sockaddr_in6 *)ss)->sin6_addr;
	inet_ntop(ss->ss_family, addr, text, sizeof(text));
	printf("joined group=%s if=%s\n", text, o->ifname);
	fflush(stdout);
}

/* The running count: "count N" when N changed, at most every 100 ms. */
static void ms_report(unsigned long received, unsigned long *reported,
		      double *at)
{
	double now = ms_now();

	if (received == *reported || now - *at < 0.1)
		return;
	printf("count %lu\n", received);
	fflush(stdout);
	*reported = received;
	*at = now;
}

static int ms_recv(const struct ms_opts *o, int ifindex)
{
	double end = o->seconds > 0 ? ms_now() + o->seconds : 0;
	unsigned long received = 0, reported = 0;
	struct sockaddr_storage ss;
	double t0, at = 0;
	struct pollfd pfd;
	char buf[65536];
	int one = 1, rcvbuf = 4 << 20;
	socklen_t len;

	pfd.fd = ms_socket(o, ifindex, &ss, &len);
	pfd.events = POLLIN;
	if (pfd.fd < 0)
		return 1;
	setsockopt(pfd.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/*
	 * SO_RCVBUF is capped at net.core.rmem_max, by default room for some
	 * 50 to 100 IPoIB receive buffers; the FORCE variant (CAP_NET_ADMIN)
	 * is not, so a receiver that waits for a CPU on a loaded host does
	 * not lose the datagrams that arrive meanwhile.
	 */
	if (setsockopt(pfd.fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(pfd.fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	t0 = ms_now();
	if (bind(pfd.fd, (struct sockaddr *)&ss, len) || ms_join(pfd.fd, &ss, ifindex)) {
		perror("mcast_sock: bind/join");
		return 1;
	}
	ms_print_joined(o, &ss);
	while (!ms_stop && (!o->count || received < o->count)) {
		if (end && ms_now() >= end)
			break;
		ms_report(received, &reported, &at);
		if (poll(&pfd, 1, 100) <= 0 ||
		    recv(pfd.fd, buf, sizeof(buf), MSG_DONTWAIT) < 0)
			continue;
		if (!received++) {
			printf("first_us %.0f\n", (ms_now() - t0) * 1e6);
			fflush(stdout);
		}
	}
	printf("received %lu\n", received);
	close(pfd.fd);
	return 0;
}

/*
 * Egress through IFNAME, no loopback, one hop. RECVERR too: without it a
 * full device queue drops a UDP datagram silently; with it, sendto() fails
 * with ENOBUFS and ms_send() tries again, so "sent N" means N datagrams
 * reached the device.
 */
static int ms_set_egress(int fd, int family, int ifindex)
{
	int zero = 0, one = 1;

	if (family == AF_INET) {
		struct ip_mreqn mr = { .imr_ifindex = ifindex };

		return setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) ||
		       setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof(zero)) ||
		       setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &one, sizeof(one)) ||
		       setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
	}
	return setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) ||
	       setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof(zero)) ||
	       setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &one, sizeof(one)) ||
	       setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one));
}

static int ms_send(const struct ms_opts *o, int ifindex)
{
	double start = ms_now();
	struct sockaddr_storage ss;
	unsigned long sent = 0;
	char msg[64];
	socklen_t len;
	int fd, ret = 0;

	fd = ms_socket(o, ifindex, &ss, &len);
	if (fd < 0)
		return 1;
	if (ms_set_egress(fd, ss.ss_family, ifindex)) {
		perror("mcast_sock: multicast egress options");
		close(fd);
		return 1;
	}
	while (!ms_stop && sent < o->count) {
		if (o->rate && sent >= (ms_now() - start) * o->rate) {
			usleep(1000);
			continue;
		}
		snprintf(msg, sizeof(msg), "mcast_sock %lu", sent);
		if (sendto(fd, msg, sizeof(msg), 0, (struct sockaddr *)&ss, len) < 0) {
			if (errno == ENOBUFS || errno == EAGAIN) {
				usleep(1000);
				continue;
			}
			perror("mcast_sock: sendto");
			ret = 1;
			break;
		}
		sent++;
	}
	printf("sent %lu\n", sent);
	close(fd);
	return ret;
}

static void ms_usage(void)
{
	fprintf(stderr,
		"usage: mcast_sock recv|send -i IFNAME -g GROUP [-p PORT] [-t SECONDS] [-c COUNT] [-r PER_SECOND]\n");
	exit(1);
}

static void ms_parse(int argc, char **argv, struct ms_opts *o)
{
	int opt;

	while ((opt = getopt(argc, argv, "i:g:p:t:c:r:")) != -1) {
		switch (opt) {
		case 'i':
			o->ifname = optarg;
			break;
		case 'g':
			o->group = optarg;
			break;
		case 'p':
			o->port = strtoul(optarg, NULL, 0);
			break;
		case 't':
			o->seconds = atof(optarg);
			break;
		case 'c':
			o->count = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			o->rate = strtoul(optarg, NULL, 0);
			break;
		default:
			ms_usage();
		}
	}
	if (!o->ifname || !o->group)
		ms_usage();
}

int main(int argc, char **argv)
{
	struct ms_opts o = { .port = 5001 };
	unsigned int ifindex;

	if (argc < 2)
		ms_usage();
	ms_parse(argc - 1, argv + 1, &o);
	ifindex = if_nametoindex(o.ifname);
	if (!ifindex) {
		fprintf(stderr, "mcast_sock: no interface %s\n", o.ifname);
		return 1;
	}
	signal(SIGTERM, ms_on_signal);
	signal(SIGINT, ms_on_signal);
	if (!strcmp(argv[1], "recv"))
		return ms_recv(&o, ifindex);
	if (!strcmp(argv[1], "send"))
		return o.count ? ms_send(&o, ifindex) : (ms_usage(), 1);
	ms_usage();
	return 1;
}
