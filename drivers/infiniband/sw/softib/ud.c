// SPDX-License-Identifier: GPL-2.0
/*
 * The UD packet engine.
 *
 * rdmavt queues send WQEs and then calls do_send()/schedule_send(), often
 * from atomic context (ib_mad posts with interrupts off, IPoIB from
 * ndo_start_xmit).  Both only queue the QP's send work; the work runs in
 * process context and, per WQE: copies the payload into the QP's bounce
 * buffer under s_lock, drops s_lock, routes the packet (unicast by DLID,
 * multicast by the switch's MFT and to the sender's own port, LID 1 QP1
 * to the SA, QP0's SMPs through smp.c), then retakes s_lock
 * and completes the WQE.  No sender lock is held while a receiver's
 * r_lock is taken.
 *
 * Offloads (offload.c): on a QP that has them, a send flagged
 * IB_SEND_IP_CSUM gets its IPv4 TCP/UDP checksum computed in the bounce
 * buffer it is delivered from, so every receiver (userspace too) sees a
 * correct packet, marked IB_WC_IP_CSUM_OK: the checksum was computed over
 * exactly the bytes that get copied, and a memory copy does not corrupt
 * them, so verifying again would find nothing.  Packets the engine did not
 * checksum itself never get the flag; their receivers verify them as
 * usual.  An IB_WR_LSO send is gathered whole into the QP's LSO buffer
 * under s_lock, then cut into packets, each built in the bounce buffer and
 * routed in turn, and completed once.  Every packet is checked for a
 * wrong IPv4 TCP/UDP checksum on its way out, and counted if it has one.
 *
 * Receivers are looked up under RCU: ports leave the fabric and QPs leave
 * rdmavt's tables with a grace period before they are freed, and unicast
 * goes through softib_fabric_qp(), which does not touch rdmavt's QP table
 * of a device that is not registered.  A QP's send work is cancelled by
 * stop_send_queue() before rdmavt resets or frees it.
 *
 * Fault knobs (debugfs.c) act on data QPs (QPN > 1): qp_error_sends fails
 * a send with a local QP operation error and moves its QP to the error
 * state, as an HCA does, so the rest of both queues is flushed;
 * stall_sends leaves the send queue of a QP in RTS untouched (moves to
 * the error state still flush it) until it is cleared, which kicks the
 * send work of every QP.
 */
#include <linux/random.h>
#include <rdma/ib_mad.h>
#include <rdma/rdmavt_cq.h>

#include "softib.h"

#define SOFTIB_UD_BUDGET	64

/**
 * struct softib_tx - a WQE turned into a packet, ready to route
 * @pkt: the packet as receivers see it
 * @port: the sending port
 * @dlid: destination LID
 * @dqpn: destination QP number (24 bits)
 * @lso: an IB_WR_LSO send, to be cut into packets (softib_qp_priv.lso)
 */
struct softib_tx {
	struct softib_pkt pkt;
	struct softib_port *port;
	u32 dlid;
	u32 dqpn;
	bool lso;
};

static struct workqueue_struct *softib_ud_wq;

/**
 * softib_pkey_match - IBA P_Key matching rule
 * @a: one P_Key
 * @b: the other
 *
 * Return: true if the base values agree and one is a full member.
 */
bool softib_pkey_match(u16 a, u16 b)
{
	if (!(a & 0x7fff) || (a & 0x7fff) != (b & 0x7fff))
		return false;
	return (a | b) & 0x8000;
}

static bool softib_ud_accept(struct rvt_qp *rqp, struct softib_port *rport,
			     const struct softib_pkt *pkt, u16 *pkey_index)
{
	int idx;

	/* QP0 takes every SMP: SMPs carry no Q_Key and any P_Key */
	if (rqp->ibqp.qp_num == 0) {
		*pkey_index = 0;
		return true;
	}
	if (pkt->qkey != rqp->qkey)
		return false;
	if (rqp->ibqp.qp_type == IB_QPT_GSI) {
		idx = softib_pkey_index(rport, pkt->pkey);
		if (idx < 0)
			return false;
		*pkey_index = idx;
		return true;
	}
	*pkey_index = rqp->s_pkey_index;
	if (*pkey_index >= SOFTIB_NPKEYS)
		return false;
	return softib_pkey_match(pkt->pkey,
				 READ_ONCE(rport->pkeys[*pkey_index]));
}

