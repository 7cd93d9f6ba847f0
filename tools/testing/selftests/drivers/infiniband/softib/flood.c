// SPDX-License-Identifier: GPL-2.0
/*
 * Load for the softib teardown race tests: traffic that keeps arriving at
 * a device while it is created or deleted.
 *
 *   flood ud IBDEV DLID DQPN SECONDS
 *	send 64-byte UD datagrams from port 1 of IBDEV to DLID, QP DQPN, as
 *	fast as the device takes them, for SECONDS; print "sent=N".  The
 *	destination need not exist: the sender's completions do not depend
 *	on it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <infiniband/verbs.h>

#define MSG		64
#define DEPTH		256	/* send queue depth */
#define CHAIN		32	/* WRs per post; the last one is signalled */
#define QKEY		0x1234

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct ibv_context *open_dev(const char *name)
{
	struct ibv_device **list = ibv_get_device_list(NULL);
	struct ibv_context *c = NULL;
	int i;

	for (i = 0; list && list[i]; i++)
		if (!strcmp(ibv_get_device_name(list[i]), name))
			c = ibv_open_device(list[i]);
	if (!c)
		die(name);
	ibv_free_device_list(list);
	return c;
}

static struct ibv_qp *ud_qp(struct ibv_pd *pd, struct ibv_cq *cq)
{
	struct ibv_qp_init_attr init = {
		.qp_type = IBV_QPT_UD, .send_cq = cq, .recv_cq = cq,
		.cap = { .max_send_wr = DEPTH, .max_recv_wr = 1,
			 .max_send_sge = 1, .max_recv_sge = 1 },
	};
	struct ibv_qp_attr a = { .qp_state = IBV_QPS_INIT, .port_num = 1,
				 .qkey = QKEY };
	struct ibv_qp *qp = ibv_create_qp(pd, &init);

	if (!qp || ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX |
				 IBV_QP_PORT | IBV_QP_QKEY))
		die("qp");
	a.qp_state = IBV_QPS_RTR;
	if (ibv_modify_qp(qp, &a, IBV_QP_STATE))
		die("rtr");
	a.qp_state = IBV_QPS_RTS;
	if (ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_SQ_PSN))
		die("rts");
	return qp;
}

static int flood_ud(const char *dev, int dlid, int dqpn, double secs)
{
	static char buf[MSG];
	struct ibv_context *c = open_dev(dev);
	struct ibv_pd *pd = ibv_alloc_pd(c);
	struct ibv_cq *cq = pd ? ibv_create_cq(c, DEPTH, NULL, NULL, 0) : NULL;
	struct ibv_ah_attr aa = { .dlid = dlid, .port_num = 1 };
	struct ibv_send_wr wr[CHAIN], *bad;
	struct ibv_sge sge;
	struct ibv_qp *qp;
	struct ibv_mr *mr;
	struct ibv_wc wc;
	long sent = 0;
	int i, busy = 0;
	double end;

	if (!cq)
		die("pd/cq");
	qp = ud_qp(pd, cq);
	mr = ibv_reg_mr(pd, buf, sizeof(buf), 0);
	if (!mr)
		die("mr");
	sge = (struct ibv_sge){ .addr = (uintptr_t)buf, .length = MSG,
				.lkey = mr->lkey };
	memset(wr, 0, sizeof(wr));
	for (i = 0; i < CHAIN; i++) {
		wr[i].sg_list = &sge;
		wr[i].num_sge = 1;
		wr[i].opcode = IBV_WR_SEND;
		wr[i].next = i + 1 < CHAIN ? &wr[i + 1] : NULL;
		wr[i].wr.ud.ah = ibv_create_ah(pd, &aa);
		wr[i].wr.ud.remote_qpn = dqpn;
		wr[i].wr.ud.remote_qkey = QKEY;
		if (!wr[i].wr.ud.ah)
			die("ah");
	}
	wr[CHAIN - 1].send_flags = IBV_SEND_SIGNALED;
	for (end = now_s() + secs; now_s() < end;) {
		while (ibv_poll_cq(cq, 1, &wc) > 0)
			busy--;
		/* one chain short of full, so a post never fails half way */
		if (busy >= DEPTH / CHAIN - 1)
			continue;
		errno = ibv_post_send(qp, wr, &bad);
		if (errno)
			die("post_send");
		busy++;
		sent += CHAIN;
	}
	printf("sent=%ld\n", sent);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "ud"))
		return flood_ud(argv[2], strtol(argv[3], NULL, 0),
				strtol(argv[4], NULL, 0), atof(argv[5]));
	fprintf(stderr, "usage: %s ud IBDEV DLID DQPN SECONDS\n", argv[0]);
	return 2;
}
