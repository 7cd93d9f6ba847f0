// SPDX-License-Identifier: GPL-2.0
/*
 * The virtual subnet shared by every softib port.
 *
 * Who runs the subnet is chosen while no device exists (the bus's
 * embedded_sm attribute).  By default the embedded SM does: LID 1 belongs
 * to it and its SA, which are not a port; ports get the lowest free
 * unicast LID from 2 up when their device is created and go ACTIVE at
 * once.  Under an external SM (OpenSM on one of the ports, through
 * ib_umad) ports are created with no LID, INIT, and wait for the SM to
 * give them a LID and move them to ACTIVE.  Either way a port keeps its
 * LID until the device is deleted, unless an SM gives it another
 * (softib_fabric_move()).  Each port is cabled to the switch
 * (switch.c), whose LFT carries packets to it.  The LID -> port map, an
 * xarray read under RCU, is the embedded SM's record of who has which
 * LID (the SA's path records, requests from a LID); removal is followed by
 * synchronize_rcu() in the caller before the port memory can go away.
 * A port is on the map from before its device registers to after it
 * unregisters, so only its QP0 and QP1, which rdmavt keeps in the port,
 * are reachable all that time; other QPs are found through rdmavt's QP
 * table, which exists only while the device is registered with rdmavt
 * (struct softib_dev's qpt_live).  Multicast LIDs come from an IDA
 * starting at 0xC000.
 */
#include <linux/idr.h>
#include <linux/xarray.h>

#include "softib.h"

/* LID -> struct softib_port; xarray's own lock serialises writers */
static DEFINE_XARRAY_ALLOC(softib_lids);
static DEFINE_IDA(softib_mlids);

/* changed only while no softib device exists, under the bus lock */
bool softib_embedded_sm = true;

/**
 * softib_fabric_set_sm - choose who runs the subnet
 * @embedded: the embedded SM/SA, or an SM on one of the ports
 *
 * The switch forgets what the last SM programmed.
 *
 * Context: no softib device exists.
 */
void softib_fabric_set_sm(bool embedded)
{
	WRITE_ONCE(softib_embedded_sm, embedded);
	softib_switch_reset(embedded);
}

/**
 * softib_fabric_add - give a port a LID and make it reachable
 * @port: the port, with its GUID set
 *
 * Return: 0 or a negative errno; on success @port->lid is set.
 */
int softib_fabric_add(struct softib_port *port)
{
	struct xa_limit range = XA_LIMIT(SOFTIB_FIRST_LID, SOFTIB_LAST_LID);
	u32 lid;
	int ret;

	if (!softib_sm_embedded())
		return softib_switch_cable(port);
	ret = xa_alloc(&softib_lids, &lid, port, range, GFP_KERNEL);
	if (ret)
		return ret;
	/* port->lid stays 0 ("none") unless the LID is really ours */
	port->lid = lid;
	ret = softib_switch_cable(port);
	if (ret) {
		xa_erase(&softib_lids, lid);
		port->lid = 0;
	}
	return ret;
}

/**
 * softib_fabric_del - make a port unreachable
 * @port: the port
 *
 * The caller must wait for an RCU grace period before freeing @port.
 */
void softib_fabric_del(struct softib_port *port)
{
	softib_switch_uncable(port);
	if (port->lid)
		xa_cmpxchg(&softib_lids, port->lid, port, NULL, 0);
}

/**
 * softib_fabric_move - make a port reachable at another LID
 * @port: the port
 * @lid: the LID an SM gave it
 *
 * An SM that gives one LID to two ports made a mistake the fabric does
 * not correct: packets for the LID go to the port that got it last, as a
 * switch's forwarding table holds one port per LID.
 *
 * Context: the port's port_lock held; the caller waits for an RCU grace
 * period before freeing @port, as for softib_fabric_del().
 * Return: 0, -EINVAL if @lid is not unicast, or -ENOMEM.
 */
