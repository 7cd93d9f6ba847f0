// SPDX-License-Identifier: GPL-2.0
/*
 * umcast_rdma - the "userspace application" of the umcast selftest.
 *
 * Joins an IPoIB-range multicast group through rdma_cm (port space
 * RDMA_PS_IPOIB, so the MGID is the one IPoIB would use for the same IP
 * group), with a UD QP that librdmacm attaches to the group, and then
 * either counts what arrives on that QP or sends datagrams to the group.
 *
 *   umcast_rdma -b LOCAL_ADDR -m GROUP [-t SECONDS] [-c COUNT] [-s COUNT]
 *
 * -b  an address of the IPoIB interface to bind to (IPv4 or IPv6)
 * -m  the IP multicast group
 * -t  stay joined this long (default: until SIGTERM or SIGINT)
 * -c  stop after receiving COUNT datagrams
 * -s  send COUNT datagrams to the group instead of receiving
 *
 * Output, one line each, flushed: "joined mgid=... mlid=... qpn=..." once
 * the join completed, the MGID in full (eight groups of four hex digits,
 * as softib's debugfs prints it), then "received N" or "sent N" on exit.
 * While receiving, "count N" when N changed, at most every 100 ms, so that
 * a caller can wait for the datagrams it sent to arrive. Exit status 0 on
 * success, 1 on any error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <infiniband/verbs.h>
#include <rdma/rdma_cma.h>

/*
 * UD has no flow control: a datagram that finds the receive queue empty is
 * dropped. 8192 slots absorb four seconds of a 2000/s stream while this
 * process waits for a CPU on a loaded (emulated) host; one second, 2048,
 * was seen to fall short. That pins 8193 * UMR_BUF_LEN, some 34 MB.
 */
#define UMR_RECV_DEPTH	8192
#define UMR_SEND_DEPTH	64
#define UMR_GRH_LEN	40
#define UMR_MSG_LEN	64
#define UMR_BUF_LEN	(4096 + UMR_GRH_LEN)

struct umr_ctx {
	struct rdma_event_channel *chan;
	struct rdma_cm_id *id;
	struct ibv_pd *pd;
	struct ibv_comp_channel *cq_chan;
	struct ibv_cq *cq;
	struct ibv_mr *mr;
	struct ibv_ah *ah;
	char *bufs;			/* UMR_RECV_DEPTH receive slots + one send slot */
	struct sockaddr_storage group;
	struct rdma_ud_param ud;	/* from the MULTICAST_JOIN event */
	unsigned long received;
	unsigned long reported;		/* the last "count" printed */
	double reported_at;
	unsigned long sent;
};

static atomic_bool umr_stop;

static void umr_on_signal(int sig)
{
	(void)sig;
	umr_stop = true;
}

static int umr_parse_addr(const char *text, struct sockaddr_storage *ss)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST };
	struct addrinfo *res;
	int ret;

	ret = getaddrinfo(text, NULL, &hints, &res);
	if (ret) {
		fprintf(stderr, "umcast_rdma: bad address %s: %s\n", text,
			gai_strerror(ret));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return 0;
}

/* Wait for one rdma_cm event of type @want; anything else is an error. */
static int umr_wait_event(struct umr_ctx *c, enum rdma_cm_event_type want)
{
	struct rdma_cm_event *ev;
	int ret = 0;

	if (rdma_get_cm_event(c->chan, &ev)) {
		perror("umcast_rdma: rdma_get_cm_event");
		return -1;
	}
	if (ev->event != want) {
		fprintf(stderr, "umcast_rdma: got %s (status %d), wanted %s\n",
			rdma_event_str(ev->event), ev->status,
			rdma_event_str(want));
		ret = -1;
	} else if (want == RDMA_CM_EVENT_MULTICAST_JOIN) {
		c->ud = ev->param.ud;
	}
	rdma_ack_cm_event(ev);
	return ret;
}

static int umr_post_recv(struct umr_ctx *c, unsigned int slot)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)(c->bufs + (size_t)slot * UMR_BUF_LEN),
		.length = UMR_BUF_LEN,
		.lkey = c->mr->lkey,
	};
	struct ibv_recv_wr wr = { .wr_id = slot, .sg_list = &sge, .num_sge = 1 };
	struct ibv_recv_wr *bad;

	return ibv_post_recv(c->id->qp, &wr, &bad);
}

