// SPDX-License-Identifier: GPL-2.0
/*
 * UD multicast through libibverbs, with the SA join done by hand over
 * umad so the test chooses the join state.
 *
 *   ud_mcast recv IBDEV UMAD_DEV JOIN_STATE COUNT TIMEOUT_MS
 *	join the test group with JOIN_STATE (1 full, 8 send-only), attach
 *	a UD QP, print "ready", then "received=N" after COUNT datagrams or
 *	TIMEOUT_MS; exit 0 if N == COUNT
 *   ud_mcast send IBDEV UMAD_DEV COUNT
 *	join send-only, send COUNT datagrams to the group
 *   ud_mcast join UMAD_DEV PORT_GID JOIN_STATE
 *	only join the port of UMAD_DEV (whose GID is PORT_GID) to the group
 *	and stay a member when exiting
 *   ud_mcast cycle UMAD_DEV PORT_GID COUNT JOIN_STATE
 *	join and leave COUNT groups ff12:401b:ffff::1:N in turn with
 *	JOIN_STATE (8: send-only full member); print "cycles=COUNT failed=N"
 *   ud_mcast mft UMAD_DEV SWITCH_LID MLID SWITCH_PORT get|0|1
 *	as an SM would, read whether SWITCH_PORT is in the switch's
 *	multicast forwarding table row of MLID, or take it out (0) or put
 *	it in (1), by LID-routed SubnGet/SubnSet(MulticastForwardingTable)
 *	to the switch at SWITCH_LID; print "in=0" or "in=1" as read back
 *   ud_mcast pkey UMAD_DEV LID INDEX get|PKEY
 *	as an SM would, read entry INDEX of the P_Key table of the CA port
 *	at LID, or write PKEY there (0 empties it), by LID-routed
 *	SubnGet/SubnSet(PKeyTable) of block 0; print "pkey=0x...." as read
 *	back
 *
 * The group (MGID ff12:401b:ffff::5678, Q_Key 0x1234) is created by the
 * first join.  Port 1 of IBDEV is used.  The SA is at LID 1, or at the LID
 * in $SA_LID (an SM's, such as OpenSM's); joins ask for Q_Key 0x1234, or
 * for $QKEY (OpenSM wants the broadcast group's in the IPoIB range).
 */
#include <arpa/inet.h>
#include <endian.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <infiniband/verbs.h>
#include <rdma/ib_user_mad.h>

#include "verbs_util.h"

#define QKEY		0x1234
#define MSG		64
#define NBUF		64
#define MAD_SIZE	256
#define MCM_CREATE	0x130c7ULL	/* MGID PortGID QKey TClass PKey SL FL JS */

static const uint8_t test_mgid[16] = {
	0xff, 0x12, 0x40, 0x1b, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x56, 0x78
};

struct ctx {
	struct ibv_context *dev;
	struct ibv_pd *pd;
	struct ibv_cq *cq;
	struct ibv_qp *qp;
	struct ibv_mr *mr;
	uint8_t buf[NBUF * (MSG + 40)];
	union ibv_gid gid;
};

static void die(const char *what)
{
	perror(what);
	exit(2);
}

/*
 * Join (method 0x02) or leave (0x15) group @mgid at the SA (LID 1, or
 * $SA_LID) with Q_Key 0x1234 (or $QKEY); returns the MLID, or -1 if the
 * SA refused or did not answer.
 */
