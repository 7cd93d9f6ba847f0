// SPDX-License-Identifier: GPL-2.0
/*
 * Port events, QP failures and periodic housekeeping.
 *
 * The core may call the event handler in atomic context, so it only marks
 * the event on every interface of the port and queues that interface's
 * event work. What the work does depends on the events, as upstream's
 * flush levels do, so that the carrier changes only when the link does:
 *  - PORT_ERR, PORT_ACTIVE, and a PKEY_CHANGE that touches the
 *    interface's own P_Key (ipoib_event_restart()) restart the IB side of an
 *    administratively up interface: leave all groups, reset the QP, forget
 *    paths, re-read LID, GID and P_Key index, start again. A port that is
 *    not ACTIVE keeps the carrier off until PORT_ACTIVE arrives; a missing
 *    P_Key keeps the QP down until a P_Key change brings it back. On a
 *    P_Key change a parent takes whatever P_Key index 0 now holds, and
 *    with it a new broadcast group; a child keeps its own.
 *  - CLIENT_REREGISTER, LID_CHANGE, SM_CHANGE, GID_CHANGE leave the QP,
 *    the groups and the carrier alone: the port is re-read and every path
 *    is queried again when next used, its old handle in use meanwhile.
 *    The groups a new SA may have lost come back through ib_sa, which
 *    fails every membership with -ENETRESET on a reregister or a LID
 *    change: the multicast task joins each again, carrier kept.
 * A new port GID is copied into the hardware address, a parent's new P_Key
 * into the broadcast address, when RTNL is free (else at the next GC tick):
 * rdma_cm resolves GIDs from the one, ARP and the IP multicast mapping use
 * the other. Until then the interface itself already uses the new ones.
 *
 * A QP fails on its own, without a port event: a send completes in error
 * (the device moved the QP to the error state, after which it flushes
 * every send), a fatal QP event arrives, or the send queue makes no
 * progress (ndo_tx_timeout). Those contexts are atomic, so they set
 * IPOIB_FLAG_QP_CHECK (restart the QP if it left RTS) or
 * IPOIB_FLAG_QP_RESTART (restart it anyway) and queue the recovery work,
 * which, under state_mutex and so never alongside open, stop or a port
 * event, takes the QP through ERROR and RESET back to RTS. Paths, groups,
 * attachments and the carrier belong to the port and stay. A stopped
 * interface queues nothing (RUNNING is clear) and work that finds it
 * stopped does nothing; at worst a request racing with a stop and a new
 * open restarts a healthy QP once. ipoib_verbs_cleanup() cancels the work
 * for good once the QP is destroyed.
 */
#include "ipoib.h"

static bool ipoib_event_relevant(enum ib_event_type type)
{
	switch (type) {
	case IB_EVENT_PORT_ERR:
	case IB_EVENT_PORT_ACTIVE:
	case IB_EVENT_LID_CHANGE:
	case IB_EVENT_PKEY_CHANGE:
	case IB_EVENT_SM_CHANGE:
	case IB_EVENT_CLIENT_REREGISTER:
	case IB_EVENT_GID_CHANGE:
		return true;
	default:
		return false;
	}
}

/**
 * ipoib_event_handler - ib_event_handler callback
 * @handler: ipoib_ctx.event_handler
 * @event: the event
 *
 * May run in atomic context.
 */
void ipoib_event_handler(struct ib_event_handler *handler,
			 struct ib_event *event)
{
	struct ipoib_ctx *ctx = container_of(handler, struct ipoib_ctx,
					     event_handler);
	struct ipoib_dev *priv;
	unsigned long flags;

	if (!ipoib_event_relevant(event->event))
		return;
	spin_lock_irqsave(&ctx->ifaces_lock, flags);
	list_for_each_entry(priv, &ctx->ifaces, ctx_node) {
		if (priv->port != event->element.port_num)
			continue;
		set_bit(event->event, &priv->pending_events);
		queue_work(ipoib_wq, &priv->event_work);
	}
	spin_unlock_irqrestore(&ctx->ifaces_lock, flags);
}

static bool ipoib_gid_stale(const struct ipoib_dev *priv)
{
	return memcmp(priv->ndev->dev_addr + 4, priv->local_gid.raw,
		      sizeof(priv->local_gid.raw));
}

static bool ipoib_bcast_stale(const struct ipoib_dev *priv)
{
	const u8 *b = priv->ndev->broadcast;
	u16 pkey = READ_ONCE(priv->pkey);

	return b[8] != pkey >> 8 || b[9] != (pkey & 0xff);
}

/*
 * Copies a parent's new P_Key into the broadcast address.  IPv4 and IPv6
 * map their groups to hardware addresses through the broadcast address,
 * P_Key included: the type-change notifications make them drop the old
 * mapping and map again, as for a bond that changes type.  A veto would
 * only keep stale mappings, so it is not honoured.  RTNL held.
 */
