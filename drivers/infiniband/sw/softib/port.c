// SPDX-License-Identifier: GPL-2.0
/*
 * Ports: identity, state reported to the core, and the per-port knobs.
 *
 * A port has a physical link, enabled or disabled (the link knob, or an
 * SM setting PortPhysicalState), and a logical state: DOWN while the link
 * is disabled, else INIT, ARMED or ACTIVE as the subnet manager moves it
 * (sma.c).  The embedded SM brings a port whose link comes up straight to
 * ACTIVE, with its LID, SM LID 1 and the default P_Key, as the core
 * expects from a port on a configured subnet.  Every change is made under
 * the device's port_lock by one of the softib_port_set_*() helpers, which
 * return the IB events it calls for (BIT(IB_EVENT_*)); the caller raises
 * them with softib_port_raise() once it dropped the lock, so that an SMP
 * touching several fields raises each event once, in a fixed order.
 *
 * The knobs live in the "softib" group of the InfiniBand port directory,
 * /sys/class/infiniband/softib<ID>/ports/<N>/softib/: link (up/down),
 * reregister (ask clients to rejoin), pkeys (set a P_Key table entry) and
 * mtu (2048/4096).  A port leaving ACTIVE loses its SA memberships, as it
 * would when it drops out of a real subnet.
 *
 * Each port has an epoch, drawn from one subnet-wide counter when the
 * port is created and again whenever it leaves ACTIVE.  The SA keeps the
 * epoch of each request's port (struct softib_port_ref) and refuses to
 * act on a request, or to answer it, once its port is in another epoch:
 * the request was lost with the port, as on a real subnet.
 */
#include <linux/kstrtox.h>
#include <rdma/ib_sysfs.h>

#include "softib.h"

/* The last epoch handed out; see softib_port_new_epoch() */
static atomic_t softib_port_epochs = ATOMIC_INIT(0);

/* Start a new epoch for @port, after its state was changed. */
static void softib_port_new_epoch(struct softib_port *port)
{
	/* pairs with softib_port_get_ref(): the new epoch, the new state */
	smp_store_release(&port->epoch, atomic_inc_return(&softib_port_epochs));
}

static void softib_port_event(struct softib_port *port,
			      enum ib_event_type type)
{
	struct ib_event ev = {
		.device = &port->sdev->rdi.ibdev,
		.element.port_num = port->num,
		.event = type,
	};

	ib_dispatch_event(&ev);
}

/**
 * softib_port_raise - raise the IB events a port change called for
 * @port: the port
 * @events: BIT(IB_EVENT_*) of the events, from the helpers below
 *
 * Context: process context, port_lock not held.
 */
void softib_port_raise(struct softib_port *port, u32 events)
{
	static const enum ib_event_type order[] = {
		IB_EVENT_PORT_ERR, IB_EVENT_LID_CHANGE, IB_EVENT_GID_CHANGE,
		IB_EVENT_PKEY_CHANGE, IB_EVENT_SM_CHANGE, IB_EVENT_PORT_ACTIVE,
		IB_EVENT_CLIENT_REREGISTER,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(order); i++)
		if (events & BIT(order[i]))
			softib_port_event(port, order[i]);
}

/*
 * The state a port reaches once its link trains: INIT, where an SM finds
 * it, or ACTIVE at once when the SM is the embedded one.
 */
static enum ib_port_state softib_port_trained(void)
{
	return softib_sm_embedded() ? IB_PORT_ACTIVE : IB_PORT_INIT;
}

/* Move @port to @state, port_lock held; returns the events it raises. */
static u32 softib_port_enter(struct softib_port *port,
			     enum ib_port_state state)
{
	enum ib_port_state old = port->state;

	lockdep_assert_held(&port->sdev->port_lock);
	if (old == state)
		return 0;
	WRITE_ONCE(port->state, state);
	if (state == IB_PORT_ACTIVE)
		return BIT(IB_EVENT_PORT_ACTIVE);
	if (old != IB_PORT_ACTIVE)
		return 0;
	softib_port_new_epoch(port);
	softib_mc_port_gone(port->lid);
	return BIT(IB_EVENT_PORT_ERR);
}

/**
 * softib_port_set_phys - enable or disable a port's physical link
 * @port: the port
 * @up: enable it; the port trains (to INIT, or ACTIVE under the embedded
 *	SM), or, disabled, goes DOWN
 *
 * Context: port_lock held.
 * Return: the events to raise.
 */