static int sa_request(const char *umad, const uint8_t *mgid,
		      const union ibv_gid *gid, uint8_t method,
		      uint8_t join_state)
{
	const char *sa_lid = getenv("SA_LID"), *qk = getenv("QKEY");
	uint8_t b[sizeof(struct ib_user_mad_hdr) + MAD_SIZE] = { 0 };
	struct ib_user_mad_reg_req reg = {
		.qpn = 1, .mgmt_class = 3, .mgmt_class_version = 2,
	};
	struct ib_user_mad_hdr *h = (void *)b;
	uint8_t *mad = b + sizeof(*h), *rec = mad + 56;
	uint64_t mask = htobe64(MCM_CREATE);
	uint32_t qkey = htonl(qk ? strtoul(qk, NULL, 0) : QKEY);
	int fd = open(umad, O_RDWR);

	if (fd < 0 || ioctl(fd, IB_USER_MAD_ENABLE_PKEY) ||
	    ioctl(fd, IB_USER_MAD_REGISTER_AGENT, &reg))
		die(umad);
	h->id = reg.id;
	h->timeout_ms = 1000;
	h->retries = 3;
	h->qpn = htonl(1);
	h->qkey = htonl(0x80010000);
	h->lid = htons(sa_lid ? strtol(sa_lid, NULL, 0) : 1);
	memcpy(mad, (uint8_t[]){ 1, 3, 2, method }, 4);
	mad[15] = method;
	mad[17] = 0x38;
	memcpy(mad + 48, &mask, 8);
	memcpy(rec, mgid, 16);
	memcpy(rec + 16, gid->raw, 16);
	memcpy(rec + 32, &qkey, 4);
	rec[40] = 0xff;
	rec[41] = 0xff;
	rec[48] = 0x20 | join_state;
	if (write(fd, b, sizeof(b)) != sizeof(b) ||
	    read(fd, b, sizeof(b)) < (int)sizeof(*h) || h->status ||
	    mad[4] || mad[5]) {
		fprintf(stderr, "SA request 0x%x failed: umad %d, MAD 0x%02x%02x\n",
			method, h->status, mad[4], mad[5]);
		close(fd);
		return -1;
	}
	close(fd);
	return rec[36] << 8 | rec[37];
}

/* A port GID as sysfs prints it; nonzero (and a message) if it is not one. */
static int parse_gid(const char *s, union ibv_gid *gid)
{
	if (inet_pton(AF_INET6, s, gid->raw) == 1)
		return 0;
	fprintf(stderr, "bad GID %s\n", s);
	return -1;
}

/* The same for the test group; exits if the SA does not comply. */
static int sa_mcm(const char *umad, const union ibv_gid *gid, uint8_t method,
		  uint8_t join_state)
{
	int mlid = sa_request(umad, test_mgid, gid, method, join_state);

	if (mlid < 0)
		exit(2);
	return mlid;
}

/*
 * Join and leave COUNT groups, each its own MGID, one after the other:
 * an SA must not keep a group, or its MLID, once its last member left.
 */
static int do_cycle(const char *umad, const char *port_gid, int count,
		    int js)
{
	uint8_t mgid[16];
	union ibv_gid gid;
	int i, failed = 0;

	if (parse_gid(port_gid, &gid))
		return 2;
	memcpy(mgid, test_mgid, 16);
	mgid[13] = 0x01;
	for (i = 0; i < count; i++) {
		mgid[14] = i >> 8;
		mgid[15] = i;
		if (sa_request(umad, mgid, &gid, 0x02, js) < 0 ||
		    sa_request(umad, mgid, &gid, 0x15, js) < 0)
			failed++;
	}
	printf("cycles=%d failed=%d\n", count, failed);
	return failed ? 1 : 0;
}

/* A LID-routed SMP to @lid; the reply's data goes back in @data. */
static void smp(int fd, uint32_t agent, uint16_t lid, uint8_t method,
		uint16_t attr, uint32_t mod, uint8_t *data)
{
	uint8_t b[sizeof(struct ib_user_mad_hdr) + MAD_SIZE] = { 0 };
	struct ib_user_mad_hdr *h = (void *)b;
	uint8_t *mad = b + sizeof(*h);

	h->id = agent;
	h->timeout_ms = 1000;
	h->retries = 3;
	h->lid = htons(lid);
	memcpy(mad, (uint8_t[]){ 1, 1, 1, method }, 4);
	mad[15] = method;
	mad[16] = attr >> 8;
	mad[17] = attr;
	mod = htonl(mod);
	memcpy(mad + 20, &mod, 4);
	memcpy(mad + 64, data, 64);
	if (write(fd, b, sizeof(b)) != sizeof(b) ||
	    read(fd, b, sizeof(b)) < (int)sizeof(*h) || h->status ||
	    mad[4] || mad[5]) {
		fprintf(stderr, "SMP 0x%x of 0x%x failed: umad %d, MAD 0x%02x%02x\n",
			method, attr, h->status, mad[4], mad[5]);
		exit(2);
	}
	memcpy(data, mad + 64, 64);
}

