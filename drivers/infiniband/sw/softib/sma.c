// SPDX-License-Identifier: GPL-2.0
/*
 * The Subnet Management Agent of a softib device (a channel adapter).
 *
 * ib_mad offers every MAD a port receives to the driver's process_mad
 * first, and hands it every directed-route SMP that ends at the local
 * port.  softib answers Get and Set SMPs, LID-routed or directed-route,
 * for the attributes a subnet manager reads and writes on a CA:
 * NodeDescription and NodeInfo (Get), GUIDInfo, PortInfo, PKeyTable,
 * SLtoVLMappingTable and VLArbitrationTable.  Another attribute is
 * answered "unsupported method/attribute", another method "unsupported
 * method", a Set with a value the port cannot take "invalid attribute
 * value", changing nothing.  SMInfo belongs to an SM, not to the SMA: it
 * goes on to the SM bound to the port (OpenSM, through ib_umad), if any,
 * and ib_mad answers it as unsupported otherwise.  So do responses and
 * MADs of every other class.
 *
 * A Set is checked whole, then applied under the device's port_lock with
 * the port.c helpers; the reply, built under the same lock, is the
 * attribute as it is afterwards.  The IB events the change calls for are
 * raised once the lock is dropped.  M_Key is kept and reported but not
 * enforced; LMC is 0, the link 4X EDR, and VL0 the only data VL.
 *
 * Context: process context: ib_mad's receive work, or the task posting a
 * directed-route SMP to its own port (an SM writing to ib_umad).
 */
#include <rdma/ib_mad.h>
#include <rdma/ib_smi.h>

#include "softib.h"

/* The CA ports' VL arbitration tables (the switch has none) */
#define SOFTIB_SMA_VLARB_CAP	8
#define SOFTIB_SMA_PKEY_BLOCK	32	/* P_Keys per PKeyTable block */
#define SOFTIB_SMA_GUID_BLOCK	8	/* GUIDs per GUIDInfo block */

/**
 * struct softib_sma_req - one SMP being answered
 * @in: the request
 * @out: the reply, the request copied and then filled in
 * @port: the port the SMP arrived on
 * @target: the port the attribute is about (PortInfo may name another)
 * @events: IB events the Set calls for, BIT(IB_EVENT_*) of @target
 */
struct softib_sma_req {
	const struct ib_smp *in;
	struct ib_smp *out;
	struct softib_port *port;
	struct softib_port *target;
	u32 events;
};

/* Answers Get for one attribute, or applies Set; returns a MAD status. */
typedef u16 (*softib_sma_fn)(struct softib_sma_req *req);

static u16 softib_sma_node_desc(struct softib_sma_req *req)
{
	struct ib_device *ibdev = &req->port->sdev->rdi.ibdev;

	BUILD_BUG_ON(sizeof(ibdev->node_desc) > IB_SMP_DATA_SIZE);
	memcpy(req->out->data, ibdev->node_desc, sizeof(ibdev->node_desc));
	return 0;
}

/**
 * softib_sma_fill_node_info - a CA port's NodeInfo
 * @port: the port
 * @ni: filled in; the caller zeroed it
 *
 * The SMA's answer, and the SA's NodeRecord (sa_table.c).
 */
void softib_sma_fill_node_info(const struct softib_port *port,
			       struct ib_node_info *ni)
{
	struct softib_dev *sdev = port->sdev;
	struct ib_device_attr *props = &sdev->rdi.dparms.props;
	u32 vendor = props->vendor_id;

	ni->base_version = IB_MGMT_BASE_VERSION;
	ni->class_version = SOFTIB_SMP_CLASS_VERSION;
	ni->node_type = RDMA_NODE_IB_CA;
	ni->num_ports = sdev->nports;
	ni->sys_guid = props->sys_image_guid;
	ni->node_guid = sdev->rdi.ibdev.node_guid;
	ni->port_guid = cpu_to_be64(port->guid);
	ni->partition_cap = cpu_to_be16(SOFTIB_NPKEYS);
	ni->device_id = cpu_to_be16(props->vendor_part_id);
	ni->revision = cpu_to_be32(props->hw_ver);
	ni->local_port_num = port->num;
	ni->vendor_id[0] = vendor >> 16;
	ni->vendor_id[1] = vendor >> 8;
	ni->vendor_id[2] = vendor;
}

