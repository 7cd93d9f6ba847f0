/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small libibverbs helpers shared by the softib test programs, so that
 * each program keeps only what it tests.
 */
#ifndef SOFTIB_VERBS_UTIL_H
#define SOFTIB_VERBS_UTIL_H

#include <string.h>
#include <infiniband/verbs.h>

/* verbs_open - open the RDMA device called @name; NULL if there is none */
static inline struct ibv_context *verbs_open(const char *name)
{
	struct ibv_device **list = ibv_get_device_list(NULL);
	struct ibv_context *c = NULL;
	int i;

	for (i = 0; list && list[i]; i++) {
		if (!strcmp(ibv_get_device_name(list[i]), name)) {
			c = ibv_open_device(list[i]);
			break;
		}
	}
	ibv_free_device_list(list);
	return c;
}

#endif /* SOFTIB_VERBS_UTIL_H */