static void softib_ud_complete_rx(struct rvt_qp *rqp,
				  const struct softib_pkt *pkt, u16 pkey_index)
{
	struct ib_wc wc = {
		.wr_id = rqp->r_wr_id,
		.status = IB_WC_SUCCESS,
		.opcode = IB_WC_RECV,
		.qp = &rqp->ibqp,
		.byte_len = pkt->len + sizeof(struct ib_grh),
		.src_qp = pkt->src_qpn,
		.slid = pkt->slid,
		.sl = pkt->sl,
		.pkey_index = pkey_index,
		.port_num = rqp->port_num,
	};

	if (pkt->has_grh)
		wc.wc_flags |= IB_WC_GRH;
	if (pkt->csum_ok)
		wc.wc_flags |= IB_WC_IP_CSUM_OK;
	if (pkt->has_imm) {
		wc.wc_flags |= IB_WC_WITH_IMM;
		wc.ex.imm_data = pkt->imm;
	}
	if (!rvt_cq_enter(ibcq_to_rvtcq(rqp->ibqp.recv_cq), &wc,
			  pkt->solicited)) {
		spin_lock(&rqp->s_lock);
		rvt_error_qp(rqp, IB_WC_LOC_QP_OP_ERR);
		spin_unlock(&rqp->s_lock);
	}
}

/* Place a packet in the next receive WQE; returns false if it was lost. */
static bool softib_ud_fill(struct rvt_qp *rqp, const struct softib_pkt *pkt,
			   u16 pkey_index)
{
	int ret;

	lockdep_assert_held(&rqp->r_lock);
	if (!(ib_rvt_state_ops[rqp->state] & RVT_PROCESS_RECV_OK))
		return false;
	if (rqp->r_flags & RVT_R_REUSE_SGE) {
		rqp->r_flags &= ~RVT_R_REUSE_SGE;
	} else {
		ret = rvt_get_rwqe(rqp, false);
		if (ret < 0)
			rvt_rc_error(rqp, IB_WC_LOC_QP_OP_ERR);
		if (ret <= 0)
			return false;
	}
	if (pkt->len + sizeof(struct ib_grh) > rqp->r_len) {
		rqp->r_flags |= RVT_R_REUSE_SGE;
		return false;
	}
	if (pkt->has_grh)
		rvt_copy_sge(rqp, &rqp->r_sge, (void *)&pkt->grh,
			     sizeof(pkt->grh), true, false);
	else
		rvt_skip_sge(&rqp->r_sge, sizeof(struct ib_grh), true);
	rvt_copy_sge(rqp, &rqp->r_sge, (void *)pkt->data, pkt->len, true,
		     false);
	rvt_put_ss(&rqp->r_sge);
	if (test_and_clear_bit(RVT_R_WRID_VALID, &rqp->r_aflags))
		softib_ud_complete_rx(rqp, pkt, pkey_index);
	return true;
}

/**
 * softib_ud_deliver - put a packet into a QP's receive queue
 * @rqp: the receiving QP
 * @pkt: the packet
 *
 * Checks P_Key and Q_Key, takes the receive WQE and completes it.
 *
 * Context: process context, rcu_read_lock() held (it keeps @rqp alive),
 * no QP lock held.
 */
void softib_ud_deliver(struct rvt_qp *rqp, const struct softib_pkt *pkt)
{
	struct softib_port *rport = softib_qp_port(rqp);
	unsigned long flags;
	u16 pkey_index = 0;
	bool ok = false;

	if (softib_ud_accept(rqp, rport, pkt, &pkey_index)) {
		spin_lock_irqsave(&rqp->r_lock, flags);
		ok = softib_ud_fill(rqp, pkt, pkey_index);
		spin_unlock_irqrestore(&rqp->r_lock, flags);
	}
	if (ok)
		atomic64_inc(&rport->stats.rx_packets);
	else
		atomic64_inc(&rport->stats.rx_drops);
}

