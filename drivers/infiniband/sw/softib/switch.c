// SPDX-License-Identifier: GPL-2.0
/*
 * The switch every softib port is cabled to.
 *
 * The subnet is one switch with SOFTIB_SW_PORTS external ports and its
 * management port 0.  A softib port gets a free switch port when its
 * device is created and keeps it until the device is deleted; the two
 * are the ends of one link.  The switch forwards unicast packets by its
 * linear forwarding table (LFT: DLID -> out port) and multicast packets
 * by its multicast forwarding table (MFT: MLID -> port mask, never back
 * out of the port a packet came in by), both written by subnet
 * management: directed-route SMPs (smp.c, switch_sma.c) and, for the
 * embedded SM, softib_switch_program() as ports get and change LIDs and
 * softib_switch_mft_write() as groups gain and lose receivers.  An LFT
 * entry of SOFTIB_SW_NO_PORT, or an empty MFT row, drops the packet, and
 * only ACTIVE switch ports forward data.  Under the embedded SM, port 0
 * has LID 1 (the SM and SA live in the switch) and every switch port is
 * ACTIVE once cabled; under an external SM the switch starts with no LID
 * and empty tables, its ports INIT, and only SMPs program it.
 *
 * Lifetime and locking: the switch is static, its tables allocated at
 * module load and freed at unload.  sw_lock serialises cabling and every
 * write to the switch's state and tables; the packet engine reads the
 * tables without it (READ_ONCE of single entries) and the cable ends
 * (peer) under RCU: a port leaves its switch port before its device's
 * grace period (softib_fabric_del()), so a peer found under
 * rcu_read_lock() stays valid until it is dropped.  Lock order: a
 * device's port_lock, then sw_lock.
 */
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "softib.h"

DEFINE_SPINLOCK(softib_sw_lock);
struct softib_switch softib_sw;

/**
 * softib_switch_init - allocate the forwarding tables
 *
 * Return: 0 or -ENOMEM.
 */
int softib_switch_init(void)
{
	struct softib_switch *sw = &softib_sw;

	sw->lft = kvmalloc(SOFTIB_SW_LFT_CAP, GFP_KERNEL);
	sw->mft = kvmalloc_array(SOFTIB_SW_MFT_CAP, sizeof(*sw->mft),
				 GFP_KERNEL);
	if (!sw->lft || !sw->mft) {
		softib_switch_exit();
		return -ENOMEM;
	}
	sw->pkeys[0] = SOFTIB_DEFAULT_PKEY;
	sw->ports[0].phys_up = true;
	sw->ports[0].state = IB_PORT_ACTIVE;
	softib_switch_reset(true);
	return 0;
}

/**
 * softib_switch_reset - the switch as it is before any SM programs it
 * @embedded: the embedded SM runs the subnet: LID 1 is the switch's
 *
 * Context: no softib device exists, so no port is cabled.
 */
void softib_switch_reset(bool embedded)
{
	struct softib_switch *sw = &softib_sw;

	spin_lock(&softib_sw_lock);
	memset(sw->lft, SOFTIB_SW_NO_PORT, SOFTIB_SW_LFT_CAP);
	memset(sw->mft, 0, SOFTIB_SW_MFT_CAP * sizeof(*sw->mft));
	sw->lid = embedded ? SOFTIB_SM_LID : 0;
	sw->sm_lid = sw->lid;
	sw->lft_top = sw->lid;
	if (embedded)
		sw->lft[SOFTIB_SM_LID] = 0;
	sw->mft_top = 0;
	sw->life_time = SOFTIB_SW_LIFE_TIME;
	spin_unlock(&softib_sw_lock);
}

/**
 * softib_switch_exit - free the tables, every port gone
 */
void softib_switch_exit(void)
{
	kvfree(softib_sw.lft);
	kvfree(softib_sw.mft);
	softib_sw.lft = NULL;
	softib_sw.mft = NULL;
}

/* Point @lid at switch port @out; sw_lock held. */
static void softib_switch_lft_set(u32 lid, u8 out)
{
	struct softib_switch *sw = &softib_sw;

	lockdep_assert_held(&softib_sw_lock);
	WRITE_ONCE(sw->lft[lid], out);
	if (out != SOFTIB_SW_NO_PORT && lid > sw->lft_top)
		sw->lft_top = lid;
}

