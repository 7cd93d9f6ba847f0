// SPDX-License-Identifier: GPL-2.0
/*
 * SMPs on the wire: where what a port's QP0 sends arrives.
 *
 * ib_mad sends a LID-routed SMP to its DLID, and a directed-route SMP out
 * of the port to the node at the other end of the link, with the
 * permissive DLID; a directed-route SMP that ends at the sending port
 * never reaches the wire (ib_mad gives it to process_mad, sma.c).  The
 * receiving QP0's ib_mad does the rest: the directed-route hop pointer,
 * process_mad, the reply.  SMPs flow while a port is INIT or ARMED, as a
 * subnet manager needs them to bring the port up; only a disabled link
 * stops them.  The fabric has no switch yet for a directed-route SMP to
 * reach, so those are dropped, and counted as such.
 */
#include <rdma/ib_verbs.h>

#include "softib.h"

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
	struct softib_port *dport;
	struct rvt_qp *qp = NULL;

	if (READ_ONCE(port->state) == IB_PORT_DOWN ||
	    dlid == be16_to_cpu(IB_LID_PERMISSIVE)) {
		atomic64_inc(&port->stats.tx_drops);
		return;
	}
	atomic64_inc(&port->stats.tx_packets);
	rcu_read_lock();
	dport = softib_fabric_port(dlid);
	if (dport && READ_ONCE(dport->state) != IB_PORT_DOWN)
		qp = rcu_dereference(dport->rvp.qp[0]);
	if (qp)
		softib_ud_deliver(qp, pkt);
	else if (dport)
		atomic64_inc(&dport->stats.rx_drops);
	rcu_read_unlock();
}