static void softib_ud_unicast(struct softib_tx *tx)
{
	struct softib_port *dport;
	struct rvt_qp *rqp = NULL;

	rcu_read_lock();
	dport = softib_switch_forward(tx->port, tx->dlid);
	if (dport && READ_ONCE(dport->state) == IB_PORT_ACTIVE)
		rqp = softib_fabric_qp(dport, tx->dqpn);
	if (dport)
		softib_capture(dport, true, tx->dlid, tx->dqpn, &tx->pkt);
	if (rqp)
		softib_ud_deliver(rqp, &tx->pkt);
	else if (dport)
		atomic64_inc(&dport->stats.rx_drops);
	rcu_read_unlock();
}

/* Deliver to every QP of @dport attached to the group, but the sender. */
static void softib_ud_fanout(struct softib_port *dport, struct softib_tx *tx,
			     struct rvt_qp *sqp)
{
	struct rvt_mcast_qp *p;
	struct rvt_mcast *mc;

	if (READ_ONCE(dport->state) != IB_PORT_ACTIVE)
		return;
	/* the switch brought it; the sender's port has its own HCA's copy */
	if (dport != tx->port)
		softib_capture(dport, true, tx->dlid, tx->dqpn, &tx->pkt);
	mc = rvt_mcast_find(&dport->rvp, &tx->pkt.grh.dgid, tx->dlid);
	if (!mc)
		return;
	list_for_each_entry_rcu(p, &mc->qp_list, list)
		if (p->qp != sqp)
			softib_ud_deliver(p->qp, &tx->pkt);
	/* rvt_mcast_find() took a reference; detach waits for it */
	if (atomic_dec_return(&mc->refcount) <= 1)
		wake_up(&mc->wait);
}

/*
 * A multicast packet needs a GRH to be matched to the QPs attached to its
 * MGID; one sent without gets the MGID the SA gave its MLID.
 */
static bool softib_ud_mc_grh(struct softib_tx *tx)
{
	struct ib_grh *grh = &tx->pkt.grh;

	if (tx->pkt.has_grh)
		return true;
	if (!softib_sm_embedded() || !softib_mc_mgid(tx->dlid, &grh->dgid))
		return false;
	tx->pkt.has_grh = true;
	grh->version_tclass_flow = cpu_to_be32(6 << 28);
	grh->paylen = cpu_to_be16(tx->pkt.len);
	grh->next_hdr = SOFTIB_GRH_NEXT_HDR;
	grh->hop_limit = 1;
	return true;
}

/*
 * The sender's HCA loops the packet back to its own port's attached QPs;
 * the switch sends it out of the ports its MFT row lists.
 */
static void softib_ud_multicast(struct softib_tx *tx, struct rvt_qp *sqp)
{
	struct softib_port *dport;
	u32 n = 0;

	rcu_read_lock();
	if (!softib_ud_mc_grh(tx)) {
		rcu_read_unlock();
		atomic64_inc(&tx->port->stats.tx_drops);
		return;
	}
	softib_ud_fanout(tx->port, tx, sqp);
	while ((dport = softib_switch_mcast_next(tx->port, tx->dlid, &n)))
		softib_ud_fanout(dport, tx, sqp);
	rcu_read_unlock();
}

static bool softib_ud_lost(struct rvt_qp *sqp)
{
	u32 rate = READ_ONCE(softib_faults.drop_rate);

	return sqp->ibqp.qp_num > 1 && rate &&
	       get_random_u32_below(100) < rate;
}

static void softib_ud_route(struct rvt_qp *sqp, struct softib_tx *tx)
{
	struct softib_port *port = tx->port;

	if (sqp->ibqp.qp_num == 0) {
		softib_smp_send(port, &tx->pkt, tx->dlid);
		return;
	}
	if (READ_ONCE(port->state) != IB_PORT_ACTIVE || softib_ud_lost(sqp)) {
		atomic64_inc(&port->stats.tx_drops);
		return;
	}
	atomic64_inc(&port->stats.tx_packets);
	softib_capture(port, false, tx->dlid, tx->dqpn, &tx->pkt);
	if (sqp->ibqp.qp_num > 1 &&
	    softib_offload_csum_bad(tx->pkt.data, tx->pkt.len))
		atomic64_inc(&port->stats.bad_csum);
	if (tx->dlid >= SOFTIB_FIRST_MLID && tx->dlid <= SOFTIB_LAST_MLID)
		softib_ud_multicast(tx, sqp);
	else if (tx->dlid == SOFTIB_SM_LID && tx->dqpn == 1 &&
		 softib_sm_embedded())
		softib_sa_receive(port, tx->pkt.data, tx->pkt.len,
				  tx->pkt.pkey);
	else
		softib_ud_unicast(tx);
}