/**
 * softib_switch_cable - connect a port to a free switch port
 * @port: a port of a device being created, its LID set
 *
 * The embedded SM routes the port's LID to it at once; an external SM
 * finds the link INIT at both ends.
 *
 * Return: 0, or -ENOSPC when every switch port is taken.
 */
int softib_switch_cable(struct softib_port *port)
{
	struct softib_switch *sw = &softib_sw;
	bool embedded = softib_sm_embedded();
	int n, ret = -ENOSPC;

	spin_lock(&softib_sw_lock);
	for (n = 1; n <= SOFTIB_SW_PORTS; n++) {
		if (rcu_access_pointer(sw->ports[n].peer))
			continue;
		port->sw_port = n;
		sw->ports[n].phys_up = true;
		sw->ports[n].state = embedded ? IB_PORT_ACTIVE : IB_PORT_INIT;
		sw->ports[n].mtu = IB_MTU_4096;
		rcu_assign_pointer(sw->ports[n].peer, port);
		if (embedded)
			softib_switch_lft_set(port->lid, n);
		sw->state_change = true;
		ret = 0;
		break;
	}
	spin_unlock(&softib_sw_lock);
	return ret;
}

/**
 * softib_switch_uncable - disconnect a port from its switch port
 * @port: the port, leaving the fabric
 *
 * Routes to the port are dropped from the LFT.  The caller waits for an
 * RCU grace period before freeing @port.
 */
void softib_switch_uncable(struct softib_port *port)
{
	struct softib_switch *sw = &softib_sw;
	u8 n = port->sw_port;
	u16 *mask;
	u32 lid;

	if (!n)
		return;
	spin_lock(&softib_sw_lock);
	RCU_INIT_POINTER(sw->ports[n].peer, NULL);
	sw->ports[n].state = IB_PORT_DOWN;
	for (lid = 0; lid <= sw->lft_top; lid++)
		if (sw->lft[lid] == n)
			WRITE_ONCE(sw->lft[lid], SOFTIB_SW_NO_PORT);
	for (lid = 0; lid < SOFTIB_SW_MFT_CAP; lid++) {
		mask = &sw->mft[lid][n / 16];
		WRITE_ONCE(*mask, *mask & ~BIT(n % 16));
	}
	sw->state_change = true;
	spin_unlock(&softib_sw_lock);
	port->sw_port = 0;
}

/**
 * softib_switch_program - the embedded SM reroutes a port's LID
 * @port: the port, cabled
 * @old: the LID it had
 * @lid: the LID it has now
 *
 * Context: the port's port_lock held.
 */
void softib_switch_program(struct softib_port *port, u32 old, u32 lid)
{
	if (!softib_sm_embedded())
		return;
	spin_lock(&softib_sw_lock);
	if (softib_sw.lft[old] == port->sw_port)
		softib_switch_lft_set(old, SOFTIB_SW_NO_PORT);
	softib_switch_lft_set(lid, port->sw_port);
	spin_unlock(&softib_sw_lock);
}

/* May data (not SMPs) cross the link of @port, the switch's end ACTIVE? */
static bool softib_switch_link_active(struct softib_port *port)
{
	u8 n = READ_ONCE(port->sw_port);

	return n && READ_ONCE(softib_sw.ports[n].state) == IB_PORT_ACTIVE;
}

/**
 * softib_switch_mft_write - the embedded SM sets a group's spanning tree
 * @mlid: the group's multicast LID
 * @row: the switch ports it goes out of, SOFTIB_SW_MFT_POSITIONS masks
 *	of 16 ports (bit i of mask p is port 16 * p + i)
 *
 * Does nothing under an external SM, which owns the table.
 */
void softib_switch_mft_write(u32 mlid, const u16 *row)
{
	u16 *mft = softib_sw.mft[mlid - SOFTIB_FIRST_MLID];
	int pos;

	if (!softib_sm_embedded())
		return;
	spin_lock(&softib_sw_lock);
	for (pos = 0; pos < SOFTIB_SW_MFT_POSITIONS; pos++)
		WRITE_ONCE(mft[pos], row[pos]);
	if (mlid > softib_sw.mft_top)
		softib_sw.mft_top = mlid;
	spin_unlock(&softib_sw_lock);
}