u32 softib_port_set_phys(struct softib_port *port, bool up)
{
	lockdep_assert_held(&port->sdev->port_lock);
	if (port->phys_up == up)
		return 0;
	WRITE_ONCE(port->phys_up, up);
	return softib_port_enter(port, up ? softib_port_trained() :
				 IB_PORT_DOWN);
}

/**
 * softib_port_set_state - move a port as an SM asked (PortState)
 * @port: a port whose link is up
 * @state: IB_PORT_ARMED or IB_PORT_ACTIVE, or IB_PORT_DOWN to bounce the
 *	link, which then trains again; sma.c checks the transition
 *
 * Context: port_lock held.
 * Return: the events to raise.
 */
u32 softib_port_set_state(struct softib_port *port, enum ib_port_state state)
{
	u32 events;

	lockdep_assert_held(&port->sdev->port_lock);
	if (state != IB_PORT_DOWN)
		return softib_port_enter(port, state);
	events = softib_port_enter(port, IB_PORT_DOWN);
	return events | softib_port_enter(port, softib_port_trained());
}

/**
 * softib_port_set_lid - give a port another LID (PortInfo.LID)
 * @port: the port
 * @lid: a unicast LID
 *
 * The port keeps its SA memberships: they belong to its GID.
 *
 * Context: port_lock held.
 * Return: the events to raise.
 */
u32 softib_port_set_lid(struct softib_port *port, u32 lid)
{
	u32 old = port->lid;

	lockdep_assert_held(&port->sdev->port_lock);
	if (old == lid || softib_fabric_move(port, lid))
		return 0;
	softib_mc_port_moved(old, lid);
	return port->state == IB_PORT_ACTIVE ? BIT(IB_EVENT_LID_CHANGE) : 0;
}

/**
 * softib_port_init - set a port up before its device registers
 * @sdev: the device
 * @port: the port
 * @num: its 1-based number
 */
void softib_port_init(struct softib_dev *sdev, struct softib_port *port,
		      u32 num)
{
	struct rvt_ibport *rvp = &port->rvp;

	port->sdev = sdev;
	port->num = num;
	port->guid = SOFTIB_GUID_BASE | (u64)sdev->id << 8 | num;
	port->phys_up = true;
	port->state = softib_port_trained();
	softib_port_new_epoch(port);
	port->mtu = IB_MTU_2048;
	port->neigh_mtu = IB_MTU_4096;
	port->pkeys[0] = SOFTIB_DEFAULT_PKEY;
	spin_lock_init(&rvp->lock);
	rvp->mcast_tree = RB_ROOT;
	rvp->gid_prefix = cpu_to_be64(SOFTIB_GID_PREFIX);
	rvp->sm_lid = softib_sm_embedded() ? SOFTIB_SM_LID : 0;
	rvp->subnet_timeout = 18;
	rvp->port_cap_flags = IB_PORT_CM_SUP | IB_PORT_SYS_IMAGE_GUID_SUP |
			      IB_PORT_CLIENT_REG_SUP |
			      IB_PORT_EXTENDED_SPEEDS_SUP;
	softib_sma_init_port(port);
	rvt_init_port(&sdev->rdi, rvp, num - 1, port->pkeys);
}

/**
 * softib_port_query - rdmavt's query_port_state callback
 * @rdi: the device
 * @port_num: 1-based port number
 * @props: attributes to complete
 *
 * Return: 0.
 */
int softib_port_query(struct rvt_dev_info *rdi, u32 port_num,
		      struct ib_port_attr *props)
{
	struct softib_port *port = &softib_from_rdi(rdi)->ports[port_num - 1];

	props->lid = READ_ONCE(port->lid);
	props->lmc = 0;
	props->state = READ_ONCE(port->state);
	props->phys_state = READ_ONCE(port->phys_up) ?
			    IB_PORT_PHYS_STATE_LINK_UP :
			    IB_PORT_PHYS_STATE_DISABLED;
	props->gid_tbl_len = 1;
	props->max_mtu = IB_MTU_4096;
	props->active_mtu = softib_port_mtu(port);
	props->active_width = IB_WIDTH_4X;
	props->active_speed = IB_SPEED_EDR;
	props->max_vl_num = 1;
	return 0;
}

/**
 * softib_port_guid - rdmavt's get_guid_be callback
 * @rdi: the device
 * @rvp: the port
 * @guid_index: GID table index; only 0 exists
 * @guid: the port GUID, big endian
 *
 * Return: 0 or -EINVAL.
 */