static int do_mft(const char *umad, int lid, int mlid, int port,
		  const char *op)
{
	struct ib_user_mad_reg_req reg = {
		.qpn = 0, .mgmt_class = 1, .mgmt_class_version = 1,
	};
	uint32_t mod = (port / 16) << 28 | (mlid - 0xc000) / 32;
	uint16_t mask, bit = 1 << (port % 16);
	uint8_t data[64] = { 0 }, *m = data + (mlid % 32) * 2;
	int fd = open(umad, O_RDWR);

	if (fd < 0 || ioctl(fd, IB_USER_MAD_ENABLE_PKEY) ||
	    ioctl(fd, IB_USER_MAD_REGISTER_AGENT, &reg))
		die(umad);
	smp(fd, reg.id, lid, 0x01, 0x1b, mod, data);
	if (strcmp(op, "get")) {
		mask = m[0] << 8 | m[1];
		mask = atoi(op) ? mask | bit : mask & ~bit;
		m[0] = mask >> 8;
		m[1] = mask;
		smp(fd, reg.id, lid, 0x02, 0x1b, mod, data);
	}
	printf("in=%d\n", !!((m[0] << 8 | m[1]) & bit));
	close(fd);
	return 0;
}

static int do_pkey(const char *umad, int lid, int index, const char *op)
{
	struct ib_user_mad_reg_req reg = {
		.qpn = 0, .mgmt_class = 1, .mgmt_class_version = 1,
	};
	uint8_t data[64] = { 0 }, *p = data + 2 * index;
	int fd = open(umad, O_RDWR);
	long pkey;

	if (index < 0 || index >= 32) {
		fprintf(stderr, "bad index %d\n", index);
		return 2;
	}
	if (fd < 0 || ioctl(fd, IB_USER_MAD_ENABLE_PKEY) ||
	    ioctl(fd, IB_USER_MAD_REGISTER_AGENT, &reg))
		die(umad);
	smp(fd, reg.id, lid, 0x01, 0x16, 0, data);
	if (strcmp(op, "get")) {
		pkey = strtol(op, NULL, 0);
		p[0] = pkey >> 8;
		p[1] = pkey;
		smp(fd, reg.id, lid, 0x02, 0x16, 0, data);
	}
	printf("pkey=0x%04x\n", p[0] << 8 | p[1]);
	close(fd);
	return 0;
}

static void setup(struct ctx *c, const char *name)
{
	struct ibv_qp_init_attr init = {
		.qp_type = IBV_QPT_UD,
		.cap = { .max_send_wr = NBUF, .max_recv_wr = NBUF,
			 .max_send_sge = 1, .max_recv_sge = 1 },
	};
	struct ibv_qp_attr a = { .qp_state = IBV_QPS_INIT, .port_num = 1,
				 .qkey = QKEY };

	c->dev = verbs_open(name);
	if (!c->dev)
		die(name);
	c->pd = ibv_alloc_pd(c->dev);
	c->cq = c->pd ? ibv_create_cq(c->dev, 2 * NBUF, NULL, NULL, 0) : NULL;
	if (!c->cq || ibv_query_gid(c->dev, 1, 0, &c->gid))
		die("pd/cq/gid");
	init.send_cq = c->cq;
	init.recv_cq = c->cq;
	c->qp = ibv_create_qp(c->pd, &init);
	c->mr = ibv_reg_mr(c->pd, c->buf, sizeof(c->buf),
			   IBV_ACCESS_LOCAL_WRITE);
	if (!c->qp || !c->mr ||
	    ibv_modify_qp(c->qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX |
			  IBV_QP_PORT | IBV_QP_QKEY))
		die("qp");
	a.qp_state = IBV_QPS_RTR;
	if (ibv_modify_qp(c->qp, &a, IBV_QP_STATE))
		die("rtr");
	a.qp_state = IBV_QPS_RTS;
	if (ibv_modify_qp(c->qp, &a, IBV_QP_STATE | IBV_QP_SQ_PSN))
		die("rts");
}

