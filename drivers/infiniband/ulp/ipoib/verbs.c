// SPDX-License-Identifier: GPL-2.0
/*
 * Verbs resources of one interface: the PD, the two CQs, the UD QP with its
 * buffer rings, and reference-counted address handles.
 *
 * Resources are created when the netdev registers (the QPN is part of the
 * hardware address) and destroyed when it unregisters. Opening the interface
 * fills the receive ring with the QP in INIT, walks it on to RTS and arms
 * both CQs, polling at once what completed before the arm; stopping (or a
 * failed start) moves the QP to ERROR, reaps every flushed completion and
 * returns it to RESET. Recovery from a failed QP (events.c) is a stop and
 * a start; IPOIB_FLAG_QP_LIVE makes a stop after a failed start harmless.
 *
 * An address handle may be dropped by its path or group while sends still
 * use it, so it carries a kref; the last put queues it on a lock-free list
 * that a work item destroys in process context.
 */
#include <linux/delay.h>
#include <linux/slab.h>
#include <net/page_pool/types.h>
#include <rdma/ib_cache.h>

#include "ipoib.h"

#define IPOIB_DRAIN_TIMEOUT	(5 * HZ)

/**
 * ipoib_ring_max - largest ring size the device allows
 * @priv: interface bound to its device
 *
 * Each CQ has as many entries as its ring, so both limits apply.
 *
 * Return: a power of two, at most IPOIB_RING_MAX.
 */
unsigned int ipoib_ring_max(const struct ipoib_dev *priv)
{
	const struct ib_device_attr *attrs = &priv->ca->attrs;
	unsigned int lim = min_t(unsigned int, attrs->max_qp_wr, attrs->max_cqe);

	if (lim < IPOIB_RING_MIN)
		return IPOIB_RING_MIN;
	return min_t(unsigned int, IPOIB_RING_MAX, rounddown_pow_of_two(lim));
}

static int ipoib_queues_create_cqs(struct ipoib_dev *priv,
				   struct ipoib_queues *q)
{
	struct ib_cq_init_attr attr = {};

	attr.cqe = q->tx_size;
	q->send_cq = ib_create_cq(priv->ca, ipoib_send_cq_event, NULL,
				  priv, &attr);
	if (IS_ERR(q->send_cq))
		return PTR_ERR(q->send_cq);

	attr.cqe = q->rx_size;
	q->recv_cq = ib_create_cq(priv->ca, ipoib_recv_cq_event, NULL,
				  priv, &attr);
	if (IS_ERR(q->recv_cq)) {
		ib_destroy_cq(q->send_cq);
		return PTR_ERR(q->recv_cq);
	}
	return 0;
}

static int ipoib_queues_create_qp(struct ipoib_dev *priv,
				  struct ipoib_queues *q)
{
	struct ib_qp_init_attr attr = {};

	attr.send_cq = q->send_cq;
	attr.recv_cq = q->recv_cq;
	attr.cap.max_send_wr = q->tx_size;
	attr.cap.max_recv_wr = q->rx_size;
	attr.cap.max_send_sge = priv->max_send_sge;
	attr.cap.max_recv_sge = 1;
	attr.sq_sig_type = IB_SIGNAL_ALL_WR;
	attr.qp_type = IB_QPT_UD;
	/* the offload contract: only such a QP honours IB_SEND_IP_CSUM */
	if (priv->ca->attrs.kernel_cap_flags & IBK_UD_TSO)
		attr.create_flags |= IB_QP_CREATE_IPOIB_UD_LSO;
	attr.event_handler = ipoib_qp_event;
	attr.qp_context = priv;

	q->qp = ib_create_qp(priv->pd, &attr);
	if (IS_ERR(q->qp))
		return PTR_ERR(q->qp);
	q->ud_offloads = attr.create_flags & IB_QP_CREATE_IPOIB_UD_LSO;
	return 0;
}

/**
 * ipoib_queues_create - create a QP, its CQs and its rings
 * @priv: interface with a PD
 * @q: set to fill; rx_size and tx_size give the ring sizes
 *
 * The set is not in use yet: ipoib_queues_swap() installs it.
 *
 * Return: 0 or a negative errno; nothing is left allocated on failure.
 */