static int umr_setup_qp(struct umr_ctx *c)
{
	struct ibv_qp_init_attr attr = {
		.qp_type = IBV_QPT_UD,
		.sq_sig_all = 1,
		.cap = {
			.max_send_wr = UMR_SEND_DEPTH,
			.max_recv_wr = UMR_RECV_DEPTH,
			.max_send_sge = 1,
			.max_recv_sge = 1,
		},
	};
	size_t len = (size_t)(UMR_RECV_DEPTH + 1) * UMR_BUF_LEN;
	unsigned int i;

	c->pd = ibv_alloc_pd(c->id->verbs);
	c->cq_chan = c->pd ? ibv_create_comp_channel(c->id->verbs) : NULL;
	c->cq = c->cq_chan ? ibv_create_cq(c->id->verbs,
					   UMR_RECV_DEPTH + UMR_SEND_DEPTH,
					   NULL, c->cq_chan, 0) : NULL;
	c->bufs = calloc(1, len);
	if (!c->cq || !c->bufs) {
		fprintf(stderr, "umcast_rdma: cannot allocate verbs resources\n");
		return -1;
	}
	c->mr = ibv_reg_mr(c->pd, c->bufs, len, IBV_ACCESS_LOCAL_WRITE);
	attr.send_cq = c->cq;
	attr.recv_cq = c->cq;
	if (!c->mr || rdma_create_qp(c->id, c->pd, &attr)) {
		perror("umcast_rdma: creating the UD QP");
		return -1;
	}
	for (i = 0; i < UMR_RECV_DEPTH; i++)
		if (umr_post_recv(c, i)) {
			perror("umcast_rdma: ibv_post_recv");
			return -1;
		}
	return ibv_req_notify_cq(c->cq, 0);
}

/* A GID as eight groups of four hex digits, never shortened with "::". */
static void umr_format_gid(const uint8_t *raw, char *buf, size_t len)
{
	size_t i, at = 0;

	for (i = 0; i < 16 && at < len; i += 2)
		at += snprintf(buf + at, len - at, "%s%02x%02x", i ? ":" : "",
			       raw[i], raw[i + 1]);
}

static int umr_join(struct umr_ctx *c, const char *local, const char *group)
{
	struct sockaddr_storage src;
	char mgid[40];

	if (umr_parse_addr(local, &src) || umr_parse_addr(group, &c->group))
		return -1;
	c->chan = rdma_create_event_channel();
	if (!c->chan || rdma_create_id(c->chan, &c->id, c, RDMA_PS_IPOIB)) {
		perror("umcast_rdma: rdma_create_id");
		return -1;
	}
	if (rdma_bind_addr(c->id, (struct sockaddr *)&src)) {
		perror("umcast_rdma: rdma_bind_addr");
		return -1;
	}
	if (umr_setup_qp(c))
		return -1;
	if (rdma_join_multicast(c->id, (struct sockaddr *)&c->group, c)) {
		perror("umcast_rdma: rdma_join_multicast");
		return -1;
	}
	/* The kernel has the request now; tests wait for this line. */
	printf("join requested\n");
	fflush(stdout);
	if (umr_wait_event(c, RDMA_CM_EVENT_MULTICAST_JOIN))
		return -1;
	umr_format_gid(c->ud.ah_attr.grh.dgid.raw, mgid, sizeof(mgid));
	printf("joined mgid=%s mlid=0x%x qpn=0x%x qkey=0x%x\n", mgid,
	       c->ud.ah_attr.dlid, c->id->qp->qp_num, c->ud.qkey);
	fflush(stdout);
	return 0;
}

/* Reap completions; repost receive slots. Returns -1 on a failed WC. */
static int umr_drain_cq(struct umr_ctx *c)
{
	struct ibv_wc wc[16];
	int n, i;

	while ((n = ibv_poll_cq(c->cq, 16, wc)) > 0) {
		for (i = 0; i < n; i++) {
			if (wc[i].status != IBV_WC_SUCCESS) {
				fprintf(stderr, "umcast_rdma: wc %s\n",
					ibv_wc_status_str(wc[i].status));
				return -1;
			}
			if (wc[i].opcode & IBV_WC_RECV) {
				c->received++;
				if (umr_post_recv(c, wc[i].wr_id))
					return -1;
			}
		}
	}
	return n < 0 ? -1 : 0;
}

/* Block up to @ms for a CQ event, then drain the CQ. */
static int umr_wait_cq(struct umr_ctx *c, int ms)
{
	struct pollfd pfd = { .fd = c->cq_chan->fd, .events = POLLIN };
	struct ibv_cq *cq;
	void *ctx;

	if (poll(&pfd, 1, ms) > 0) {
		if (ibv_get_cq_event(c->cq_chan, &cq, &ctx))
			return -1;
		ibv_ack_cq_events(cq, 1);
		if (ibv_req_notify_cq(c->cq, 0))
			return -1;
	}
	return umr_drain_cq(c);
}