/* Copy the WQE's payload, which may span SGEs and MR segments. */
static void softib_ud_gather(struct rvt_swqe *wqe, u8 *buf)
{
	struct rvt_sge_state ss = {
		.sg_list = wqe->sg_list + 1,
		.sge = wqe->sg_list[0],
		.num_sge = wqe->wr.num_sge,
	};
	u32 left = wqe->length;
	u32 n;

	while (left && ss.num_sge) {
		n = rvt_get_sge_length(&ss.sge, left);
		memcpy(buf, ss.sge.vaddr, n);
		rvt_update_sge(&ss, n, false);
		buf += n;
		left -= n;
	}
}

static void softib_ud_set_grh(struct softib_tx *tx, struct rdma_ah_attr *ah)
{
	const struct ib_global_route *grh = rdma_ah_read_grh(ah);
	struct ib_grh *g = &tx->pkt.grh;

	tx->pkt.has_grh = true;
	g->version_tclass_flow = cpu_to_be32(6 << 28 |
					     (u32)grh->traffic_class << 20 |
					     grh->flow_label);
	g->paylen = cpu_to_be16(tx->pkt.len);
	g->next_hdr = SOFTIB_GRH_NEXT_HDR;
	g->hop_limit = grh->hop_limit;
	g->dgid = grh->dgid;
}

/*
 * Copy a WQE's payload: a plain send's into the bounce buffer, an LSO
 * send's into the LSO buffer, its header taken too.  Returns a WC status.
 */
static enum ib_wc_status softib_ud_payload(struct softib_qp_priv *priv,
					   struct rvt_swqe *wqe, u32 mtu,
					   struct softib_tx *tx)
{
	bool csum = priv->csum && (wqe->wr.send_flags & IB_SEND_IP_CSUM);
	struct rvt_qp *qp = priv->qp;

	if (wqe->wr.opcode != IB_WR_LSO) {
		if (wqe->length > SOFTIB_MAX_PAYLOAD ||
		    (qp->ibqp.qp_num > 1 && wqe->length > mtu))
			return IB_WC_LOC_LEN_ERR;
		softib_ud_gather(wqe, priv->buf);
		tx->pkt.len = wqe->length;
		if (csum)
			tx->pkt.csum_ok = softib_offload_csum(priv->buf,
							      wqe->length);
		return IB_WC_SUCCESS;
	}
	/* softib_lso_check() passed it when it was posted */
	if (wqe->ud_wr.wr.hlen + wqe->ud_wr.wr.mss > mtu)
		return IB_WC_LOC_LEN_ERR;
	if (!softib_lso_start(&priv->lso, &wqe->ud_wr.wr, wqe->length, csum))
		return IB_WC_LOC_QP_OP_ERR;
	softib_ud_gather(wqe, priv->lso_buf);
	tx->lso = true;
	return IB_WC_SUCCESS;
}

/* Turn a WQE into a packet; called with the sender's s_lock held. */
static enum ib_wc_status softib_ud_prepare(struct softib_qp_priv *priv,
					   struct rvt_swqe *wqe,
					   struct softib_tx *tx)
{
	struct rdma_ah_attr *ah = rvt_get_swqe_ah_attr(wqe);
	struct rvt_qp *qp = priv->qp;
	struct softib_port *port = softib_qp_port(qp);
	u32 qkey = rvt_get_swqe_remote_qkey(wqe);
	u16 pkey_index = qp->s_pkey_index;
	enum ib_wc_status status;