int softib_port_guid(struct rvt_dev_info *rdi, struct rvt_ibport *rvp,
		     int guid_index, __be64 *guid)
{
	if (guid_index)
		return -EINVAL;
	*guid = cpu_to_be64(softib_from_rvp(rvp)->guid);
	return 0;
}

/**
 * softib_pkey_index - find where a P_Key matches a port's table
 * @port: the port
 * @pkey: P_Key from a packet
 *
 * Return: the table index or -1.
 */
int softib_pkey_index(const struct softib_port *port, u16 pkey)
{
	int i;

	for (i = 0; i < SOFTIB_NPKEYS; i++)
		if (softib_pkey_match(pkey, READ_ONCE(port->pkeys[i])))
			return i;
	return -1;
}

/**
 * softib_port_get_ref - note who sends a request, for checking it later
 * @port: the sending port
 * @ref: filled with the port's GID, LID and epoch
 *
 * Return: false if @port is down, so the request is lost.
 */
bool softib_port_get_ref(struct softib_port *port, struct softib_port_ref *ref)
{
	/* pairs with softib_port_new_epoch(): the state is as new as this */
	ref->epoch = smp_load_acquire(&port->epoch);
	softib_port_gid(port, &ref->gid);
	ref->lid = port->lid;
	return READ_ONCE(port->state) == IB_PORT_ACTIVE;
}

/**
 * softib_port_from_ref - the port of a request, if it is still there
 * @ref: from softib_port_get_ref()
 *
 * Context: rcu_read_lock() held; the result is valid until it is dropped.
 * Return: the port if it has the LID and GID of @ref, is active and has
 * not gone down since, else NULL.
 */
struct softib_port *softib_port_from_ref(const struct softib_port_ref *ref)
{
	struct softib_port *port = softib_fabric_port(ref->lid);

	if (!port || cpu_to_be64(port->guid) != ref->gid.global.interface_id ||
	    READ_ONCE(port->epoch) != ref->epoch ||
	    READ_ONCE(port->state) != IB_PORT_ACTIVE)
		return NULL;
	return port;
}

/**
 * softib_port_ref_live - tell whether the port of a request is still there
 * @ref: from softib_port_get_ref()
 *
 * A caller that must not miss the port going down checks under
 * softib_mc_lock: softib_mc_port_gone() takes it after the port's state
 * and epoch changed.
 *
 * Return: true if softib_port_from_ref() finds the port.
 */
bool softib_port_ref_live(const struct softib_port_ref *ref)
{
	bool live;

	rcu_read_lock();
	live = softib_port_from_ref(ref);
	rcu_read_unlock();
	return live;
}

static void softib_port_set_link(struct softib_port *port, bool up)
{
	struct softib_dev *sdev = port->sdev;
	u32 events;

	mutex_lock(&sdev->port_lock);
	events = softib_port_set_phys(port, up);
	mutex_unlock(&sdev->port_lock);
	softib_port_raise(port, events);
}

/**
 * softib_port_shut_down - rdmavt's shut_down_port callback
 * @rdi: the device
 * @port_num: 1-based port number
 *
 * Return: 0.
 */
int softib_port_shut_down(struct rvt_dev_info *rdi, u32 port_num)
{
	softib_port_set_link(&softib_from_rdi(rdi)->ports[port_num - 1],
			     false);
	return 0;
}

/**
 * softib_port_announce - tell the core the ports are active
 * @sdev: a device that just registered
 *
 * ib_sa fetches the SA's ClassPortInfo on this event.
 */
void softib_port_announce(struct softib_dev *sdev)
{
	u32 i;

	for (i = 0; i < sdev->nports; i++)
		softib_port_event(&sdev->ports[i], IB_EVENT_PORT_ACTIVE);
}

static struct softib_port *softib_port_get(struct ib_device *ibdev,
					   u32 port_num)
{
	return &softib_from_ibdev(ibdev)->ports[port_num - 1];
}

static ssize_t softib_link_show(struct ib_device *ibdev, u32 port_num,
				struct ib_port_attribute *attr, char *buf)
{
	struct softib_port *port = softib_port_get(ibdev, port_num);

	return sysfs_emit(buf, "%s\n", READ_ONCE(port->phys_up) ? "up" : "down");
}

static ssize_t softib_link_store(struct ib_device *ibdev, u32 port_num,
				 struct ib_port_attribute *attr,
				 const char *buf, size_t count)
{
	static const char * const words[] = { "down", "0", "up", "1" };
	int i;

	if (!softib_may_control())
		return -EPERM;
	i = softib_input_clean(buf, count) ? sysfs_match_string(words, buf) :
					     -EINVAL;
	if (i < 0)
		return -EINVAL;
	softib_port_set_link(softib_port_get(ibdev, port_num), i >= 2);
	return count;
}