static u16 softib_sma_node_info(struct softib_sma_req *req)
{
	softib_sma_fill_node_info(req->port, (void *)req->out->data);
	return 0;
}

/* GUIDInfo: the port has one GUID, entry 0 of block 0 */
static u16 softib_sma_guid_info(struct softib_sma_req *req)
{
	__be64 *guids = (void *)req->out->data;

	if (be32_to_cpu(req->in->attr_mod))
		return IB_MGMT_MAD_STATUS_INVALID_ATTRIB_VALUE;
	guids[0] = cpu_to_be64(req->port->guid);
	return 0;
}

/* Entries past GUIDCap are ignored, and entry 0 is the port GUID. */
static u16 softib_sma_set_guid_info(struct softib_sma_req *req)
{
	return be32_to_cpu(req->in->attr_mod) ?
	       IB_MGMT_MAD_STATUS_INVALID_ATTRIB_VALUE : 0;
}

static void softib_sma_port_info_links(const struct softib_port *port,
				       struct ib_port_info *pi, u8 *raw)
{
	const struct softib_sma_port *sma = &port->sma;
	u8 phys = port->phys_up ? IB_PORT_PHYS_STATE_LINK_UP :
				  IB_PORT_PHYS_STATE_DISABLED;

	pi->link_width_enabled = sma->width_enabled;
	pi->link_width_supported = SOFTIB_SMA_WIDTHS;
	pi->link_width_active = SOFTIB_SMA_WIDTH_4X;
	pi->linkspeed_portstate = SOFTIB_SMA_SPEEDS << 4 | port->state;
	pi->portphysstate_linkdown = phys << 4 | sma->link_down_default;
	pi->linkspeedactive_enabled = SOFTIB_SMA_SPEED_QDR << 4 |
				      sma->speed_enabled;
	raw[SOFTIB_PI_EXT_SPEED] = SOFTIB_SMA_EXT_EDR << 4 |
				   SOFTIB_SMA_EXT_SPEEDS;
	raw[SOFTIB_PI_EXT_ENABLED] = sma->ext_speed_enabled;
}

static u16 softib_sma_port_info(struct softib_sma_req *req)
{
	struct softib_port *port = req->target;
	const struct softib_sma_port *sma = &port->sma;
	struct ib_port_info *pi = (void *)req->out->data;
	struct rvt_ibport *rvp = &port->rvp;

	BUILD_BUG_ON(offsetofend(struct ib_port_info, link_roundtrip_latency) >
		     SOFTIB_PI_EXT_SPEED);
	pi->mkey = cpu_to_be64(sma->mkey);
	pi->gid_prefix = rvp->gid_prefix;
	pi->lid = cpu_to_be16(port->lid);
	pi->sm_lid = cpu_to_be16(rvp->sm_lid);
	pi->cap_mask = cpu_to_be32(rvp->port_cap_flags);
	pi->mkey_lease_period = cpu_to_be16(sma->mkey_lease);
	pi->local_port_num = req->port->num;
	softib_sma_port_info_links(port, pi, req->out->data);
	pi->mkeyprot_resv_lmc = sma->mkey_prot << 6;
	pi->neighbormtu_mastersmsl = softib_port_mtu(port) << 4 | rvp->sm_sl;
	pi->vlcap_inittype = SOFTIB_SMA_VL_CAP << 4;
	pi->vl_high_limit = sma->vl_high_limit;
	pi->vl_arb_high_cap = SOFTIB_SMA_VLARB_CAP;
	pi->vl_arb_low_cap = SOFTIB_SMA_VLARB_CAP;
	pi->inittypereply_mtucap = port->mtu;
	pi->vlstallcnt_hoqlife = sma->stall_hoq;
	pi->operationalvl_pei_peo_fpi_fpo = sma->op_vls_enforce;
	pi->pkey_violations = cpu_to_be16(rvp->pkey_violations);
	pi->qkey_violations = cpu_to_be16(rvp->qkey_violations);
	pi->guid_cap = 1;
	pi->clientrereg_resv_subnetto = rvp->subnet_timeout & 0x1f;
	pi->resv_resptimevalue = SOFTIB_SMA_RESP_TIME;
	pi->localphyerrors_overrunerrors = sma->error_thresholds;
	return 0;
}