	if (qp->ibqp.qp_type == IB_QPT_GSI)
		pkey_index = rvt_get_swqe_pkey_index(wqe);
	if (pkey_index >= SOFTIB_NPKEYS)
		return IB_WC_LOC_LEN_ERR;
	memset(tx, 0, sizeof(*tx));
	status = softib_ud_payload(priv, wqe,
				   ib_mtu_enum_to_int(softib_port_mtu(port)), tx);
	if (status != IB_WC_SUCCESS)
		return status;
	tx->port = port;
	tx->dlid = rdma_ah_get_dlid(ah);
	tx->dqpn = rvt_get_swqe_remote_qpn(wqe) & IB_MULTICAST_QPN;
	tx->pkt.data = priv->buf;
	tx->pkt.slid = port->lid;
	tx->pkt.src_qpn = qp->ibqp.qp_num;
	tx->pkt.sl = rdma_ah_get_sl(ah);
	tx->pkt.pkey = READ_ONCE(port->pkeys[pkey_index]);
	tx->pkt.qkey = (int)qkey < 0 ? qp->qkey : qkey;
	tx->pkt.has_imm = wqe->wr.opcode == IB_WR_SEND_WITH_IMM;
	tx->pkt.imm = wqe->wr.ex.imm_data;
	tx->pkt.solicited = wqe->wr.send_flags & IB_SEND_SOLICITED;
	if (rdma_ah_get_ah_flags(ah) & IB_AH_GRH)
		softib_ud_set_grh(tx, ah);
	softib_port_gid(port, &tx->pkt.grh.sgid);
	return IB_WC_SUCCESS;
}

/* Route a prepared send: one packet, or each packet of an LSO send. */
static void softib_ud_transmit(struct softib_qp_priv *priv,
			       struct softib_tx *tx)
{
	u32 i;

	if (!tx->lso) {
		softib_ud_route(priv->qp, tx);
		return;
	}
	atomic64_inc(&tx->port->stats.lso_sends);
	for (i = 0; i < priv->lso.nsegs; i++) {
		tx->pkt.len = softib_lso_segment(&priv->lso, priv->lso_buf, i,
						 priv->buf);
		tx->pkt.csum_ok = priv->lso.csum;
		tx->pkt.grh.paylen = cpu_to_be16(tx->pkt.len);
		softib_ud_route(priv->qp, tx);
	}
}

/* stall_sends: a data QP in RTS sends nothing; flushes still go ahead. */
static bool softib_ud_stalled(struct rvt_qp *qp)
{
	lockdep_assert_held(&qp->s_lock);
	return qp->ibqp.qp_num > 1 && READ_ONCE(softib_faults.stall_sends) &&
	       (ib_rvt_state_ops[qp->state] & RVT_PROCESS_NEXT_SEND_OK);
}

/* qp_error_sends: this data send fails and takes its QP down. */
static bool softib_ud_inject_error(struct rvt_qp *qp)
{
	return qp->ibqp.qp_num > 1 &&
	       atomic_dec_if_positive(&softib_faults.qp_error_sends) >= 0;
}

static void softib_ud_last_wqe(struct rvt_qp *qp)
{
	struct ib_event ev = {
		.device = qp->ibqp.device,
		.element.qp = &qp->ibqp,
		.event = IB_EVENT_QP_LAST_WQE_REACHED,
	};

	qp->ibqp.event_handler(&ev, qp->ibqp.qp_context);
}

/*
 * A local QP operation error: the WQE completes in error and the QP moves
 * to the error state, which flushes the receive queue at once and the rest
 * of the send queue through the send work. rvt_error_qp() needs r_lock as
 * well, taken before s_lock as rdmavt's modify_qp does.
 */
static void softib_ud_fail(struct rvt_qp *qp, struct rvt_swqe *wqe)
{
	unsigned long flags;
	bool srq_done;

	spin_lock_irqsave(&qp->r_lock, flags);
	spin_lock(&qp->s_lock);
	rvt_send_complete(qp, wqe, IB_WC_LOC_QP_OP_ERR);
	srq_done = rvt_error_qp(qp, IB_WC_WR_FLUSH_ERR);
	spin_unlock(&qp->s_lock);
	spin_unlock_irqrestore(&qp->r_lock, flags);
	/* Only for a QP on an SRQ with an event handler. */
	if (srq_done)
		softib_ud_last_wqe(qp);
}