int ipoib_queues_create(struct ipoib_dev *priv, struct ipoib_queues *q)
{
	int ret = -ENOMEM;

	q->rx_ring = kvcalloc(q->rx_size, sizeof(*q->rx_ring), GFP_KERNEL);
	if (!q->rx_ring)
		return ret;
	q->tx_ring = kvcalloc(q->tx_size, sizeof(*q->tx_ring), GFP_KERNEL);
	if (!q->tx_ring)
		goto err_rx_ring;
	q->rx_pool = ipoib_rx_pool_create(priv, q->rx_size);
	if (IS_ERR(q->rx_pool)) {
		ret = PTR_ERR(q->rx_pool);
		goto err_tx_ring;
	}
	ret = ipoib_queues_create_cqs(priv, q);
	if (ret)
		goto err_pool;
	ret = ipoib_queues_create_qp(priv, q);
	if (ret)
		goto err_cqs;
	return 0;

err_cqs:
	ib_destroy_cq(q->recv_cq);
	ib_destroy_cq(q->send_cq);
err_pool:
	page_pool_destroy(q->rx_pool);
err_tx_ring:
	kvfree(q->tx_ring);
err_rx_ring:
	kvfree(q->rx_ring);
	return ret;
}

/**
 * ipoib_queues_swap - exchange the interface's set with another
 * @priv: interface whose QP is stopped, or not yet created
 * @q: the other set; holds the interface's old set on return
 */
void ipoib_queues_swap(struct ipoib_dev *priv, struct ipoib_queues *q)
{
	swap(priv->send_cq, q->send_cq);
	swap(priv->recv_cq, q->recv_cq);
	swap(priv->qp, q->qp);
	swap(priv->rx_ring, q->rx_ring);
	swap(priv->tx_ring, q->tx_ring);
	swap(priv->rx_pool, q->rx_pool);
	swap(priv->rx_size, q->rx_size);
	swap(priv->tx_size, q->tx_size);
	swap(priv->ud_offloads, q->ud_offloads);
}

/**
 * ipoib_queues_destroy - destroy a set made by ipoib_queues_create()
 * @q: set not in use: its QP is in RESET with every buffer released
 *
 * The QP goes first, so that no completion or event refers to the CQs.
 */
void ipoib_queues_destroy(struct ipoib_queues *q)
{
	ib_destroy_qp(q->qp);
	ib_destroy_cq(q->recv_cq);
	ib_destroy_cq(q->send_cq);
	page_pool_destroy(q->rx_pool);
	kvfree(q->tx_ring);
	kvfree(q->rx_ring);
}

/*
 * Offloads the QP allows. With scatter-gather the stack's software GSO
 * hands over page fragments; without it every segment is linearised, a
 * copy of its payload. The send offloads follow the contract of real HCAs
 * (mlx5 among them): only a UD QP created with IB_QP_CREATE_IPOIB_UD_LSO
 * computes IPv4 TCP/UDP checksums of sends flagged IB_SEND_IP_CSUM (when
 * the device has IB_DEVICE_UD_IP_CSUM) and takes IB_WR_LSO (when it has
 * IBK_UD_TSO); on any other QP a flagged send would leave unfinished.
 * Receive checksums the device verified (IB_WC_IP_CSUM_OK) are trusted
 * whatever the QP. A resized QP is created with the same flags, so the
 * features stay true.
 */
static void ipoib_verbs_set_features(struct ipoib_dev *priv)
{
	u64 caps = priv->ca->attrs.device_cap_flags;
	struct net_device *ndev = priv->ndev;
	netdev_features_t f = 0;

	if (priv->max_send_sge > 1)
		f |= NETIF_F_SG;
	if (caps & IB_DEVICE_UD_IP_CSUM)
		f |= NETIF_F_RXCSUM;
	if (priv->ud_offloads && (caps & IB_DEVICE_UD_IP_CSUM)) {
		f |= NETIF_F_IP_CSUM;
		if (f & NETIF_F_SG)
			f |= NETIF_F_TSO;
	}
	ndev->hw_features |= f;
	ndev->features |= f;
}