int softib_fabric_move(struct softib_port *port, u32 lid)
{
	u32 old = port->lid;
	int ret;

	if (!softib_lid_unicast(lid))
		return -EINVAL;
	ret = xa_err(xa_store(&softib_lids, lid, port, GFP_KERNEL));
	if (ret)
		return ret;
	if (old)
		xa_cmpxchg(&softib_lids, old, port, NULL, 0);
	WRITE_ONCE(port->lid, lid);
	softib_switch_program(port, old, lid);
	return 0;
}

/**
 * softib_fabric_port - find the port owning a LID
 * @lid: unicast LID
 *
 * Context: rcu_read_lock() held; the result is valid until it is dropped.
 * Return: the port or NULL.
 */
struct softib_port *softib_fabric_port(u32 lid)
{
	return softib_lid_unicast(lid) ? xa_load(&softib_lids, lid) : NULL;
}

/**
 * softib_fabric_port_by_gid - find the port owning a GID
 * @gid: a port GID
 *
 * Context: rcu_read_lock() held; the result is valid until it is dropped.
 * Return: the port or NULL.
 */
struct softib_port *softib_fabric_port_by_gid(const union ib_gid *gid)
{
	struct softib_port *port, *found = NULL;
	unsigned long lid;

	if (gid->global.subnet_prefix != cpu_to_be64(SOFTIB_GID_PREFIX))
		return found;
	xa_for_each(&softib_lids, lid, port) {
		if (cpu_to_be64(port->guid) == gid->global.interface_id) {
			found = port;
			break;
		}
	}
	return found;
}

/**
 * softib_fabric_next - walk the ports in LID order
 * @lid: where to start; on return, the LID of the port found
 *
 * Start with *@lid 0 and go on with *@lid + 1.  A port that an SM moves
 * during the walk may be seen twice or not at all.
 *
 * Context: rcu_read_lock() held; the result is valid until it is dropped.
 * Return: the port at the lowest LID >= *@lid, or NULL if there is none.
 */
struct softib_port *softib_fabric_next(unsigned long *lid)
{
	return xa_find(&softib_lids, lid, SOFTIB_LAST_LID, XA_PRESENT);
}

/**
 * softib_fabric_qp - find the QP a packet for a port and QP number goes to
 * @port: the destination port
 * @qpn: the destination QP number (24 bits)
 *
 * Context: rcu_read_lock() held; the result is valid until it is dropped.
 * Return: the QP, or NULL if there is none or the device is not (or no
 * longer) registered with rdmavt and @qpn is above 1.
 */
struct rvt_qp *softib_fabric_qp(struct softib_port *port, u32 qpn)
{
	struct softib_dev *sdev = port->sdev;

	if (qpn <= 1)
		return rcu_dereference(port->rvp.qp[qpn]);
	/* pairs with softib_dev_open_qpt(): the table is set up before */
	if (!smp_load_acquire(&sdev->qpt_live))
		return NULL;
	return rvt_lookup_qpn(&sdev->rdi, &port->rvp, qpn);
}

/**
 * softib_fabric_alloc_mlid - allocate a multicast LID
 *
 * Return: the MLID or a negative errno.
 */
int softib_fabric_alloc_mlid(void)
{
	return ida_alloc_range(&softib_mlids, SOFTIB_FIRST_MLID,
			       SOFTIB_LAST_MLID, GFP_ATOMIC);
}

/**
 * softib_fabric_free_mlid - release a multicast LID
 * @mlid: a LID from softib_fabric_alloc_mlid()
 */
void softib_fabric_free_mlid(u32 mlid)
{
	ida_free(&softib_mlids, mlid);
}

/**
 * softib_fabric_exit - release the maps once every port and group is gone
 */
void softib_fabric_exit(void)
{
	WARN_ON_ONCE(!xa_empty(&softib_lids));
	xa_destroy(&softib_lids);
	ida_destroy(&softib_mlids);
}