/* An "enabled" field: 0 keeps it, @all means all supported, else a subset */
static bool softib_sma_enable_ok(u8 want, u8 supported, u8 all)
{
	return !want || want == all || !(want & ~supported);
}

static u8 softib_sma_enable(u8 want, u8 have, u8 supported, u8 all)
{
	if (!want)
		return have;
	return want == all ? supported : want;
}

/* Under the embedded SM, LID 1 is the SM's and no port's. */
static bool softib_sma_lid_ok(u16 lid, bool sm)
{
	if (!sm && lid == SOFTIB_SM_LID && softib_sm_embedded())
		return false;
	return softib_lid_unicast(lid);
}

/**
 * softib_sma_state_ok - may a port be moved to a PortState?
 * @have: the port's state
 * @want: the PortState of a PortInfo Set, 0 for no change
 *
 * Return: true when the IBA port state machine allows the move.
 */
bool softib_sma_state_ok(enum ib_port_state have, u8 want)
{
	switch (want) {
	case IB_PORT_NOP:
	case IB_PORT_DOWN:
		return true;
	case IB_PORT_ARMED:
		return have == IB_PORT_INIT || have == IB_PORT_ARMED;
	case IB_PORT_ACTIVE:
		return have == IB_PORT_ARMED || have == IB_PORT_ACTIVE;
	default:
		return false;
	}
}

/* Everything a PortInfo Set asks for that the port can take? */
static bool softib_sma_port_info_ok(const struct softib_port *port,
				    const struct ib_port_info *pi, u8 ext)
{
	u8 phys = pi->portphysstate_linkdown >> 4;
	u8 mtu = pi->neighbormtu_mastersmsl >> 4;
	u8 vls = pi->operationalvl_pei_peo_fpi_fpo >> 4;

	return softib_sma_lid_ok(be16_to_cpu(pi->lid), false) &&
	       softib_sma_lid_ok(be16_to_cpu(pi->sm_lid), true) &&
	       pi->gid_prefix == port->rvp.gid_prefix &&
	       !(pi->mkeyprot_resv_lmc & 0x7) &&
	       softib_sma_state_ok(port->state, pi->linkspeed_portstate & 0xf) &&
	       (!phys || phys == IB_PORT_PHYS_STATE_POLLING ||
		phys == IB_PORT_PHYS_STATE_DISABLED) &&
	       (pi->portphysstate_linkdown & 0xf) <= IB_PORT_PHYS_STATE_POLLING &&
	       mtu >= IB_MTU_256 && mtu <= port->mtu &&
	       vls <= SOFTIB_SMA_VL_CAP &&
	       softib_sma_enable_ok(pi->link_width_enabled, SOFTIB_SMA_WIDTHS,
				    0xff) &&
	       softib_sma_enable_ok(pi->linkspeedactive_enabled & 0xf,
				    SOFTIB_SMA_SPEEDS, 0xf) &&
	       softib_sma_enable_ok(ext, SOFTIB_SMA_EXT_SPEEDS, 0x1f);
}

/* The fields softib keeps without acting on them */
static void softib_sma_keep(struct softib_sma_port *sma,
			    const struct ib_port_info *pi, u8 ext)
{
	u8 vls = pi->operationalvl_pei_peo_fpi_fpo;

	sma->mkey = be64_to_cpu(pi->mkey);
	sma->mkey_lease = be16_to_cpu(pi->mkey_lease_period);
	sma->mkey_prot = pi->mkeyprot_resv_lmc >> 6;
	sma->width_enabled = softib_sma_enable(pi->link_width_enabled,
					       sma->width_enabled,
					       SOFTIB_SMA_WIDTHS, 0xff);
	sma->speed_enabled = softib_sma_enable(pi->linkspeedactive_enabled & 0xf,
					       sma->speed_enabled,
					       SOFTIB_SMA_SPEEDS, 0xf);
	sma->ext_speed_enabled = softib_sma_enable(ext, sma->ext_speed_enabled,
						   SOFTIB_SMA_EXT_SPEEDS, 0x1f);
	if (pi->portphysstate_linkdown & 0xf)
		sma->link_down_default = pi->portphysstate_linkdown & 0xf;
	sma->vl_high_limit = pi->vl_high_limit;
	if (!(vls >> 4))
		vls |= sma->op_vls_enforce & 0xf0;
	sma->op_vls_enforce = vls;
	sma->stall_hoq = pi->vlstallcnt_hoqlife;
	sma->error_thresholds = pi->localphyerrors_overrunerrors;
}