/**
 * ipoib_verbs_set_addr - make the hardware address follow QPN and GID
 * @priv: interface; RTNL held once the netdev is registered
 */
void ipoib_verbs_set_addr(struct ipoib_dev *priv)
{
	u8 addr[INFINIBAND_ALEN];
	__be32 qpn = cpu_to_be32(priv->qp->qp_num & IPOIB_QPN_MASK);

	/* Byte 0 carries flags (none in datagram mode), bytes 1-3 the QPN. */
	memcpy(addr, &qpn, sizeof(qpn));
	memcpy(addr + 4, priv->local_gid.raw, sizeof(priv->local_gid.raw));
	dev_addr_set(priv->ndev, addr);
}

/**
 * ipoib_verbs_init - create the verbs resources of an interface
 * @priv: interface whose rx_size and tx_size are set
 *
 * Return: 0 or a negative errno; nothing is left allocated on failure.
 */
int ipoib_verbs_init(struct ipoib_dev *priv)
{
	struct ipoib_queues q = {
		.rx_size = priv->rx_size,
		.tx_size = priv->tx_size,
	};
	int ret;

	priv->max_send_sge = min_t(u32, priv->ca->attrs.max_send_sge,
				   MAX_SKB_FRAGS + 1);
	priv->rx_truesize = ipoib_rx_truesize(priv);
	priv->pd = ib_alloc_pd(priv->ca, 0);
	if (IS_ERR(priv->pd))
		return PTR_ERR(priv->pd);
	ret = ipoib_queues_create(priv, &q);
	if (ret) {
		ib_dealloc_pd(priv->pd);
		return ret;
	}
	ipoib_queues_swap(priv, &q);
	ipoib_verbs_set_addr(priv);
	ipoib_verbs_set_features(priv);
	return 0;
}

/**
 * ipoib_verbs_cleanup - destroy what ipoib_verbs_init() created
 * @priv: interface, stopped, with no path or group left
 */
void ipoib_verbs_cleanup(struct ipoib_dev *priv)
{
	struct ipoib_queues q = {};

	flush_work(&priv->ah_work);
	ipoib_ah_reap(&priv->ah_work);
	ipoib_queues_swap(priv, &q);
	ipoib_queues_destroy(&q);
	/*
	 * Stopped, the interface queues no recovery (RUNNING is clear) and
	 * runs none; only a QP event that saw RUNNING set just before could
	 * still queue one, and with the QP gone none can arrive any more.
	 */
	cancel_work_sync(&priv->recover_work);
	ib_dealloc_pd(priv->pd);
}

/* RESET to INIT: receives may be posted, no packet is taken yet. */
static int ipoib_qp_to_init(struct ipoib_dev *priv)
{
	struct ib_qp_attr attr = {
		.qp_state = IB_QPS_INIT,
		.pkey_index = priv->pkey_index,
		.port_num = priv->port,
		.qkey = priv->qkey,
	};

	return ib_modify_qp(priv->qp, &attr, IB_QP_STATE | IB_QP_PKEY_INDEX |
			    IB_QP_PORT | IB_QP_QKEY);
}

/* INIT to RTR, from which packets arrive, then to RTS. */
static int ipoib_qp_to_rts(struct ipoib_dev *priv)
{
	struct ib_qp_attr attr = { .qp_state = IB_QPS_RTR };
	int ret;

	ret = ib_modify_qp(priv->qp, &attr, IB_QP_STATE);
	if (ret)
		return ret;

	attr.qp_state = IB_QPS_RTS;
	attr.sq_psn = 0;
	return ib_modify_qp(priv->qp, &attr, IB_QP_STATE | IB_QP_SQ_PSN);
}

static void ipoib_qp_reset(struct ipoib_dev *priv)
{
	struct ib_qp_attr attr = { .qp_state = IB_QPS_RESET };

	if (ib_modify_qp(priv->qp, &attr, IB_QP_STATE))
		netdev_warn(priv->ndev, "cannot reset the QP\n");
}

