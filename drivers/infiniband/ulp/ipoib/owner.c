// SPDX-License-Identifier: GPL-2.0
/*
 * Who else receives from a multicast group: the question the umcast policy
 * asks, answered by ib_core's multicast database.
 *
 * The database keeps every member of a group of this port together with the
 * SA client that made it. Every IPoIB interface of the host, parent or
 * child, in any network namespace, joins through ipoib_sa_client, so the
 * members of any other client are applications (rdma_cm, and through it
 * userspace) or other kernel consumers. They count from their join request
 * on, whether the SA has answered or not; our own released memberships never
 * count, even while their leave is still in flight at the SA. The answer is
 * exact whatever we hold ourselves, so the multicast task asks it again for
 * the groups we are attached to as well (ipoib_owner_exact).
 */
#include "ipoib.h"

const bool ipoib_owner_exact = true;

/**
 * ipoib_mcast_owner - does a receiver outside IPoIB hold a group?
 * @priv: interface asking
 * @mc: the group
 *
 * Called by the multicast task. Send-only members of other clients do not
 * receive, so they do not count.
 *
 * Return: IPOIB_OWNER_OTHER or IPOIB_OWNER_NOBODY.
 */
enum ipoib_mc_owner ipoib_mcast_owner(struct ipoib_dev *priv,
				      struct ipoib_mcast *mc)
{
	u8 others;

	lockdep_assert_held(&priv->mcast_mutex);
	others = ib_sa_mcmember_others_state(&ipoib_sa_client, priv->ca,
					     priv->port, &mc->mgid);
	return others & IPOIB_JOIN_RECEIVES ? IPOIB_OWNER_OTHER :
					      IPOIB_OWNER_NOBODY;
}
