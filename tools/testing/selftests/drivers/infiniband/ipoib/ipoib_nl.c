// SPDX-License-Identifier: GPL-2.0
/*
 * ipoib_nl - send one hand-made RTM_NEWLINK for an "ipoib" link and print
 * what the kernel answers, extack message included.
 *
 *   ipoib_nl new PARENT NAME [ATTR...]   create NAME on PARENT
 *   ipoib_nl set IFNAME [ATTR...]        change IFNAME
 *
 * Each ATTR goes into IFLA_INFO_DATA as TYPE/LEN/VALUE: attribute type
 * TYPE (any number, known or not) with a payload of LEN bytes holding
 * VALUE in host byte order (LEN 0 to 8), e.g. 1/2/0x8001 is a well-formed
 * IFLA_IPOIB_PKEY and 1/4/0x8001 the same value in the wrong size. A LEN
 * above 8 sends that many bytes of VALUE's low byte repeated.
 *
 * Prints "ok" or "error ERRNO (TEXT) extack: MESSAGE" (MESSAGE "-" when
 * the kernel sent none). Exit status: 0 if the kernel accepted the
 * request, 1 if it refused it, 2 on a usage or socket error.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

struct nl_req {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	char buf[4096];
};

static struct nlattr *nl_put(struct nl_req *r, unsigned short type,
			     const void *data, size_t len)
{
	struct nlattr *a = (void *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	if (NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_HDRLEN + NLA_ALIGN(len) >
	    sizeof(*r)) {
		fprintf(stderr, "request too large\n");
		exit(2);
	}
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memset((char *)a + NLA_HDRLEN, 0, NLA_ALIGN(len));
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
}

static void nl_end(struct nl_req *r, struct nlattr *nest)
{
	nest->nla_len = (char *)r + r->nh.nlmsg_len - (char *)nest;
}

static void nl_put_spec(struct nl_req *r, const char *spec)
{
	unsigned long type, len;
	unsigned long long val;
	unsigned char bytes[256];
	char *end;

	type = strtoul(spec, &end, 0);
	if (*end != '/')
		goto bad;
	len = strtoul(end + 1, &end, 0);
	if (*end != '/' || len > sizeof(bytes) || type > 0xffff)
		goto bad;
	val = strtoull(end + 1, &end, 0);
	if (*end)
		goto bad;
	if (len <= sizeof(val))
		memcpy(bytes, &val, len);
	else
		memset(bytes, (unsigned char)val, len);
	nl_put(r, type, bytes, len);
	return;
bad:
	fprintf(stderr, "bad attribute spec '%s' (TYPE/LEN/VALUE)\n", spec);
	exit(2);
}

static int nl_ifindex(const char *name)
{
	int i = if_nametoindex(name);

	if (!i) {
		fprintf(stderr, "no interface %s\n", name);
		exit(2);
	}
	return i;
}

/* Print the kernel's answer; return 0 if it accepted the request. */
static int nl_answer(const char *buf, ssize_t n)
{
	const struct nlmsghdr *nh = (const void *)buf;
	const struct nlmsgerr *e = NLMSG_DATA(nh);
	const char *msg = "-";
	const struct nlattr *a;
	int rem;

	if (n < (ssize_t)NLMSG_LENGTH(sizeof(*e)) ||
	    nh->nlmsg_type != NLMSG_ERROR) {
		fprintf(stderr, "unexpected answer\n");
		exit(2);
	}
	if (!e->error) {
		printf("ok\n");
		return 0;
	}
	a = (const void *)((const char *)e + sizeof(*e));
	rem = (int)nh->nlmsg_len - NLMSG_LENGTH(sizeof(*e));
	if (!(nh->nlmsg_flags & NLM_F_ACK_TLVS))
		rem = 0;
	while (rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem) {
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
			msg = (const char *)a + NLA_HDRLEN;
		rem -= NLA_ALIGN(a->nla_len);
		a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
	printf("error %d (%s) extack: %s\n", -e->error, strerror(-e->error),
	       msg);
	return 1;
}

static int nl_send(struct nl_req *r)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[8192];
	int fd, one = 1;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0 ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one))) {
		perror("netlink socket");
		exit(2);
	}
	if (sendto(fd, r, r->nh.nlmsg_len, 0, (void *)&sa, sizeof(sa)) < 0) {
		perror("sendto");
		exit(2);
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0) {
		perror("recv");
		exit(2);
	}
	close(fd);
	return nl_answer(buf, n);
}

int main(int argc, char **argv)
{
	struct nlattr *info, *data;
	struct nl_req r;
	uint32_t link;
	int i, first;

	if (argc < 3 || (strcmp(argv[1], "new") && strcmp(argv[1], "set")) ||
	    (!strcmp(argv[1], "new") && argc < 4)) {
		fprintf(stderr, "usage: %s new PARENT NAME [T/L/V...]\n"
			"       %s set IFNAME [T/L/V...]\n", argv[0], argv[0]);
		return 2;
	}
	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(r.ifi));
	r.nh.nlmsg_type = RTM_NEWLINK;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r.nh.nlmsg_seq = 1;
	r.ifi.ifi_family = AF_UNSPEC;
	if (!strcmp(argv[1], "new")) {
		r.nh.nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
		link = nl_ifindex(argv[2]);
		nl_put(&r, IFLA_LINK, &link, sizeof(link));
		nl_put(&r, IFLA_IFNAME, argv[3], strlen(argv[3]) + 1);
		first = 4;
	} else {
		r.ifi.ifi_index = nl_ifindex(argv[2]);
		first = 3;
	}
	info = nl_put(&r, IFLA_LINKINFO | NLA_F_NESTED, NULL, 0);
	nl_put(&r, IFLA_INFO_KIND, "ipoib", sizeof("ipoib"));
	data = nl_put(&r, IFLA_INFO_DATA | NLA_F_NESTED, NULL, 0);
	for (i = first; i < argc; i++)
		nl_put_spec(&r, argv[i]);
	nl_end(&r, data);
	nl_end(&r, info);
	return nl_send(&r);
}