static void post_recv(struct ctx *c, int i)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)c->buf + i * (MSG + 40),
		.length = MSG + 40, .lkey = c->mr->lkey,
	};
	struct ibv_recv_wr wr = { .wr_id = i, .sg_list = &sge, .num_sge = 1 };
	struct ibv_recv_wr *bad;

	if (ibv_post_recv(c->qp, &wr, &bad))
		die("post_recv");
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int do_recv(struct ctx *c, const char *umad, int js, int count,
		   int timeout_ms)
{
	union ibv_gid mgid;
	struct ibv_wc wc;
	int i, got = 0, mlid;
	double end;

	for (i = 0; i < NBUF; i++)
		post_recv(c, i);
	mlid = sa_mcm(umad, &c->gid, 0x02, js);
	memcpy(mgid.raw, test_mgid, 16);
	if (ibv_attach_mcast(c->qp, &mgid, mlid))
		die("attach");
	printf("ready mlid=0x%04x\n", mlid);
	fflush(stdout);
	end = now_ms() + timeout_ms;
	while (got < count && now_ms() < end) {
		if (ibv_poll_cq(c->cq, 1, &wc) < 1) {
			usleep(1000);
			continue;
		}
		if (wc.status == IBV_WC_SUCCESS && (wc.wc_flags & IBV_WC_GRH))
			got++;
		post_recv(c, wc.wr_id);
	}
	printf("received=%d\n", got);
	ibv_detach_mcast(c->qp, &mgid, mlid);
	sa_mcm(umad, &c->gid, 0x15, js);
	return got == count ? 0 : 1;
}

static int do_send(struct ctx *c, const char *umad, int count)
{
	struct ibv_ah_attr aa = { .is_global = 1, .port_num = 1,
				  .grh.hop_limit = 1 };
	struct ibv_sge sge = { .addr = (uintptr_t)c->buf, .length = MSG,
			       .lkey = c->mr->lkey };
	struct ibv_send_wr wr = { .sg_list = &sge, .num_sge = 1,
				  .opcode = IBV_WR_SEND,
				  .send_flags = IBV_SEND_SIGNALED };
	struct ibv_send_wr *bad;
	struct ibv_wc wc;
	int i, done;

	aa.dlid = sa_mcm(umad, &c->gid, 0x02, 8);
	memcpy(aa.grh.dgid.raw, test_mgid, 16);
	wr.wr.ud.ah = ibv_create_ah(c->pd, &aa);
	wr.wr.ud.remote_qpn = 0xffffff;
	wr.wr.ud.remote_qkey = QKEY;
	if (!wr.wr.ud.ah)
		die("ah");
	for (i = 0; i < count; i++) {
		if (ibv_post_send(c->qp, &wr, &bad))
			die("post_send");
		for (done = 0; !done; usleep(1000))
			done = ibv_poll_cq(c->cq, 1, &wc);
		usleep(5000);
	}
	printf("sent=%d\n", count);
	sa_mcm(umad, &c->gid, 0x15, 8);
	return 0;
}

static int do_join(const char *umad, const char *port_gid, int js)
{
	union ibv_gid gid;

	if (parse_gid(port_gid, &gid))
		return 2;
	printf("mlid=0x%04x\n", sa_mcm(umad, &gid, 0x02, js));
	return 0;
}

int main(int argc, char **argv)
{
	static struct ctx c;

	if (argc == 7 && !strcmp(argv[1], "recv")) {
		setup(&c, argv[2]);
		return do_recv(&c, argv[3], atoi(argv[4]), atoi(argv[5]),
			       atoi(argv[6]));
	}
	if (argc == 5 && !strcmp(argv[1], "send")) {
		setup(&c, argv[2]);
		return do_send(&c, argv[3], atoi(argv[4]));
	}
	if (argc == 5 && !strcmp(argv[1], "join"))
		return do_join(argv[2], argv[3], atoi(argv[4]));
	if (argc == 6 && !strcmp(argv[1], "cycle"))
		return do_cycle(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
	if (argc == 7 && !strcmp(argv[1], "mft"))
		return do_mft(argv[2], strtol(argv[3], NULL, 0),
			      strtol(argv[4], NULL, 0), atoi(argv[5]), argv[6]);
	if (argc == 6 && !strcmp(argv[1], "pkey"))
		return do_pkey(argv[2], strtol(argv[3], NULL, 0), atoi(argv[4]),
			       argv[5]);
	fprintf(stderr, "usage: %s recv IBDEV UMAD JS COUNT TIMEOUT_MS\n"
		"       %s send IBDEV UMAD COUNT\n"
		"       %s join UMAD PORT_GID JS\n"
		"       %s cycle UMAD PORT_GID COUNT JS\n"
		"       %s mft UMAD SWITCH_LID MLID SWITCH_PORT get|0|1\n"
		"       %s pkey UMAD LID INDEX get|PKEY\n",
		argv[0], argv[0], argv[0], argv[0], argv[0], argv[0]);
	return 2;
}
