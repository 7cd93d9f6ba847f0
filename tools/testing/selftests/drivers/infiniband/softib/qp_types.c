// SPDX-License-Identifier: GPL-2.0
/*
 * Which QP types a device lets userspace create, through libibverbs.
 *
 *   qp_types IBDEV
 *
 * Prints "rc=R uc=U ud=D srq=S ud_srq=X", each "ok" or the errno name of
 * the failure: an RC, UC and UD QP, a basic SRQ, and a UD QP receiving
 * through that SRQ.  Exit 0 once everything was tried, 2 on setup errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <infiniband/verbs.h>

#include "verbs_util.h"

static const char *result(int ok)
{
	if (ok)
		return "ok";
	return strerrorname_np(errno) ?: "unknown";
}

/* Try one QP; print the result; returns nothing, errors are the output. */
static void try_qp(struct ibv_pd *pd, struct ibv_cq *cq, struct ibv_srq *srq,
		   enum ibv_qp_type type, const char *name)
{
	struct ibv_qp_init_attr attr = {
		.send_cq = cq,
		.recv_cq = cq,
		.srq = srq,
		.qp_type = type,
		.cap = { .max_send_wr = 4, .max_send_sge = 1,
			 .max_recv_wr = srq ? 0 : 4, .max_recv_sge = srq ? 0 : 1 },
	};
	struct ibv_qp *qp;

	errno = 0;
	qp = ibv_create_qp(pd, &attr);
	printf("%s=%s ", name, result(!!qp));
	if (qp)
		ibv_destroy_qp(qp);
}

int main(int argc, char **argv)
{
	struct ibv_srq_init_attr sattr = { .attr = { .max_wr = 4, .max_sge = 1 } };
	struct ibv_context *ctx;
	struct ibv_srq *srq;
	struct ibv_pd *pd;
	struct ibv_cq *cq;

	if (argc != 2) {
		fprintf(stderr, "usage: %s IBDEV\n", argv[0]);
		return 2;
	}
	ctx = verbs_open(argv[1]);
	pd = ctx ? ibv_alloc_pd(ctx) : NULL;
	cq = pd ? ibv_create_cq(ctx, 16, NULL, NULL, 0) : NULL;
	if (!cq) {
		perror(argv[1]);
		return 2;
	}
	try_qp(pd, cq, NULL, IBV_QPT_RC, "rc");
	try_qp(pd, cq, NULL, IBV_QPT_UC, "uc");
	try_qp(pd, cq, NULL, IBV_QPT_UD, "ud");
	errno = 0;
	srq = ibv_create_srq(pd, &sattr);
	printf("srq=%s ", result(!!srq));
	if (srq) {
		try_qp(pd, cq, srq, IBV_QPT_UD, "ud_srq");
		ibv_destroy_srq(srq);
	}
	printf("\n");
	ibv_destroy_cq(cq);
	ibv_dealloc_pd(pd);
	ibv_close_device(ctx);
	return 0;
}