/**
 * softib_switch_mcast_next - the next port a multicast packet goes to
 * @from: the sending port
 * @mlid: the packet's DLID, a multicast LID
 * @n: the switch port to search from, 0 to start; advanced past the result
 *
 * Walks the MFT row of @mlid: the port the packet came in by, the
 * management port and links that are down or not ACTIVE are skipped.
 *
 * Context: rcu_read_lock() held; the result is valid until it is dropped.
 * Return: the next receiving port, or NULL when the row is done.
 */
struct softib_port *softib_switch_mcast_next(struct softib_port *from,
					     u32 mlid, u32 *n)
{
	const u16 *mft = softib_sw.mft[mlid - SOFTIB_FIRST_MLID];
	struct softib_port *dport;

	if (!softib_switch_link_active(from))
		return NULL;
	while (++*n <= SOFTIB_SW_PORTS) {
		if (!(READ_ONCE(mft[*n / 16]) & BIT(*n % 16)) ||
		    *n == READ_ONCE(from->sw_port))
			continue;
		dport = softib_switch_peer(*n);
		if (dport && softib_switch_link_active(dport))
			return dport;
	}
	return NULL;
}

/**
 * softib_switch_peer - the port at the other end of a switch port's link
 * @n: a switch port number
 *
 * Context: rcu_read_lock() held; the result is valid until it is dropped.
 * Return: the port, or NULL if nothing is cabled to @n or its link is
 * disabled at either end.
 */
struct softib_port *softib_switch_peer(u32 n)
{
	struct softib_sw_port *sp;
	struct softib_port *peer;

	if (n < 1 || n > SOFTIB_SW_PORTS)
		return NULL;
	sp = &softib_sw.ports[n];
	peer = rcu_dereference(sp->peer);
	if (!peer || !READ_ONCE(sp->phys_up) || !READ_ONCE(peer->phys_up))
		return NULL;
	return peer;
}

/**
 * softib_switch_forward - where the switch sends a data packet for a LID
 * @from: the sending port
 * @dlid: the packet's unicast DLID
 *
 * As softib_switch_route(), and the switch ports at both ends must be
 * ACTIVE: until an SM activates them, links carry only SMPs.
 *
 * Context: rcu_read_lock() held; the result is valid until it is dropped.
 * Return: the destination port, or NULL if the packet is dropped.
 */
struct softib_port *softib_switch_forward(struct softib_port *from, u32 dlid)
{
	struct softib_port *dport = softib_switch_route(from, dlid);

	if (dport == from)
		return dport;
	if (!dport || !softib_switch_link_active(from) ||
	    !softib_switch_link_active(dport))
		return NULL;
	return dport;
}

/**
 * softib_switch_route - where the switch sends a packet for a LID
 * @from: the sending port
 * @dlid: the packet's unicast DLID
 *
 * A packet for the sender's own LID loops back inside its HCA and never
 * reaches the switch.  Elsewhere the LFT decides; the port the entry
 * leads to takes the packet only if the DLID is its LID, as an HCA's
 * port does.
 *
 * Context: rcu_read_lock() held; the result is valid until it is dropped.
 * Return: the destination port, or NULL if the packet is dropped.
 */
struct softib_port *softib_switch_route(struct softib_port *from, u32 dlid)
{
	struct softib_port *dport;

	if (dlid == READ_ONCE(from->lid))
		return from;
	if (!softib_lid_unicast(dlid))
		return NULL;
	dport = softib_switch_peer(READ_ONCE(softib_sw.lft[dlid]));
	if (!dport || READ_ONCE(dport->lid) != dlid)
		return NULL;
	return dport;
}

/**
 * softib_switch_is_lid - is a LID the switch's own (port 0)?
 * @lid: a LID
 *
 * Return: true when @lid is the switch's.
 */
bool softib_switch_is_lid(u32 lid)
{
	return lid == READ_ONCE(softib_sw.lid);
}
