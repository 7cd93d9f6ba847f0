// SPDX-License-Identifier: GPL-2.0
/*
 * Ring sizes changed at run time (ethtool -G), and the announcement of the
 * hardware address that such a change gives the interface.
 *
 * A QP's queues cannot grow or shrink in place on most HCAs, so a resize
 * builds a complete second set (struct ipoib_queues: QP, CQs, rings, page
 * pool) beside the running one. Only when that worked is the IB side taken
 * down, the sets exchanged and the old one destroyed, and the IB side
 * brought up again; a failed allocation changes nothing. The PD and the
 * address handles stay. Traffic pauses for the time of a port event: the
 * carrier drops until the broadcast group is joined again.
 *
 * The new QP has a new QPN, and the QPN is bytes 1-3 of the hardware
 * address, so peers that cached the old address would send to a QP that
 * no longer exists until their neighbour entries expire. The interface
 * therefore announces itself (gratuitous ARP, unsolicited neighbour
 * advertisement: NETDEV_NOTIFY_PEERS) at the first carrier up after the
 * change, from the netdev notifier once linkwatch has activated the qdisc.
 * IPOIB_FLAG_ANNOUNCE carries the request across; an interface that is down
 * at the change announces when it comes up.
 *
 * Locking: RTNL (ethtool, the notifier) around everything; state_mutex for
 * the exchange, as for open and stop; mcast_mutex, which the multicast task
 * holds while it uses the QP, for the exchange itself.
 */
#include <linux/log2.h>
#include <net/sch_generic.h>

#include "ipoib.h"

static int ipoib_ring_check(struct ipoib_dev *priv, const char *name,
			    unsigned int size, struct netlink_ext_ack *extack)
{
	unsigned int max = ipoib_ring_max(priv);

	if (size >= IPOIB_RING_MIN && size <= max && is_power_of_2(size))
		return 0;
	NL_SET_ERR_MSG_FMT(extack,
			   "%s ring size %u: must be a power of two from %u to %u",
			   name, size, IPOIB_RING_MIN, max);
	return -EINVAL;
}

/* Under state_mutex: put @q in place of the running set, keep the old. */
static void ipoib_ring_exchange(struct ipoib_dev *priv, struct ipoib_queues *q)
{
	ipoib_ib_down(priv);
	mutex_lock(&priv->mcast_mutex);
	ipoib_queues_swap(priv, q);
	mutex_unlock(&priv->mcast_mutex);
	/* What the old QP asked for does not concern the new one. */
	clear_bit(IPOIB_FLAG_QP_CHECK, &priv->flags);
	clear_bit(IPOIB_FLAG_QP_RESTART, &priv->flags);
	ipoib_queues_destroy(q);
	/* Moderation is a property of the CQ; the new one starts without. */
	if (priv->coal_frames || priv->coal_usecs)
		rdma_set_cq_moderation(priv->recv_cq, priv->coal_frames,
				       priv->coal_usecs);
	ipoib_verbs_set_addr(priv);
	set_bit(IPOIB_FLAG_ANNOUNCE, &priv->flags);
	if (test_bit(IPOIB_FLAG_ADMIN_UP, &priv->flags))
		ipoib_ib_up(priv);
}

/**
 * ipoib_ring_resize - give an interface rings of new sizes
 * @priv: registered interface, up or down
 * @rx: receive ring entries
 * @tx: send ring entries
 * @extack: where to report why the sizes are refused
 *
 * Called with RTNL held. Unchanged sizes are a no-op.
 *
 * Return: 0, -EINVAL for a size out of bounds or not a power of two, or
 * the error that kept the new set from being created (sizes unchanged).
 */
int ipoib_ring_resize(struct ipoib_dev *priv, unsigned int rx,
		      unsigned int tx, struct netlink_ext_ack *extack)
{
	struct ipoib_queues q = { .rx_size = rx, .tx_size = tx };
	int ret;

	ASSERT_RTNL();
	ret = ipoib_ring_check(priv, "rx", rx, extack) ?:
	      ipoib_ring_check(priv, "tx", tx, extack);
	if (ret)
		return ret;
	if (rx == priv->rx_size && tx == priv->tx_size)
		return 0;
	ret = ipoib_queues_create(priv, &q);
	if (ret) {
		NL_SET_ERR_MSG_FMT(extack, "cannot create rings of rx %u, tx %u (%d)",
				   rx, tx, ret);
		return ret;
	}
	mutex_lock(&priv->state_mutex);
	ipoib_ring_exchange(priv, &q);
	mutex_unlock(&priv->state_mutex);
	call_netdevice_notifiers(NETDEV_CHANGEADDR, priv->ndev);
	return 0;
}

/**
 * ipoib_ring_announce - announce a new hardware address once it can be sent
 * @priv: interface that reported NETDEV_CHANGE
 *
 * Called from the netdev notifier, RTNL held. Sends the announcement if one
 * is due, the carrier is up and the qdisc passes packets; otherwise a later
 * NETDEV_CHANGE (linkwatch reports every carrier change) tries again.
 */
void ipoib_ring_announce(struct ipoib_dev *priv)
{
	struct net_device *ndev = priv->ndev;

	ASSERT_RTNL();
	if (!test_bit(IPOIB_FLAG_ANNOUNCE, &priv->flags) ||
	    !netif_running(ndev) || !netif_carrier_ok(ndev) ||
	    qdisc_tx_is_noop(ndev))
		return;
	clear_bit(IPOIB_FLAG_ANNOUNCE, &priv->flags);
	__netdev_notify_peers(ndev);
}