static void ipoib_sync_bcast(struct ipoib_dev *priv)
{
	struct net_device *ndev = priv->ndev;
	u16 pkey = READ_ONCE(priv->pkey);

	call_netdevice_notifiers(NETDEV_PRE_TYPE_CHANGE, ndev);
	ndev->broadcast[8] = pkey >> 8;
	ndev->broadcast[9] = pkey & 0xff;
	call_netdevice_notifiers(NETDEV_POST_TYPE_CHANGE, ndev);
}

/*
 * Bytes 4-19 of the hardware address must stay the port GID, bytes 8-9 of
 * the broadcast address the P_Key.  Either change makes the neighbours,
 * which hold both, resolve again (NETDEV_CHANGEADDR).
 */
static void ipoib_event_sync_addr(struct ipoib_dev *priv)
{
	struct net_device *ndev = priv->ndev;
	bool gid, bcast;

	if (!ipoib_gid_stale(priv) && !ipoib_bcast_stale(priv))
		return;
	/* Work must not sleep on RTNL: a destructor may cancel it under RTNL. */
	if (!rtnl_trylock())
		return;
	gid = ipoib_gid_stale(priv);
	bcast = ipoib_bcast_stale(priv);
	if (ndev->reg_state == NETREG_REGISTERED && (gid || bcast)) {
		if (gid)
			dev_addr_mod(ndev, 4, priv->local_gid.raw,
				     sizeof(priv->local_gid.raw));
		if (bcast)
			ipoib_sync_bcast(priv);
		call_netdevice_notifiers(NETDEV_CHANGEADDR, ndev);
	}
	rtnl_unlock();
}

/*
 * A parent uses the P_Key in index 0 of the port's table, whatever the SM
 * put there; a child keeps the P_Key it was created with.  Returns the
 * P_Key a parent must move to, 0 if none: a child, the same P_Key, or an
 * empty index 0 (the old P_Key is then missing and the QP stays down).
 */
static u16 ipoib_event_new_pkey(struct ipoib_dev *priv)
{
	u16 pkey;

	if (priv->parent || ib_query_pkey(priv->ca, priv->port, 0, &pkey))
		return 0;
	pkey |= IPOIB_PKEY_FULL;
	if (pkey == IPOIB_PKEY_FULL || pkey == priv->pkey)
		return 0;
	return pkey;
}

/*
 * Called with the IB side down: the broadcast group of the old partition
 * is forgotten and the next ipoib_ib_up() joins the new one.
 */
static void ipoib_event_follow_pkey(struct ipoib_dev *priv)
{
	unsigned long flags;
	u16 pkey = ipoib_event_new_pkey(priv);

	if (!pkey)
		return;
	netdev_info(priv->ndev, "P_Key 0x%04x (index 0) replaces 0x%04x\n",
		    pkey, priv->pkey);
	ipoib_mcast_free_all(priv);
	mutex_lock(&priv->mcast_mutex);
	spin_lock_irqsave(&priv->ctx->ifaces_lock, flags);
	WRITE_ONCE(priv->pkey, pkey);
	spin_unlock_irqrestore(&priv->ctx->ifaces_lock, flags);
	mutex_unlock(&priv->mcast_mutex);
}

/* Events after which the link may be gone */
#define IPOIB_LINK_EVENTS	(BIT(IB_EVENT_PORT_ERR) |		\
				 BIT(IB_EVENT_PORT_ACTIVE))

/*
 * A P_Key table change restarts an interface only if it touches the
 * interface's own P_Key: gone, moved to another index (the QP holds the
 * index), back while the QP was down for want of it, or, for a parent,
 * replaced in index 0.  Other changes, such as a child's P_Key coming or
 * going, leave the parent's carrier alone.
 */
static bool ipoib_event_restart(struct ipoib_dev *priv, unsigned long events)
{
	u16 index;

	if (events & IPOIB_LINK_EVENTS)
		return true;
	if (!(events & BIT(IB_EVENT_PKEY_CHANGE)))
		return false;
	if (!test_bit(IPOIB_FLAG_RUNNING, &priv->flags) ||
	    ipoib_event_new_pkey(priv))
		return true;
	return ib_find_pkey(priv->ca, priv->port, priv->pkey, &index) ||
	       index != priv->pkey_index;
}

/*
 * The port stayed up: re-read it and refresh the paths.  A port found not
 * ACTIVE, or without our P_Key, after all gets the full restart.
 */
static void ipoib_event_light(struct ipoib_dev *priv)
{
	int ret;

	/* the multicast task reads the GID for its joins */
	mutex_lock(&priv->mcast_mutex);
	ret = ipoib_query_port(priv);
	mutex_unlock(&priv->mcast_mutex);
	if (ret || !test_bit(IPOIB_FLAG_RUNNING, &priv->flags) ||
	    !test_bit(IPOIB_FLAG_PORT_ACTIVE, &priv->flags)) {
		ipoib_ib_down(priv);
		ipoib_ib_up(priv);
		return;
	}
	ipoib_path_invalidate(priv);
}