static bool ipoib_qp_drained(struct ipoib_dev *priv)
{
	unsigned int i;

	if (READ_ONCE(priv->tx_head) != READ_ONCE(priv->tx_tail))
		return false;
	for (i = 0; i < priv->rx_size; i++)
		if (priv->rx_ring[i].page)
			return false;
	return true;
}

/*
 * Move the QP to ERROR, which completes every posted work request with a
 * flush error, reap those completions, and return the QP to RESET with
 * every buffer released. The move to ERROR is what empties the queues:
 * rdmavt, for one, leaves posted receives in place on a move to RESET.
 * Both NAPIs are disabled.
 */
static void ipoib_qp_flush(struct ipoib_dev *priv)
{
	struct ib_qp_attr attr = { .qp_state = IB_QPS_ERR };
	unsigned long deadline = jiffies + IPOIB_DRAIN_TIMEOUT;

	if (ib_modify_qp(priv->qp, &attr, IB_QP_STATE))
		netdev_warn(priv->ndev, "cannot move the QP to error\n");

	while (!ipoib_qp_drained(priv) && time_before(jiffies, deadline)) {
		ipoib_rx_drain(priv);
		ipoib_tx_drain(priv);
		usleep_range(500, 1000);
	}
	ipoib_qp_reset(priv);
	ipoib_rx_drain(priv);
	ipoib_tx_drain(priv);
	ipoib_rx_free(priv);
	ipoib_tx_free(priv);
}

/*
 * Arm @cq and, if completions are already waiting, poll it now: receives
 * complete on the unarmed CQ between the move to RTR and the arm, and with
 * a plain NEXT_COMP they would wait for the next packet to raise an event.
 */
static void ipoib_cq_arm(struct ib_cq *cq, struct napi_struct *napi)
{
	if (ib_req_notify_cq(cq, IB_CQ_NEXT_COMP |
			     IB_CQ_REPORT_MISSED_EVENTS) <= 0)
		return;
	/* Process context: the poll runs when bottom halves are enabled. */
	local_bh_disable();
	napi_schedule(napi);
	local_bh_enable();
}

/**
 * ipoib_qp_start - bring the QP to RTS and start both NAPIs
 * @priv: interface whose QP is in RESET
 *
 * The receive ring is filled in INIT, so that no packet finds it short.
 *
 * Return: 0 or a negative errno; the QP is back in RESET on failure.
 */
int ipoib_qp_start(struct ipoib_dev *priv)
{
	int ret;

	lockdep_assert_held(&priv->state_mutex);
	ret = ipoib_qp_to_init(priv);
	if (ret) {
		ipoib_qp_reset(priv);
		return ret;
	}
	ret = ipoib_rx_fill(priv);
	if (!ret)
		ret = ipoib_qp_to_rts(priv);
	if (ret) {
		ipoib_qp_flush(priv);
		return ret;
	}
	napi_enable(&priv->rx_napi);
	napi_enable(&priv->tx_napi);
	set_bit(IPOIB_FLAG_QP_LIVE, &priv->flags);
	ipoib_cq_arm(priv->recv_cq, &priv->rx_napi);
	ipoib_cq_arm(priv->send_cq, &priv->tx_napi);
	return 0;
}

/**
 * ipoib_qp_stop - flush the QP and return it to RESET
 * @priv: interface
 *
 * Stops the transmit queue too; whoever restarts the QP wakes it. Every
 * posted buffer is released when this returns. Does nothing if the QP
 * was not started by ipoib_qp_start().
 */
void ipoib_qp_stop(struct ipoib_dev *priv)
{
	lockdep_assert_held(&priv->state_mutex);
	if (!test_and_clear_bit(IPOIB_FLAG_QP_LIVE, &priv->flags))
		return;
	napi_disable(&priv->tx_napi);
	/* Only now: the send NAPI wakes a stopped queue. The ring is ours. */
	netif_tx_disable(priv->ndev);
	napi_disable(&priv->rx_napi);
	ipoib_qp_flush(priv);
}

/**
 * ipoib_qp_failed - tell whether a started QP left RTS
 * @priv: interface
 *
 * Return: true if the QP is in any other state (the error state, when the
 * device failed a work request) or cannot be queried.
 */