static double umr_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The running count: "count N" when N changed, at most every 100 ms. */
static void umr_report(struct umr_ctx *c)
{
	double now = umr_now();

	if (c->received == c->reported || now - c->reported_at < 0.1)
		return;
	printf("count %lu\n", c->received);
	fflush(stdout);
	c->reported = c->received;
	c->reported_at = now;
}

static int umr_receive(struct umr_ctx *c, double seconds, unsigned long count)
{
	double end = seconds > 0 ? umr_now() + seconds : 0;

	while (!umr_stop && (!count || c->received < count)) {
		if (end && umr_now() >= end)
			break;
		umr_report(c);
		if (umr_wait_cq(c, 100))
			return -1;
	}
	return 0;
}

static int umr_send(struct umr_ctx *c, unsigned long count)
{
	char *msg = c->bufs + (size_t)UMR_RECV_DEPTH * UMR_BUF_LEN;
	struct ibv_sge sge = {
		.addr = (uintptr_t)msg, .length = UMR_MSG_LEN, .lkey = c->mr->lkey,
	};
	struct ibv_send_wr wr = {
		.sg_list = &sge, .num_sge = 1, .opcode = IBV_WR_SEND,
		.send_flags = IBV_SEND_SIGNALED,
	};
	struct ibv_send_wr *bad;
	unsigned long inflight = 0;

	c->ah = ibv_create_ah(c->pd, &c->ud.ah_attr);
	if (!c->ah) {
		perror("umcast_rdma: ibv_create_ah");
		return -1;
	}
	wr.wr.ud.ah = c->ah;
	wr.wr.ud.remote_qpn = c->ud.qp_num;
	wr.wr.ud.remote_qkey = c->ud.qkey;
	while (!umr_stop && c->sent < count) {
		if (inflight >= UMR_SEND_DEPTH / 2) {
			if (umr_wait_cq(c, 100))
				return -1;
			inflight = 0;
			continue;
		}
		snprintf(msg, UMR_MSG_LEN, "umcast %lu", c->sent);
		if (ibv_post_send(c->id->qp, &wr, &bad)) {
			perror("umcast_rdma: ibv_post_send");
			return -1;
		}
		c->sent++;
		inflight++;
	}
	return umr_wait_cq(c, 100);
}

static void umr_teardown(struct umr_ctx *c)
{
	if (c->ah)
		ibv_destroy_ah(c->ah);
	if (c->id && c->id->qp) {
		rdma_leave_multicast(c->id, (struct sockaddr *)&c->group);
		rdma_destroy_qp(c->id);
	}
	if (c->mr)
		ibv_dereg_mr(c->mr);
	if (c->cq)
		ibv_destroy_cq(c->cq);
	if (c->cq_chan)
		ibv_destroy_comp_channel(c->cq_chan);
	if (c->pd)
		ibv_dealloc_pd(c->pd);
	if (c->id)
		rdma_destroy_id(c->id);
	if (c->chan)
		rdma_destroy_event_channel(c->chan);
	free(c->bufs);
}

static void umr_usage(void)
{
	fprintf(stderr,
		"usage: umcast_rdma -b LOCAL_ADDR -m GROUP [-t SECONDS] [-c COUNT] [-s COUNT]\n");
	exit(1);
}

int main(int argc, char **argv)
{
	const char *local = NULL, *group = NULL;
	unsigned long count = 0, to_send = 0;
	struct umr_ctx ctx = { 0 };
	double seconds = 0;
	int opt, ret;

	while ((opt = getopt(argc, argv, "b:m:t:c:s:")) != -1) {
		switch (opt) {
		case 'b':
			local = optarg;
			break;
		case 'm':
			group = optarg;
			break;
		case 't':
			seconds = atof(optarg);
			break;
		case 'c':
			count = strtoul(optarg, NULL, 0);
			break;
		case 's':
			to_send = strtoul(optarg, NULL, 0);
			break;
		default:
			umr_usage();
		}
	}
	if (!local || !group)
		umr_usage();
	signal(SIGTERM, umr_on_signal);
	signal(SIGINT, umr_on_signal);

	ret = umr_join(&ctx, local, group);
	if (!ret && to_send)
		ret = umr_send(&ctx, to_send);
	else if (!ret)
		ret = umr_receive(&ctx, seconds, count);
	if (to_send)
		printf("sent %lu\n", ctx.sent);
	else
		printf("received %lu\n", ctx.received);
	umr_teardown(&ctx);
	return ret ? 1 : 0;
}