/* Send one WQE; returns false when the send queue is empty or stopped. */
static bool softib_ud_one(struct softib_qp_priv *priv)
{
	struct rvt_qp *qp = priv->qp;
	enum ib_wc_status status;
	struct rvt_swqe *wqe;
	unsigned long flags;
	struct softib_tx tx;
	u32 head;

	spin_lock_irqsave(&qp->s_lock, flags);
	/* pairs with rdmavt's write barrier before it advances s_head */
	head = smp_load_acquire(&qp->s_head);
	if (!(ib_rvt_state_ops[qp->state] & RVT_PROCESS_OR_FLUSH_SEND) ||
	    qp->s_cur == head || softib_ud_stalled(qp)) {
		spin_unlock_irqrestore(&qp->s_lock, flags);
		return false;
	}
	wqe = rvt_get_swqe_ptr(qp, qp->s_cur);
	if (ib_rvt_state_ops[qp->state] & RVT_PROCESS_NEXT_SEND_OK)
		status = softib_ud_prepare(priv, wqe, &tx);
	else
		status = IB_WC_WR_FLUSH_ERR;
	if (status == IB_WC_SUCCESS && softib_ud_inject_error(qp))
		status = IB_WC_LOC_QP_OP_ERR;
	spin_unlock_irqrestore(&qp->s_lock, flags);

	if (status == IB_WC_SUCCESS)
		softib_ud_transmit(priv, &tx);

	if (status == IB_WC_LOC_QP_OP_ERR) {
		softib_ud_fail(qp, wqe);
		return true;
	}
	spin_lock_irqsave(&qp->s_lock, flags);
	rvt_send_complete(qp, wqe, status);
	spin_unlock_irqrestore(&qp->s_lock, flags);
	return true;
}

static void softib_ud_send_work(struct work_struct *work)
{
	struct softib_qp_priv *priv = container_of(work, struct softib_qp_priv,
						   send_work);
	int i;

	for (i = 0; i < SOFTIB_UD_BUDGET; i++)
		if (!softib_ud_one(priv))
			return;
	/* more to do: let other QPs run first */
	softib_ud_schedule(priv->qp);
}

/**
 * softib_ud_schedule - queue a QP's send work
 * @qp: the QP
 *
 * Context: any; takes no QP lock.
 * Return: true if the work was queued by this call.
 */
bool softib_ud_schedule(struct rvt_qp *qp)
{
	struct softib_qp_priv *priv = qp->priv;

	if (!(ib_rvt_state_ops[READ_ONCE(qp->state)] &
	      RVT_PROCESS_OR_FLUSH_SEND))
		return false;
	return queue_work(softib_ud_wq, &priv->send_work);
}

/**
 * softib_ud_stop - wait until a QP's send work is idle and cancelled
 * @qp: the QP
 *
 * Context: process context, no QP lock held.
 */
void softib_ud_stop(struct rvt_qp *qp)
{
	struct softib_qp_priv *priv = qp->priv;

	cancel_work_sync(&priv->send_work);
}

/*
 * Under s_lock: a QP being reset is either kicked before _rvt_reset_qp()
 * cancels its send work or seen in RESET and left alone.
 */
static void softib_ud_kick_qp(struct rvt_qp *qp, u64 unused)
{
	unsigned long flags;

	spin_lock_irqsave(&qp->s_lock, flags);
	softib_ud_schedule(qp);
	spin_unlock_irqrestore(&qp->s_lock, flags);
}

static int softib_ud_kick_dev(struct softib_dev *sdev, void *unused)
{
	rvt_qp_iter(&sdev->rdi, 0, softib_ud_kick_qp);
	return 0;
}

/**
 * softib_ud_kick_all - run the send work of every QP of every device
 *
 * Sends that stall_sends held back wait for this once it is cleared:
 * nothing else schedules a QP whose poster waits for its completions.
 *
 * Context: process context; takes softib_bus_lock.
 */
void softib_ud_kick_all(void)
{
	softib_bus_for_each(softib_ud_kick_dev, NULL);
}

/**
 * softib_ud_init_qp - prepare the engine's part of a new QP
 * @priv: softib's private QP data
 * @qp: the QP
 */
void softib_ud_init_qp(struct softib_qp_priv *priv, struct rvt_qp *qp)
{
	priv->qp = qp;
	INIT_WORK(&priv->send_work, softib_ud_send_work);
}

/**
 * softib_ud_init - create the send workqueue
 *
 * Return: 0 or -ENOMEM.
 */
int softib_ud_init(void)
{
	softib_ud_wq = alloc_workqueue("softib_ud", WQ_HIGHPRI, 0);
	return softib_ud_wq ? 0 : -ENOMEM;
}

/**
 * softib_ud_exit - destroy the send workqueue
 *
 * Every QP is gone, so no work can be queued any more.
 */
void softib_ud_exit(void)
{
	destroy_workqueue(softib_ud_wq);
}