bool ipoib_qp_failed(struct ipoib_dev *priv)
{
	struct ib_qp_init_attr init;
	struct ib_qp_attr attr;

	if (ib_query_qp(priv->qp, &attr, IB_QP_STATE, &init))
		return true;
	return attr.qp_state != IB_QPS_RTS;
}

/**
 * ipoib_set_qkey - program the Q_Key learned from the broadcast group
 * @priv: interface
 * @qkey: the Q_Key
 *
 * Return: 0 or the error of ib_modify_qp().
 */
int ipoib_set_qkey(struct ipoib_dev *priv, u32 qkey)
{
	struct ib_qp_attr attr = { .qkey = qkey };
	int ret;

	if (priv->qkey == qkey)
		return 0;
	ret = ib_modify_qp(priv->qp, &attr, IB_QP_QKEY);
	if (!ret)
		priv->qkey = qkey;
	return ret;
}

/**
 * ipoib_query_port - refresh the cached port attributes
 * @priv: interface
 *
 * Updates the LID, the GID, the P_Key index and the port-active flag.
 *
 * Return: 0, or a negative errno if the port cannot be queried or the
 * interface's P_Key is not in the port's table.
 */
int ipoib_query_port(struct ipoib_dev *priv)
{
	struct ib_port_attr attr;
	int ret;

	ret = ib_query_port(priv->ca, priv->port, &attr);
	if (ret)
		return ret;
	priv->local_lid = attr.lid;
	priv->max_ib_mtu = ib_mtu_enum_to_int(attr.max_mtu);
	if (attr.state == IB_PORT_ACTIVE)
		set_bit(IPOIB_FLAG_PORT_ACTIVE, &priv->flags);
	else
		clear_bit(IPOIB_FLAG_PORT_ACTIVE, &priv->flags);

	ret = rdma_query_gid(priv->ca, priv->port, 0, &priv->local_gid);
	if (ret)
		return ret;
	return ib_find_pkey(priv->ca, priv->port, priv->pkey, &priv->pkey_index);
}

/**
 * ipoib_ah_create - create a shared address handle
 * @priv: interface
 * @attr: address vector
 *
 * May be called in atomic context. The caller owns the only reference.
 *
 * Return: the handle or an ERR_PTR().
 */
struct ipoib_ah *ipoib_ah_create(struct ipoib_dev *priv,
				 struct rdma_ah_attr *attr)
{
	struct ipoib_ah *ah;
	struct ib_ah *ib;

	ah = kzalloc(sizeof(*ah), GFP_ATOMIC);
	if (!ah)
		return ERR_PTR(-ENOMEM);
	ib = rdma_create_ah(priv->pd, attr, 0);
	if (IS_ERR(ib)) {
		kfree(ah);
		return ERR_CAST(ib);
	}
	ah->ib = ib;
	ah->priv = priv;
	kref_init(&ah->ref);
	return ah;
}

static void ipoib_ah_release(struct kref *ref)
{
	struct ipoib_ah *ah = container_of(ref, struct ipoib_ah, ref);
	struct ipoib_dev *priv = ah->priv;

	llist_add(&ah->free_node, &priv->dead_ahs);
	queue_work(ipoib_wq, &priv->ah_work);
}

/**
 * ipoib_ah_put - drop a reference on an address handle
 * @ah: handle, may be NULL
 *
 * Safe in any context; destruction is deferred to process context.
 */
void ipoib_ah_put(struct ipoib_ah *ah)
{
	if (ah)
		kref_put(&ah->ref, ipoib_ah_release);
}

/**
 * ipoib_ah_reap - destroy every released address handle
 * @work: ipoib_dev.ah_work
 */
void ipoib_ah_reap(struct work_struct *work)
{
	struct ipoib_dev *priv = container_of(work, struct ipoib_dev, ah_work);
	struct llist_node *list = llist_del_all(&priv->dead_ahs);
	struct ipoib_ah *ah, *next;

	llist_for_each_entry_safe(ah, next, list, free_node) {
		rdma_destroy_ah(ah->ib, RDMA_DESTROY_AH_SLEEPABLE);
		kfree(ah);
	}
}
