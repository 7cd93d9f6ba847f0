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
 *   flood join UMAD COUNT SECONDS
 *	send COUNT MCMemberRecord Sets (joins) to the SA through the umad
 *	device UMAD, evenly spread over SECONDS, without waiting for the
 *	answers.  They carry no component, so the SA refuses them (status
 *	0x0600) and changes nothing, but each one is a join for the fault
 *	knobs and each answer a MAD arriving at the port's QP1.
 *   flood hog CPU SECONDS [FLAG]
 *	spin SCHED_FIFO on CPU for SECONDS; other tasks get the CPU only
 *	through its fair server (by default 50 ms a second).  With FLAG,
 *	once the file FLAG is gone, leave the CPU to others 0.5 ms in 5.
 *   flood rt CPU PROG [ARG...]
 *	run PROG SCHED_FIFO on CPU, so that work it queues on that CPU
 *	runs only once it sleeps.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
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

#define MSG		64
#define DEPTH		256	/* send queue depth */
#define CHAIN		32	/* WRs per post; the last one is signalled */
#define QKEY		0x1234
#define MAD_SIZE	256
#define QP1_QKEY	0x80010000
#define SA_LID		1

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
	struct ibv_context *c = verbs_open(dev);
	struct ibv_pd *pd = c ? ibv_alloc_pd(c) : NULL;
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

	if (!c)
		die(dev);
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

/* A send-only agent on QP1 of the umad device's port. */
static int umad_open(const char *umad, uint32_t *id)
{
	struct ib_user_mad_reg_req reg = { .qpn = 1 };
	int fd = open(umad, O_RDWR);

	if (fd < 0 || ioctl(fd, IB_USER_MAD_ENABLE_PKEY) ||
	    ioctl(fd, IB_USER_MAD_REGISTER_AGENT, &reg))
		die(umad);
	*id = reg.id;
	return fd;
}

static int flood_join(const char *umad, long count, double secs)
{
	uint8_t b[sizeof(struct ib_user_mad_hdr) + MAD_SIZE] = { 0 };
	struct ib_user_mad_hdr *h = (void *)b;
	uint8_t *mad = b + sizeof(*h);
	struct timespec next;
	long i, gap_ns;
	uint32_t tid;
	int fd = umad_open(umad, &h->id);

	h->qpn = htonl(1);
	h->qkey = htonl(QP1_QKEY);
	h->lid = htons(SA_LID);
	/* base version 1, SA class 3 version 2, Set; MCMemberRecord 0x38 */
	memcpy(mad, (uint8_t[]){ 1, 3, 2, 2 }, 4);
	mad[17] = 0x38;
	gap_ns = count ? secs * 1e9 / count : 0;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (i = 0; i < count; i++) {
		tid = htonl(i);
		memcpy(mad + 12, &tid, 4);
		if (write(fd, b, sizeof(b)) != sizeof(b))
			die("umad write");
		next.tv_nsec += gap_ns;
		next.tv_sec += next.tv_nsec / 1000000000;
		next.tv_nsec %= 1000000000;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	close(fd);
	printf("sent=%ld\n", count);
	return 0;
}

static void go_rt(int cpu)
{
	struct sched_param sp = { .sched_priority = 10 };
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) ||
	    sched_setscheduler(0, SCHED_FIFO, &sp))
		die("SCHED_FIFO");
}

static int hog(int cpu, double secs, const char *flag)
{
	const struct timespec gap = { .tv_nsec = 500000 };
	double end, next = 0;

	go_rt(cpu);
	for (end = now_s() + secs; now_s() < end;) {
		if (!flag || !access(flag, F_OK))
			continue;
		if (now_s() >= next) {
			nanosleep(&gap, NULL);
			next = now_s() + 0.0045;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "ud"))
		return flood_ud(argv[2], strtol(argv[3], NULL, 0),
				strtol(argv[4], NULL, 0), atof(argv[5]));
	if (argc == 5 && !strcmp(argv[1], "join"))
		return flood_join(argv[2], atol(argv[3]), atof(argv[4]));
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "hog"))
		return hog(atoi(argv[2]), atof(argv[3]), argv[4]);
	if (argc >= 4 && !strcmp(argv[1], "rt")) {
		go_rt(atoi(argv[2]));
		execvp(argv[3], argv + 3);
		die(argv[3]);
	}
	fprintf(stderr, "usage: %s ud IBDEV DLID DQPN SECONDS\n"
		"       %s join UMAD COUNT SECONDS\n"
		"       %s hog CPU SECONDS [FLAG]\n"
		"       %s rt CPU PROG [ARG...]\n",
		argv[0], argv[0], argv[0], argv[0]);
	return 2;
}
