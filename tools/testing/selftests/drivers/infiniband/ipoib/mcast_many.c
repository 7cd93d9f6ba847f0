// SPDX-License-Identifier: GPL-2.0
/*
 * mcast_many - hold many IPv4 multicast groups on one interface.
 *
 *   mcast_many IFNAME FIRST_GROUP COUNT
 *
 * Joins COUNT consecutive groups from FIRST_GROUP (e.g. 239.10.0.0) with
 * IP_ADD_MEMBERSHIP, spread over as few UDP sockets as
 * net.ipv4.igmp_max_memberships allows, prints "joined COUNT" and holds
 * them until SIGTERM or SIGINT; exiting leaves them all. Exit status 0,
 * or 1 if a join failed (the error and the group are printed).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void mm_quit(int sig)
{
	(void)sig;
}

static int mm_join(int *fd, int ifindex, uint32_t group)
{
	struct ip_mreqn mr = {
		.imr_multiaddr.s_addr = htonl(group),
		.imr_ifindex = ifindex,
	};

	if (*fd < 0)
		*fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (*fd < 0)
		return -1;
	if (!setsockopt(*fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)))
		return 0;
	if (errno != ENOBUFS)
		return -1;
	/* This socket is full (igmp_max_memberships): take a new one. */
	*fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (*fd < 0)
		return -1;
	return setsockopt(*fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr));
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = mm_quit };
	sigset_t quit, old;
	struct in_addr first;
	unsigned long i, count;
	int ifindex, fd = -1;

	if (argc != 4 || inet_pton(AF_INET, argv[2], &first) != 1) {
		fprintf(stderr, "usage: %s IFNAME FIRST_GROUP COUNT\n", argv[0]);
		return 1;
	}
	ifindex = if_nametoindex(argv[1]);
	count = strtoul(argv[3], NULL, 0);
	if (!ifindex) {
		fprintf(stderr, "no interface %s\n", argv[1]);
		return 1;
	}
	/* Held until sigsuspend(): a signal during the joins is not lost. */
	sigemptyset(&quit);
	sigaddset(&quit, SIGTERM);
	sigaddset(&quit, SIGINT);
	sigprocmask(SIG_BLOCK, &quit, &old);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (i = 0; i < count; i++) {
		uint32_t g = ntohl(first.s_addr) + i;

		if (mm_join(&fd, ifindex, g)) {
			fprintf(stderr, "join of group %lu failed: %s\n", i,
				strerror(errno));
			return 1;
		}
	}
	printf("joined %lu\n", count);
	fflush(stdout);
	sigsuspend(&old);
	return 0;
}