/**
 * ipoib_event_work - apply pending port events to one interface
 * @work: ipoib_dev.event_work
 */
void ipoib_event_work(struct work_struct *work)
{
	struct ipoib_dev *priv = container_of(work, struct ipoib_dev,
					      event_work);
	unsigned long events = xchg(&priv->pending_events, 0);

	netdev_dbg(priv->ndev, "port events 0x%lx\n", events);
	mutex_lock(&priv->state_mutex);
	if (!test_bit(IPOIB_FLAG_ADMIN_UP, &priv->flags)) {
		if (events & BIT(IB_EVENT_PKEY_CHANGE))
			ipoib_event_follow_pkey(priv);
		ipoib_query_port(priv);
	} else if (ipoib_event_restart(priv, events)) {
		ipoib_ib_down(priv);
		if (events & BIT(IB_EVENT_PKEY_CHANGE))
			ipoib_event_follow_pkey(priv);
		ipoib_ib_up(priv);
	} else {
		ipoib_event_light(priv);
	}
	mutex_unlock(&priv->state_mutex);
	ipoib_event_sync_addr(priv);
}

/**
 * ipoib_qp_event - event handler of the UD QP
 * @event: the event
 * @ctx: the interface
 *
 * May run in atomic context.
 */
void ipoib_qp_event(struct ib_event *event, void *ctx)
{
	struct ipoib_dev *priv = ctx;

	if (event->event != IB_EVENT_QP_FATAL)
		return;
	netdev_warn(priv->ndev, "fatal QP error\n");
	ipoib_recover_queue(priv, true);
}

/**
 * ipoib_recover_queue - have the QP checked or restarted in process context
 * @priv: interface
 * @restart: restart the QP whatever its state, not only if it left RTS
 *
 * Does nothing while the IB side is not running. Context: any.
 */
void ipoib_recover_queue(struct ipoib_dev *priv, bool restart)
{
	int bit = restart ? IPOIB_FLAG_QP_RESTART : IPOIB_FLAG_QP_CHECK;

	if (test_bit(IPOIB_FLAG_RUNNING, &priv->flags) &&
	    !test_and_set_bit(bit, &priv->flags))
		queue_work(ipoib_wq, &priv->recover_work);
}

/*
 * ipoib_qp_stop() then ipoib_qp_start(): every posted send is given back,
 * the receive ring is posted afresh. The multicast task is held off, since
 * it attaches groups and sets the Q_Key, which a QP in RESET refuses. If
 * the QP does not come back, the interface goes down and up as for a port
 * event.
 */
static void ipoib_recover(struct ipoib_dev *priv)
{
	struct net_device *ndev = priv->ndev;
	int ret;

	ipoib_count(priv, IPOIB_CNT_QP_RECOVERIES);
	netdev_info(ndev, "restarting the QP\n");
	/* The stop below is no transmit timeout for the watchdog. */
	netif_trans_update(ndev);
	mutex_lock(&priv->mcast_mutex);
	ipoib_qp_stop(priv);
	/* This restart answers what the old QP reported while flushed. */
	clear_bit(IPOIB_FLAG_QP_CHECK, &priv->flags);
	clear_bit(IPOIB_FLAG_QP_RESTART, &priv->flags);
	ret = ipoib_qp_start(priv);
	mutex_unlock(&priv->mcast_mutex);
	if (!ret) {
		netif_wake_queue(ndev);
		return;
	}
	netdev_warn(ndev, "cannot restart the QP (%d)\n", ret);
	ipoib_ib_down(priv);
	ipoib_ib_up(priv);
}

/**
 * ipoib_recover_work - check or restart the QP as asked
 * @work: ipoib_dev.recover_work
 */
void ipoib_recover_work(struct work_struct *work)
{
	struct ipoib_dev *priv = container_of(work, struct ipoib_dev,
					      recover_work);
	bool restart, check;

	mutex_lock(&priv->state_mutex);
	restart = test_and_clear_bit(IPOIB_FLAG_QP_RESTART, &priv->flags);
	check = test_and_clear_bit(IPOIB_FLAG_QP_CHECK, &priv->flags);
	if (test_bit(IPOIB_FLAG_RUNNING, &priv->flags) &&
	    (restart || (check && ipoib_qp_failed(priv))))
		ipoib_recover(priv);
	mutex_unlock(&priv->state_mutex);
}

/**
 * ipoib_gc_work - age paths and send-only groups
 * @work: ipoib_dev.gc_work
 */
void ipoib_gc_work(struct work_struct *work)
{
	struct ipoib_dev *priv = container_of(to_delayed_work(work),
					      struct ipoib_dev, gc_work);

	ipoib_path_gc(priv);
	ipoib_event_sync_addr(priv);
	/* The task forgets send-only groups whose TTL ran out. */
	ipoib_mcast_kick(priv, 0);
	queue_delayed_work(ipoib_wq, &priv->gc_work, IPOIB_GC_INTERVAL);
}
