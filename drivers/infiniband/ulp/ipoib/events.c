// SPDX-License-Identifier: GPL-2.0
/*
 * Port events, QP failures and periodic housekeeping.
 *
 * The core may call the event handler in atomic context, so it only marks
 * the event on every interface of the port and queues that interface's
 * event work. What the work does depends on the events, as upstream's
 * flush levels do, so that the carrier changes only when the link does:
 *  - PORT_ERR, PORT_ACTIVE, PKEY_CHANGE restart the IB side of an
 *    administratively up interface: leave all groups, reset the QP, forget
 *    paths, re-read LID, GID and P_Key index, start again. A port that is
 *    not ACTIVE keeps the carrier off until PORT_ACTIVE arrives; a missing
 *    P_Key keeps the QP down until a P_Key change brings it back.
 *  - CLIENT_REREGISTER, LID_CHANGE, SM_CHANGE, GID_CHANGE leave the QP,
 *    the groups and the carrier alone: the port is re-read and every path
 *    is queried again when next used, its old handle in use meanwhile.
 *    The groups a new SA may have lost come back through ib_sa, which
 *    fails every membership with -ENETRESET on a reregister or a LID
 *    change: the multicast task joins each again, carrier kept.
 * A new port GID is copied into the hardware address when RTNL is free
 * (else at the next GC tick), since rdma_cm resolves GIDs from it.
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

/* Bytes 4-19 of the hardware address must stay the port GID. */
static void ipoib_event_sync_addr(struct ipoib_dev *priv)
{
	struct net_device *ndev = priv->ndev;
	const u8 *gid = priv->local_gid.raw;

	if (!memcmp(ndev->dev_addr + 4, gid, sizeof(priv->local_gid.raw)))
		return;
	/* Work must not sleep on RTNL: a destructor may cancel it under RTNL. */
	if (!rtnl_trylock())
		return;
	if (ndev->reg_state == NETREG_REGISTERED) {
		dev_addr_mod(ndev, 4, gid, sizeof(priv->local_gid.raw));
		call_netdevice_notifiers(NETDEV_CHANGEADDR, ndev);
	}
	rtnl_unlock();
}

/* Events after which the link, or the P_Key the QP uses, may be gone */
#define IPOIB_RESTART_EVENTS	(BIT(IB_EVENT_PORT_ERR) |		\
				 BIT(IB_EVENT_PORT_ACTIVE) |		\
				 BIT(IB_EVENT_PKEY_CHANGE))

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
		ipoib_query_port(priv);
	} else if (events & IPOIB_RESTART_EVENTS) {
		ipoib_ib_down(priv);
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