static u16 softib_sma_set_port_info(struct softib_sma_req *req)
{
	const struct ib_port_info *pi = (const void *)req->in->data;
	struct softib_port *port = req->target;
	struct rvt_ibport *rvp = &port->rvp;
	u8 phys = pi->portphysstate_linkdown >> 4;
	u8 state = pi->linkspeed_portstate & 0xf;
	u16 sm_lid = be16_to_cpu(pi->sm_lid);
	u8 ext = 0;
	u32 ev = 0;

	/* LinkSpeedExtEnabled counts only when the modifier says so */
	if (be32_to_cpu(req->in->attr_mod) & SOFTIB_PI_MOD_EXT_SPEEDS)
		ext = req->in->data[SOFTIB_PI_EXT_ENABLED] & 0x1f;
	if (!softib_sma_port_info_ok(port, pi, ext))
		return IB_MGMT_MAD_STATUS_INVALID_ATTRIB_VALUE;
	softib_sma_keep(&port->sma, pi, ext);
	if (phys)
		ev |= softib_port_set_phys(port,
					   phys == IB_PORT_PHYS_STATE_POLLING);
	ev |= softib_port_set_lid(port, be16_to_cpu(pi->lid));
	if (rvp->sm_lid != sm_lid && port->state == IB_PORT_ACTIVE)
		ev |= BIT(IB_EVENT_SM_CHANGE);
	WRITE_ONCE(rvp->sm_lid, sm_lid);
	WRITE_ONCE(rvp->sm_sl, pi->neighbormtu_mastersmsl & 0xf);
	WRITE_ONCE(port->neigh_mtu, pi->neighbormtu_mastersmsl >> 4);
	WRITE_ONCE(rvp->subnet_timeout, pi->clientrereg_resv_subnetto & 0x1f);
	if (state && port->phys_up)
		ev |= softib_port_set_state(port, state);
	if ((pi->clientrereg_resv_subnetto & 0x80) &&
	    port->state != IB_PORT_DOWN)
		ev |= BIT(IB_EVENT_CLIENT_REREGISTER);
	req->events |= ev;
	return 0;
}

/* PKeyTable: block 0 holds the port's SOFTIB_NPKEYS entries */
static u16 softib_sma_pkeys(struct softib_sma_req *req)
{
	__be16 *out = (void *)req->out->data;
	int i;

	if (be32_to_cpu(req->in->attr_mod) & 0xffff)
		return IB_MGMT_MAD_STATUS_INVALID_ATTRIB_VALUE;
	for (i = 0; i < SOFTIB_NPKEYS; i++)
		out[i] = cpu_to_be16(req->port->pkeys[i]);
	return 0;
}

static u16 softib_sma_set_pkeys(struct softib_sma_req *req)
{
	const __be16 *in = (const void *)req->in->data;
	struct softib_port *port = req->port;
	int i, err;
	u16 pkey;

	BUILD_BUG_ON(SOFTIB_NPKEYS > SOFTIB_SMA_PKEY_BLOCK);
	if (be32_to_cpu(req->in->attr_mod) & 0xffff)
		return IB_MGMT_MAD_STATUS_INVALID_ATTRIB_VALUE;
	for (i = 0; i < SOFTIB_NPKEYS; i++) {
		pkey = be16_to_cpu(in[i]);
		if (pkey == port->pkeys[i])
			continue;
		/* the embedded SM keeps a broadcast group per P_Key */
		err = pkey & 0x7fff ? softib_mc_add_broadcast(pkey) : 0;
		if (err)
			return IB_MGMT_MAD_STATUS_INVALID_ATTRIB_VALUE;
		WRITE_ONCE(port->pkeys[i], pkey);
		req->events |= BIT(IB_EVENT_PKEY_CHANGE);
	}
	return 0;
}

static u16 softib_sma_sl2vl(struct softib_sma_req *req)
{
	u8 *sl2vl = req->port->sma.sl2vl;

	memcpy(req->out->data, sl2vl, sizeof(req->port->sma.sl2vl));
	return 0;
}