static ssize_t softib_reregister_store(struct ib_device *ibdev, u32 port_num,
				       struct ib_port_attribute *attr,
				       const char *buf, size_t count)
{
	struct softib_port *port = softib_port_get(ibdev, port_num);
	unsigned int doit;

	if (!softib_may_control())
		return -EPERM;
	if (!softib_input_clean(buf, count) || kstrtouint(buf, 10, &doit) ||
	    doit > 1)
		return -EINVAL;
	if (doit && READ_ONCE(port->state) == IB_PORT_ACTIVE)
		softib_port_event(port, IB_EVENT_CLIENT_REREGISTER);
	return count;
}

static ssize_t softib_pkeys_show(struct ib_device *ibdev, u32 port_num,
				 struct ib_port_attribute *attr, char *buf)
{
	struct softib_port *port = softib_port_get(ibdev, port_num);
	int i, len = 0;

	for (i = 0; i < SOFTIB_NPKEYS; i++)
		len += sysfs_emit_at(buf, len, "index=%d pkey=0x%04x\n", i,
				     READ_ONCE(port->pkeys[i]));
	return len;
}

static ssize_t softib_pkeys_store(struct ib_device *ibdev, u32 port_num,
				  struct ib_port_attribute *attr,
				  const char *buf, size_t count)
{
	struct softib_port *port = softib_port_get(ibdev, port_num);
	struct softib_dev *sdev = port->sdev;
	unsigned int idx, pkey;
	int err = 0;
	char extra;

	if (!softib_may_control())
		return -EPERM;
	if (!softib_input_clean(buf, count) ||
	    sscanf(buf, "%u %i %c", &idx, &pkey, &extra) != 2 || idx == 0 ||
	    idx >= SOFTIB_NPKEYS || pkey > 0xffff)
		return -EINVAL;
	mutex_lock(&sdev->port_lock);
	if (pkey & 0x7fff)
		err = softib_mc_add_broadcast(pkey);
	if (!err)
		WRITE_ONCE(port->pkeys[idx], pkey);
	mutex_unlock(&sdev->port_lock);
	if (err)
		return err;
	softib_port_event(port, IB_EVENT_PKEY_CHANGE);
	return count;
}

static ssize_t softib_mtu_show(struct ib_device *ibdev, u32 port_num,
			       struct ib_port_attribute *attr, char *buf)
{
	struct softib_port *port = softib_port_get(ibdev, port_num);

	return sysfs_emit(buf, "%d\n",
			  ib_mtu_enum_to_int(READ_ONCE(port->mtu)));
}

static ssize_t softib_mtu_store(struct ib_device *ibdev, u32 port_num,
				struct ib_port_attribute *attr,
				const char *buf, size_t count)
{
	struct softib_port *port = softib_port_get(ibdev, port_num);
	unsigned int mtu;

	if (!softib_may_control())
		return -EPERM;
	if (!softib_input_clean(buf, count) || kstrtouint(buf, 0, &mtu) ||
	    (mtu != 2048 && mtu != 4096))
		return -EINVAL;
	mutex_lock(&port->sdev->port_lock);
	WRITE_ONCE(port->mtu, ib_mtu_int_to_enum(mtu));
	mutex_unlock(&port->sdev->port_lock);
	return count;
}

static struct ib_port_attribute softib_attr_link =
	__ATTR(link, 0644, softib_link_show, softib_link_store);
static struct ib_port_attribute softib_attr_reregister =
	__ATTR(reregister, 0200, NULL, softib_reregister_store);
static struct ib_port_attribute softib_attr_pkeys =
	__ATTR(pkeys, 0644, softib_pkeys_show, softib_pkeys_store);
static struct ib_port_attribute softib_attr_mtu =
	__ATTR(mtu, 0644, softib_mtu_show, softib_mtu_store);

static struct attribute *softib_port_attrs[] = {
	&softib_attr_link.attr,
	&softib_attr_reregister.attr,
	&softib_attr_pkeys.attr,
	&softib_attr_mtu.attr,
	NULL
};

static const struct attribute_group softib_port_group = {
	.name = SOFTIB_NAME,
	.attrs = softib_port_attrs,
};

const struct attribute_group *softib_port_groups[] = {
	&softib_port_group,
	NULL
};
