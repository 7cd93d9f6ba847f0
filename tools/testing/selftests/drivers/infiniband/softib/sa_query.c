// SPDX-License-Identifier: GPL-2.0
/*
 * Send one SA request through /dev/infiniband/umadN and print the MAD
 * status of the answer, for checking softib's embedded SA.
 *
 *   sa_query UMAD_DEV PORT_GID CASE [TIMEOUT_MS [MGID]]
 *
 * CASE is one of: cpi, path_ok, path_unknown, create, leave, join_short,
 * join_badgid, leave_none, bad_attr, bad_method, bad_version.  Prints
 * "status=0xNNNN" (exit 0) or "timeout" (exit 1).  TIMEOUT_MS (default
 * 1000) is how long each of the three tries waits for the answer; MGID
 * (default ff12:401b:ffff::1234) is the group that joins and leaves name.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <rdma/ib_user_mad.h>

#define MAD_SIZE	256
#define SA_CLASS	0x03
#define SA_VERSION	2
#define ATTR_CPI	0x0001
#define ATTR_PATH	0x0035
#define ATTR_MCM	0x0038
#define M_GET		0x01
#define M_SET		0x02
#define M_DELETE	0x15
#define OFF_COMP_MASK	48
#define OFF_DATA	56

/* MCMemberRecord component mask bits (IBA 15.2.5.17) */
#define MCM_MGID	0x1ULL
#define MCM_PORT_GID	0x2ULL
#define MCM_QKEY	0x4ULL
#define MCM_TCLASS	0x40ULL
#define MCM_PKEY	0x80ULL
#define MCM_SL		0x1000ULL
#define MCM_FLOW	0x2000ULL
#define MCM_JOIN	0x10000ULL
#define MCM_CREATE	(MCM_MGID | MCM_PORT_GID | MCM_QKEY | MCM_TCLASS | \
			 MCM_PKEY | MCM_SL | MCM_FLOW | MCM_JOIN)
/* PathRecord component mask bits (IBA 15.2.5.16) */
#define PATH_DGID	0x4ULL
#define PATH_SGID	0x8ULL

/* a test group nobody else uses, unless the command line names another */
static uint8_t test_mgid[16] = {
	0xff, 0x12, 0x40, 0x1b, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34
};

struct request {
	uint8_t method;
	uint8_t version;
	uint16_t attr;
	uint64_t comp_mask;
};

static void put_gid(uint8_t *dst, const char *text)
{
	if (inet_pton(AF_INET6, text, dst) != 1) {
		fprintf(stderr, "bad GID %s\n", text);
		exit(2);
	}
}

/* Fill an MCMemberRecord: MGID, PortGID, Q_Key, P_Key, join state. */
static void mcm(uint8_t *rec, const uint8_t *port_gid, uint8_t join)
{
	uint32_t qkey = htonl(0x0b);
	uint16_t pkey = htons(0xffff);

	memcpy(rec, test_mgid, 16);
	memcpy(rec + 16, port_gid, 16);
	memcpy(rec + 32, &qkey, 4);
	memcpy(rec + 40, &pkey, 2);
	rec[48] = 0x20 | join;
}

static int build(const char *c, const uint8_t *gid, struct request *r,
		 uint8_t *data)
{
	static const uint8_t other[16] = { 0xfe, 0x80, [15] = 0x99 };

	*r = (struct request){ M_GET, SA_VERSION, ATTR_MCM, 0 };
	if (!strcmp(c, "cpi")) {
		r->attr = ATTR_CPI;
	} else if (!strcmp(c, "path_ok") || !strcmp(c, "path_unknown")) {
		r->attr = ATTR_PATH;
		r->comp_mask = PATH_DGID | PATH_SGID;
		memcpy(data + 8, strcmp(c, "path_ok") ? other : gid, 16);
		memcpy(data + 24, gid, 16);
	} else if (!strcmp(c, "create") || !strcmp(c, "join_short") ||
		   !strcmp(c, "join_badgid")) {
		r->method = M_SET;
		r->comp_mask = strcmp(c, "join_short") ? MCM_CREATE :
			       MCM_MGID | MCM_PORT_GID | MCM_JOIN;
		mcm(data, strcmp(c, "join_badgid") ? gid : other, 1);
	} else if (!strcmp(c, "leave") || !strcmp(c, "leave_none")) {
		r->method = M_DELETE;
		r->comp_mask = MCM_MGID | MCM_PORT_GID | MCM_JOIN;
		mcm(data, gid, 1);
	} else if (!strcmp(c, "bad_attr")) {
		r->attr = 0x0bad;
	} else if (!strcmp(c, "bad_method")) {
		r->method = 0x7f;
	} else if (!strcmp(c, "bad_version")) {
		r->attr = ATTR_CPI;
		r->version = 1;
	} else {
		return -1;
	}
	return 0;
}

static int open_agent(const char *dev, uint32_t *id)
{
	struct ib_user_mad_reg_req req = {
		.qpn = 1,
		.mgmt_class = SA_CLASS,
		.mgmt_class_version = SA_VERSION,
	};
	int fd = open(dev, O_RDWR);

	if (fd < 0 || ioctl(fd, IB_USER_MAD_ENABLE_PKEY) ||
	    ioctl(fd, IB_USER_MAD_REGISTER_AGENT, &req)) {
		perror(dev);
		exit(2);
	}
	*id = req.id;
	return fd;
}

int main(int argc, char **argv)
{
	uint8_t buf[sizeof(struct ib_user_mad_hdr) + MAD_SIZE] = { 0 };
	struct ib_user_mad_hdr *h = (void *)buf;
	uint8_t *mad = buf + sizeof(*h);
	struct request r;
	uint8_t gid[16];
	uint64_t mask;
	uint16_t status;
	int fd;

	if (argc < 4 || argc > 6) {
		fprintf(stderr, "usage: %s UMAD_DEV PORT_GID CASE [TIMEOUT_MS [MGID]]\n",
			argv[0]);
		return 2;
	}
	put_gid(gid, argv[2]);
	if (argc == 6)
		put_gid(test_mgid, argv[5]);
	if (build(argv[3], gid, &r, mad + OFF_DATA)) {
		fprintf(stderr, "unknown case %s\n", argv[3]);
		return 2;
	}
	fd = open_agent(argv[1], &h->id);
	h->timeout_ms = argc >= 5 ? atoi(argv[4]) : 1000;
	h->retries = 2;
	h->qpn = htonl(1);
	h->qkey = htonl(0x80010000);
	h->lid = htons(1);
	mad[0] = 1;
	mad[1] = SA_CLASS;
	mad[2] = r.version;
	mad[3] = r.method;
	mad[15] = 0x42;
	mad[16] = r.attr >> 8;
	mad[17] = r.attr & 0xff;
	mask = htobe64(r.comp_mask);
	memcpy(mad + OFF_COMP_MASK, &mask, sizeof(mask));
	if (write(fd, buf, sizeof(buf)) != sizeof(buf)) {
		perror("write");
		return 2;
	}
	if (read(fd, buf, sizeof(buf)) < (int)sizeof(*h) || h->status) {
		printf("timeout\n");
		return 1;
	}
	status = (uint16_t)mad[4] << 8 | mad[5];
	printf("status=0x%04x\n", status);
	return 0;
}
