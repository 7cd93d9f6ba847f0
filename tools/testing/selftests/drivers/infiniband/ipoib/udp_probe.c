// SPDX-License-Identifier: GPL-2.0
/*
 * udp_probe - send UDP datagrams one at a time from a network namespace
 * until softib says the receiving port put one into a receive buffer.
 *
 *   udp_probe NETNS ADDR PORT IBDEV IBPORT MS
 *
 * The socket lives in NETNS (a name under /run/netns) and sends to
 * ADDR:PORT. Before each datagram udp_probe reads rx_packets and rx_drops
 * of port IBPORT of softib device IBDEV from softib's debugfs "ports"
 * file, then waits until one of them moves. A datagram the port dropped
 * (its QP has no receive buffer posted yet) is followed by the next; the
 * first one the port accepted ends the run, so it is the last datagram
 * the port gets. Gives up after MS milliseconds.
 *
 * Prints "dropping" once the port has dropped a first datagram (the
 * caller may then make the port ready), and at the end "sent N dropped D
 * accepted A". Exit status: 0 if a datagram was accepted, 1 if none was,
 * 2 on a usage or system error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define UP_PORTS	"/sys/kernel/debug/softib/ports"
/* How long one datagram may take to reach the receiving port. */
#define UP_ONE_MS	200

struct up_stats {
	long long rx;
	long long drops;
};

static long long up_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static long long up_field(const char *line, const char *key)
{
	const char *p = strstr(line, key);

	return p ? strtoll(p + strlen(key), NULL, 10) : -1;
}

/* The port's counters, or -1 on error. */
static int up_read(const char *prefix, struct up_stats *st)
{
	char line[512];
	FILE *f = fopen(UP_PORTS, "r");
	int ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, prefix, strlen(prefix)))
			continue;
		st->rx = up_field(line, " rx_packets=");
		st->drops = up_field(line, " rx_drops=");
		ret = st->rx < 0 || st->drops < 0 ? -1 : 0;
		break;
	}
	fclose(f);
	return ret;
}

/* A socket in network namespace @ns connected to @addr:@port. */
static int up_socket(const char *ns, const char *addr, const char *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char path[256];
	int nsfd, fd;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0 || setns(nsfd, CLONE_NEWNET)) {
		perror(path);
		return -1;
	}
	close(nsfd);
	sin.sin_port = htons(atoi(port));
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		fprintf(stderr, "bad address %s\n", addr);
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		perror("socket");
		return -1;
	}
	return fd;
}

/* Send one datagram; 1 if the port accepted it, 0 if not, -1 on error. */
static int up_one(int fd, const char *prefix, long *dropped)
{
	struct up_stats before, after;
	long long deadline;

	if (up_read(prefix, &before))
		return -1;
	if (send(fd, "probe", 5, 0) != 5)
		return -1;
	deadline = up_now_ms() + UP_ONE_MS;
	do {
		if (up_read(prefix, &after))
			return -1;
		if (after.drops != before.drops) {
			(*dropped)++;
			return 0;
		}
		if (after.rx != before.rx)
			return 1;
	} while (up_now_ms() < deadline);
	return 0;
}

int main(int argc, char **argv)
{
	long sent = 0, dropped = 0;
	long long deadline;
	char prefix[128];
	int fd, ret = 0;

	if (argc != 7) {
		fprintf(stderr, "usage: %s NETNS ADDR PORT IBDEV IBPORT MS\n",
			argv[0]);
		return 2;
	}
	snprintf(prefix, sizeof(prefix), "dev=%s port=%s ", argv[4], argv[5]);
	fd = up_socket(argv[1], argv[2], argv[3]);
	if (fd < 0)
		return 2;
	deadline = up_now_ms() + atol(argv[6]);
	while (!ret && up_now_ms() < deadline) {
		ret = up_one(fd, prefix, &dropped);
		if (++sent == 1 && dropped == 1) {
			printf("dropping\n");
			fflush(stdout);
		}
	}
	printf("sent %ld dropped %ld accepted %d\n", sent, dropped, ret > 0);
	if (ret < 0) {
		perror("udp_probe");
		return 2;
	}
	return ret ? 0 : 1;
}