/* VL0 is the only data VL; VL15 drops the SL's packets */
static u16 softib_sma_set_sl2vl(struct softib_sma_req *req)
{
	u8 *sl2vl = req->port->sma.sl2vl;
	const u8 *in = req->in->data;
	int i;

	for (i = 0; i < sizeof(req->port->sma.sl2vl) * 2; i++) {
		u8 vl = i & 1 ? in[i / 2] & 0xf : in[i / 2] >> 4;

		if (vl >= SOFTIB_SMA_VL_CAP && vl != 15)
			return IB_MGMT_MAD_STATUS_INVALID_ATTRIB_VALUE;
	}
	memcpy(sl2vl, in, sizeof(req->port->sma.sl2vl));
	return 0;
}

/* VLArbitrationTable: the block is in the top half of the modifier */
static u8 *softib_sma_vlarb_block(struct softib_sma_req *req)
{
	u32 block = be32_to_cpu(req->in->attr_mod) >> 16;

	if (block < 1 || block > SOFTIB_VLARB_BLOCKS)
		return NULL;
	return req->port->sma.vlarb[block - 1];
}

static u16 softib_sma_vlarb(struct softib_sma_req *req)
{
	u8 *block = softib_sma_vlarb_block(req);

	if (!block)
		return IB_MGMT_MAD_STATUS_INVALID_ATTRIB_VALUE;
	memcpy(req->out->data, block, SOFTIB_VLARB_BYTES);
	return 0;
}

static u16 softib_sma_set_vlarb(struct softib_sma_req *req)
{
	u8 *block = softib_sma_vlarb_block(req);

	if (!block)
		return IB_MGMT_MAD_STATUS_INVALID_ATTRIB_VALUE;
	memcpy(block, req->in->data, SOFTIB_VLARB_BYTES);
	return 0;
}

/**
 * struct softib_sma_attr - how the SMA serves one attribute
 * @id: AttributeID
 * @get: fills the reply's data
 * @set: checks and applies a Set; NULL if the attribute is read-only
 * @any_port: the attribute modifier may name another port (PortInfo)
 */
struct softib_sma_attr {
	__be16 id;
	softib_sma_fn get;
	softib_sma_fn set;
	bool any_port;
};

static const struct softib_sma_attr softib_sma_attrs[] = {
	{ IB_SMP_ATTR_NODE_DESC, softib_sma_node_desc, NULL },
	{ IB_SMP_ATTR_NODE_INFO, softib_sma_node_info, NULL },
	{ IB_SMP_ATTR_GUID_INFO, softib_sma_guid_info,
	  softib_sma_set_guid_info },
	{ IB_SMP_ATTR_PORT_INFO, softib_sma_port_info,
	  softib_sma_set_port_info, true },
	{ IB_SMP_ATTR_PKEY_TABLE, softib_sma_pkeys, softib_sma_set_pkeys },
	{ IB_SMP_ATTR_SL_TO_VL_TABLE, softib_sma_sl2vl, softib_sma_set_sl2vl },
	{ IB_SMP_ATTR_VL_ARB_TABLE, softib_sma_vlarb, softib_sma_set_vlarb },
};

static const struct softib_sma_attr *softib_sma_find(__be16 id)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(softib_sma_attrs); i++)
		if (softib_sma_attrs[i].id == id)
			return &softib_sma_attrs[i];
	return NULL;
}

/* PortInfo of a CA: modifier 0 is the receiving port, else a port number */
static struct softib_port *softib_sma_target(struct softib_sma_req *req,
					     const struct softib_sma_attr *attr)
{
	struct softib_dev *sdev = req->port->sdev;
	u32 num = be32_to_cpu(req->in->attr_mod) & SOFTIB_PI_MOD_PORT;

	if (!attr->any_port || !num)
		return req->port;
	return num <= sdev->nports ? &sdev->ports[num - 1] : NULL;
}

/* Answer a Get or Set; returns the MAD status of the reply. */
static u16 softib_sma_answer(struct softib_sma_req *req)
{
	const struct softib_sma_attr *attr = softib_sma_find(req->in->attr_id);
	struct mutex *lock = &req->port->sdev->port_lock;
	u16 status = 0, get_status;

	if (!attr || (req->in->method == IB_MGMT_METHOD_SET && !attr->set))
		return IB_MGMT_MAD_STATUS_UNSUPPORTED_METHOD_ATTRIB;
	req->target = softib_sma_target(req, attr);
	if (!req->target)
		return IB_MGMT_MAD_STATUS_INVALID_ATTRIB_VALUE;
	mutex_lock(lock);
	if (req->in->method == IB_MGMT_METHOD_SET)
		status = attr->set(req);
	/*
	 * The reply holds the attribute as it is now, refused Set or not,
	 * and nothing else the request carried.
	 */
	memset(req->out->data, 0, sizeof(req->out->data));
	get_status = attr->get(req);
	mutex_unlock(lock);
	return status ?: get_status;
}

