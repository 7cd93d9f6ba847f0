// SPDX-License-Identifier: GPL-2.0
/*
 * SMPs on the wire: where what a port's QP0 sends arrives.
 *
 * ib_mad sends a LID-routed SMP to its DLID, and a directed-route SMP out
 * of the port, with the permissive DLID, to the node at the other end of
 * the link: the switch (switch.c); a directed-route SMP that ends at the
 * sending port never reaches the wire (ib_mad gives it to process_mad,
 * sma.c).  SMPs flow while a port is INIT or ARMED, as a subnet manager
 * needs them to bring the port up; only a disabled link stops them.
 *
 * At the switch, a directed-route SMP follows the rules of IBA 14.2.2
 * for a switch: going out (D=0), the switch records the port it came in
 * on in the return path and either passes it on out of the next port of
 * the initial path or, at the end of the path, has its SMA answer it; a
 * reply (D=1) goes back out of the port the return path names.  The
 * receiving CA's ib_mad applies the CA's side of the same rules.  Paths
 * with a LID-routed part (DrSLID or DrDLID not permissive) are dropped,
 * and counted as such: softib's subnet is one switch deep.  A LID-routed
 * SMP for the switch's LID is answered by its SMA, the reply LID-routed
 * back.
 */
#include <rdma/ib_smi.h>

#include "softib.h"

/* Where a directed-route SMP goes next, from softib_smp_dr_hop() */
enum softib_smp_next {
	SOFTIB_SMP_DROP,
	SOFTIB_SMP_HERE,	/* the switch's SMA answers it */
	SOFTIB_SMP_OUT,		/* out of the switch port it returns */
};

/* An out port of an initial or return path: an external switch port */
static bool softib_smp_port_ok(u8 n)
{
	return n >= 1 && n <= SOFTIB_SW_PORTS;
}

/*
 * A directed-route SMP arrived at the switch on port @in: update its hop
 * pointer and paths; sets *@out when it goes on.
 */
static enum softib_smp_next softib_smp_dr_hop(struct ib_smp *smp, u8 in,
					      u8 *out)
{
	u8 hop = smp->hop_ptr, cnt = smp->hop_cnt;

	if (cnt >= IB_SMP_MAX_PATH_HOPS ||
	    smp->dr_slid != IB_LID_PERMISSIVE ||
	    smp->dr_dlid != IB_LID_PERMISSIVE)
		return SOFTIB_SMP_DROP;
	if (!(smp->status & IB_SMP_DIRECTION)) {
		/* the sender moved the pointer to this hop (C14-9) */
		if (!hop || hop > cnt)
			return SOFTIB_SMP_DROP;
		smp->return_path[hop] = in;
		smp->hop_ptr = hop + 1;
		if (hop == cnt)
			return SOFTIB_SMP_HERE;
		*out = smp->initial_path[hop + 1];
		return softib_smp_port_ok(*out) ? SOFTIB_SMP_OUT :
						  SOFTIB_SMP_DROP;
	}
	/* going back (C14-13); hop 1 would be an SM inside the switch */
	if (hop < 2 || hop > cnt)
		return SOFTIB_SMP_DROP;
	smp->hop_ptr = --hop;
	*out = smp->return_path[hop];
	return softib_smp_port_ok(*out) ? SOFTIB_SMP_OUT : SOFTIB_SMP_DROP;
}

/* The switch's reply to a directed-route SMP leaves by the return path. */
static u8 softib_smp_dr_reply(struct ib_smp *smp)
{
	smp->hop_ptr--;
	return smp->return_path[smp->hop_ptr];
}

/* Put @smp into @dport's QP0, from @slid. */
static void softib_smp_deliver(struct softib_port *dport,
			       const struct ib_smp *smp, u32 slid)
{
	struct softib_pkt pkt = {
		.data = smp,
		.len = sizeof(*smp),
		.slid = slid,
		.pkey = SOFTIB_DEFAULT_PKEY,
	};
	struct rvt_qp *qp = NULL;

	if (dport && READ_ONCE(dport->state) != IB_PORT_DOWN)
		qp = rcu_dereference(dport->rvp.qp[0]);
	if (qp)
		softib_ud_deliver(qp, &pkt);
	else if (dport)
		atomic64_inc(&dport->stats.rx_drops);
}

/* A directed-route SMP from @port reaches the switch. */
static void softib_smp_dr(struct softib_port *port, struct ib_smp *smp)
{
	u8 in = port->sw_port, out = 0;

	switch (softib_smp_dr_hop(smp, in, &out)) {
	case SOFTIB_SMP_HERE:
		if (!softib_switch_sma(smp, in))
			return;
		out = softib_smp_dr_reply(smp);
		break;
	case SOFTIB_SMP_OUT:
		break;
	default:
		atomic64_inc(&port->stats.tx_drops);
		return;
	}
	softib_smp_deliver(softib_switch_peer(out), smp,
			   be16_to_cpu(IB_LID_PERMISSIVE));
}

/* A LID-routed SMP from @port for the switch's own LID. */
static void softib_smp_to_switch(struct softib_port *port,
				 struct ib_smp *smp, u32 slid)
{
	u32 sw_lid = READ_ONCE(softib_sw.lid);

	if (!softib_switch_sma(smp, port->sw_port))
		return;
	softib_smp_deliver(softib_switch_route(port, slid), smp, sw_lid);
}

/**
 * softib_smp_send - carry an SMP from a port's QP0
 * @port: the sending port
 * @pkt: the SMP, its SLID the sender's LID
 * @dlid: its destination LID, or permissive for a directed-route SMP
 *
 * Context: process context (the QP0 send work).
 */
void softib_smp_send(struct softib_port *port, const struct softib_pkt *pkt,
		     u32 dlid)
{
	struct ib_smp smp;

	if (READ_ONCE(port->state) == IB_PORT_DOWN || pkt->len < sizeof(smp)) {
		atomic64_inc(&port->stats.tx_drops);
		return;
	}
	atomic64_inc(&port->stats.tx_packets);
	/* the switch changes the SMP it passes on: work on a copy */
	memcpy(&smp, pkt->data, sizeof(smp));
	rcu_read_lock();
	if (dlid == be16_to_cpu(IB_LID_PERMISSIVE)) {
		if (smp.mgmt_class == IB_MGMT_CLASS_SUBN_DIRECTED_ROUTE)
			softib_smp_dr(port, &smp);
		else
			atomic64_inc(&port->stats.tx_drops);
	} else if (softib_switch_is_lid(dlid)) {
		softib_smp_to_switch(port, &smp, pkt->slid);
	} else {
		softib_smp_deliver(softib_switch_route(port, dlid), &smp,
				   pkt->slid);
	}
	rcu_read_unlock();
}
