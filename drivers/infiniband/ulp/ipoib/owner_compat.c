// SPDX-License-Identifier: GPL-2.0
/*
 * Who else receives from a multicast group, for builds against an ib_core
 * without ib_sa_mcmember_others_state() (out-of-tree DKMS builds on a
 * kernel without the IB/core patch of this series).
 *
 * All such an ib_core offers is the group record, whose join state merges
 * the completed joins of every member of the port, ours included. So:
 *  - while we are a full member, nobody else is visible: the multicast task
 *    releases our full memberships when umcast is set to 1 and decides
 *    again (ipoib_owner_exact is false);
 *  - for IPOIB_UMCAST_SETTLE after such a release, a full bit may still be
 *    our own leftover: the answer is "unsure" and the task asks again soon;
 *    a record without receivers then is our own leave in flight;
 *  - a full bit that another IPoIB interface of the port may have set
 *    (it is a full member, or is joining as one) cannot be told from an
 *    application's, so it does not count: a socket is never left deaf, at
 *    the price of CPU when both hold the group;
 *  - a record with no completed join while we hold nothing is someone's
 *    join in flight.
 * Documentation/infiniband/ipoib.rst lists what this cannot see.
 */
#include "ipoib.h"

const bool ipoib_owner_exact;

/* Does another IPoIB interface of @priv's port receive, or join to? */
static bool ipoib_sibling_receives(struct ipoib_dev *priv,
				   const union ib_gid *mgid)
{
	struct ipoib_ctx *ctx = priv->ctx;
	struct ipoib_dev *other;
	unsigned long flags;
	bool found = false;

	spin_lock_irqsave(&ctx->ifaces_lock, flags);
	list_for_each_entry(other, &ctx->ifaces, ctx_node) {
		if (other == priv || other->port != priv->port)
			continue;
		spin_lock(&other->cache_lock);
		found = ipoib_mcast_receiving(other, mgid);
		spin_unlock(&other->cache_lock);
		if (found)
			break;
	}
	spin_unlock_irqrestore(&ctx->ifaces_lock, flags);
	return found;
}

/**
 * ipoib_mcast_owner - does a receiver outside IPoIB hold a group?
 * @priv: interface asking
 * @mc: the group
 *
 * Called by the multicast task; see the top of this file for what the
 * merged record lets it tell.
 *
 * Return: IPOIB_OWNER_OTHER, IPOIB_OWNER_NOBODY or IPOIB_OWNER_UNSURE.
 */
enum ipoib_mc_owner ipoib_mcast_owner(struct ipoib_dev *priv,
				      struct ipoib_mcast *mc)
{
	struct ib_sa_mcmember_rec rec;
	bool settling;

	lockdep_assert_held(&priv->mcast_mutex);
	if (mc->state == IPOIB_MC_FULL)
		return IPOIB_OWNER_NOBODY;
	if (ib_sa_get_mcmember_rec(priv->ca, priv->port, &mc->mgid, &rec))
		return IPOIB_OWNER_NOBODY;
	settling = time_before(jiffies, mc->settle_until);
	if (!(rec.join_state & IPOIB_JOIN_RECEIVES)) {
		if (rec.join_state || mc->join_state || settling)
			return IPOIB_OWNER_NOBODY;
	} else if (settling) {
		return IPOIB_OWNER_UNSURE;
	}
	if (ipoib_sibling_receives(priv, &mc->mgid))
		return IPOIB_OWNER_NOBODY;
	return IPOIB_OWNER_OTHER;
}