/* An SMP the SMA answers, rather than passes on? */
static bool softib_sma_mine(const struct ib_smp *smp)
{
	if (smp->mgmt_class != IB_MGMT_CLASS_SUBN_LID_ROUTED &&
	    smp->mgmt_class != IB_MGMT_CLASS_SUBN_DIRECTED_ROUTE)
		return false;
	if (smp->method & IB_MGMT_METHOD_RESP ||
	    smp->method == IB_MGMT_METHOD_TRAP)
		return false;
	return smp->attr_id != IB_SMP_ATTR_SM_INFO;
}

/**
 * softib_process_mad - ib_mad's process_mad: the SMA
 * @ibdev: the device
 * @mad_flags: unused
 * @port_num: the receiving port
 * @in_wc: unused
 * @in_grh: unused
 * @in: the MAD
 * @out: the reply, if there is one
 * @out_mad_size: its size
 * @out_mad_pkey_index: unused
 *
 * Return: IB_MAD_RESULT_SUCCESS | IB_MAD_RESULT_REPLY with a reply in
 * @out, IB_MAD_RESULT_SUCCESS | IB_MAD_RESULT_CONSUMED for a TrapRepress,
 * or IB_MAD_RESULT_SUCCESS to let ib_mad pass the MAD on.
 */
int softib_process_mad(struct ib_device *ibdev, int mad_flags, u32 port_num,
		       const struct ib_wc *in_wc, const struct ib_grh *in_grh,
		       const struct ib_mad *in, struct ib_mad *out,
		       size_t *out_mad_size, u16 *out_mad_pkey_index)
{
	struct softib_dev *sdev = softib_from_ibdev(ibdev);
	struct softib_sma_req req = {
		.in = (const struct ib_smp *)in,
		.out = (struct ib_smp *)out,
		.port = &sdev->ports[port_num - 1],
	};
	u16 status = IB_MGMT_MAD_STATUS_UNSUPPORTED_METHOD;

	if (!softib_sma_mine(req.in))
		return IB_MAD_RESULT_SUCCESS;
	/* the SMA sends no traps, so it has none to stop repeating */
	if (req.in->method == IB_MGMT_METHOD_TRAP_REPRESS)
		return IB_MAD_RESULT_SUCCESS | IB_MAD_RESULT_CONSUMED;
	atomic64_inc(&req.port->stats.smps);
	memcpy(out, in, sizeof(*out));
	if (req.in->base_version != IB_MGMT_BASE_VERSION ||
	    req.in->class_version != SOFTIB_SMP_CLASS_VERSION)
		status = IB_MGMT_MAD_STATUS_BAD_VERSION;
	else if (req.in->method == IB_MGMT_METHOD_GET ||
		 req.in->method == IB_MGMT_METHOD_SET)
		status = softib_sma_answer(&req);
	req.out->method = IB_MGMT_METHOD_GET_RESP;
	req.out->status = cpu_to_be16(status);
	if (req.in->mgmt_class == IB_MGMT_CLASS_SUBN_DIRECTED_ROUTE)
		req.out->status |= IB_SMP_DIRECTION;
	*out_mad_size = sizeof(*out);
	if (req.target)
		softib_port_raise(req.target, req.events);
	return IB_MAD_RESULT_SUCCESS | IB_MAD_RESULT_REPLY;
}

/**
 * softib_sma_init_port - the SMA settings of a new port
 * @port: the port, before its device registers
 */
void softib_sma_init_port(struct softib_port *port)
{
	struct softib_sma_port *sma = &port->sma;

	sma->width_enabled = SOFTIB_SMA_WIDTHS;
	sma->speed_enabled = SOFTIB_SMA_SPEEDS;
	sma->ext_speed_enabled = SOFTIB_SMA_EXT_SPEEDS;
	sma->link_down_default = IB_PORT_PHYS_STATE_POLLING;
	sma->op_vls_enforce = SOFTIB_SMA_VL_CAP << 4;
}
