// SPDX-License-Identifier: GPL-2.0
/*
 * The Subnet Management Agent of the softib switch.
 *
 * smp.c hands it each SMP that ends at the switch, directed-route or
 * LID-routed to port 0's LID, and sends the reply back.  It answers Get
 * for NodeDescription, NodeInfo (a switch of SOFTIB_SW_PORTS ports),
 * SwitchInfo, GUIDInfo and PortInfo of every port, port 0 (the
 * management port) included; Get and Set for PortInfo (port 0's LID and
 * SM LID, every port's PortState, PortPhysicalState and NeighborMTU),
 * SwitchInfo (LinearFDBTop, MulticastFDBTop, LifeTimeValue, clearing
 * PortStateChange), the LinearForwardingTable, the
 * MulticastForwardingTable, port 0's PKeyTable and the SLtoVL tables
 * (every SL on VL0, the only data VL).  The switch does no partition
 * enforcement and no VL arbitration, and says so (PartitionEnforcementCap
 * 0, VLArb caps 0).  Under the embedded SM it answers SMInfo Get for
 * the SM.  Other attributes and methods get the status a CA's
 * SMA gives (sma.c).  Everything runs under softib_sw_lock.
 *
 * Context: the QP0 send work of the port the SMP came from, under
 * rcu_read_lock().
 */
#include <linux/unaligned.h>

#include <rdma/ib_mad.h>
#include <rdma/ib_smi.h>

#include "softib.h"

#define SOFTIB_SW_DEVICE_ID	2
#define SOFTIB_SW_LFT_BLOCK	64	/* LFT entries per block */
#define SOFTIB_SW_MFT_BLOCK	32	/* MLIDs per MFT block */
#define SOFTIB_SW_SL2VL_BYTES	8	/* 16 SLs, a VL in 4 bits each */

/* SwitchInfo (IBA 14.2.5.4): the bytes softib fills in */
struct softib_sw_info {
	__be16 lft_cap;
	__be16 rft_cap;
	__be16 mft_cap;
	__be16 lft_top;
	u8 def_port;
	u8 def_mc_prim;
	u8 def_mc_not_prim;
	u8 life_state;		/* LifeTimeValue:5, PortStateChange:1, :2 */
	__be16 lids_per_port;
	__be16 part_enf_cap;
	u8 enforce;		/* ..., EnhancedPort0:1 (bit 3), :3 */
	u8 resv;
	__be16 mft_top;
} __packed;

#define SOFTIB_SW_STATE_CHANGE	0x04	/* in life_state */

/* Answers Get, or checks and applies Set, for one attribute */
typedef u16 (*softib_sw_fn)(struct ib_smp *smp, u8 in_port, bool set);

static u16 softib_sw_node_desc(struct ib_smp *smp, u8 in_port, bool set)
{
	strscpy((char *)smp->data, SOFTIB_SW_DESC, IB_SMP_DATA_SIZE);
	return 0;
}

/**
 * softib_switch_node_info - the switch's NodeInfo
 * @ni: filled in; the caller zeroed it
 * @in_port: the port the question came in on (LocalPortNum)
 *
 * The SMA's answer, and the SA's NodeRecord (sa_table.c).
 */
void softib_switch_node_info(struct ib_node_info *ni, u8 in_port)
{
	ni->base_version = IB_MGMT_BASE_VERSION;
	ni->class_version = SOFTIB_SMP_CLASS_VERSION;
	ni->node_type = RDMA_NODE_IB_SWITCH;
	ni->num_ports = SOFTIB_SW_PORTS;
	ni->sys_guid = cpu_to_be64(SOFTIB_SW_GUID);
	ni->node_guid = cpu_to_be64(SOFTIB_SW_GUID);
	ni->port_guid = cpu_to_be64(SOFTIB_SW_GUID);
	ni->partition_cap = cpu_to_be16(SOFTIB_NPKEYS);
	ni->device_id = cpu_to_be16(SOFTIB_SW_DEVICE_ID);
	ni->revision = cpu_to_be32(1);
	ni->local_port_num = in_port;
	put_unaligned_be24(SOFTIB_VENDOR_ID, ni->vendor_id);
}

static u16 softib_sw_node_info(struct ib_smp *smp, u8 in_port, bool set)
{
	softib_switch_node_info((void *)smp->data, in_port);
	return 0;
}

static u16 softib_sw_guid_info(struct ib_smp *smp, u8 in_port, bool set)
{
	__be64 *guids = (void *)smp->data;

	if (be32_to_cpu(smp->attr_mod))
		return IB_MGMT_MAD_STATUS_INVALID_ATTRIB_VALUE;
	guids[0] = cpu_to_be64(SOFTIB_SW_GUID);
	return 0;
}

static u16 softib_sw_info_set(const struct softib_sw_info *in)
{
	struct softib_switch *sw = &softib_sw;
	u16 top = be16_to_cpu(in->lft_top);

	if (top >= SOFTIB_SW_LFT_CAP)
		return IB_MGMT_MAD_STATUS_INVALID_ATTRIB_VALUE;
	sw->lft_top = top;
	sw->mft_top = be16_to_cpu(in->mft_top);
	sw->life_time = in->life_state >> 3;
	/* PortStateChange is cleared by writing 1 */
	if (in->life_state & SOFTIB_SW_STATE_CHANGE)
		sw->state_change = false;
	return 0;
}

static u16 softib_sw_info(struct ib_smp *smp, u8 in_port, bool set)
{
	struct softib_sw_info *si = (void *)smp->data;
	struct softib_switch *sw = &softib_sw;
	struct softib_sw_info in = *si;
	u16 status = set ? softib_sw_info_set(&in) : 0;

	memset(si, 0, sizeof(*si));
	si->lft_cap = cpu_to_be16(SOFTIB_SW_LFT_CAP);
	si->mft_cap = cpu_to_be16(SOFTIB_SW_MFT_CAP);
	si->lft_top = cpu_to_be16(sw->lft_top);
	si->def_mc_prim = SOFTIB_SW_NO_PORT;
	si->def_mc_not_prim = SOFTIB_SW_NO_PORT;
	si->life_state = sw->life_time << 3 |
			 (sw->state_change ? SOFTIB_SW_STATE_CHANGE : 0);
	si->lids_per_port = cpu_to_be16(1);
	si->mft_top = cpu_to_be16(sw->mft_top);
	return status;
}

/* The physical state of a switch port, as its PortInfo reports it */
static u8 softib_sw_phys(u32 n)
{
	struct softib_sw_port *sp = &softib_sw.ports[n];

	if (!sp->phys_up)
		return IB_PORT_PHYS_STATE_DISABLED;
	if (n && !softib_switch_peer(n))
		return IB_PORT_PHYS_STATE_POLLING;
	return IB_PORT_PHYS_STATE_LINK_UP;
}

static void softib_sw_port_info_get(struct ib_smp *smp, u32 n, u8 in_port)
{
	struct ib_port_info *pi = (void *)smp->data;
	struct softib_sw_port *sp = &softib_sw.ports[n];
	u8 phys = softib_sw_phys(n);
	u8 state = phys == IB_PORT_PHYS_STATE_LINK_UP ? sp->state :
						       IB_PORT_DOWN;

	pi->gid_prefix = cpu_to_be64(SOFTIB_GID_PREFIX);
	pi->cap_mask = cpu_to_be32(IB_PORT_EXTENDED_SPEEDS_SUP);
	if (!n) {
		pi->lid = cpu_to_be16(softib_sw.lid);
		pi->sm_lid = cpu_to_be16(softib_sw.sm_lid);
	}
	pi->local_port_num = in_port;
	pi->link_width_enabled = SOFTIB_SMA_WIDTHS;
	pi->link_width_supported = SOFTIB_SMA_WIDTHS;
	pi->link_width_active = SOFTIB_SMA_WIDTH_4X;
	pi->linkspeed_portstate = SOFTIB_SMA_SPEEDS << 4 | state;
	pi->portphysstate_linkdown = phys << 4 | IB_PORT_PHYS_STATE_POLLING;
	pi->linkspeedactive_enabled = SOFTIB_SMA_SPEED_QDR << 4 |
				      SOFTIB_SMA_SPEEDS;
	smp->data[SOFTIB_PI_EXT_SPEED] = SOFTIB_SMA_EXT_EDR << 4 |
					 SOFTIB_SMA_EXT_SPEEDS;
	smp->data[SOFTIB_PI_EXT_ENABLED] = SOFTIB_SMA_EXT_SPEEDS;
	pi->neighbormtu_mastersmsl = (n ? sp->mtu : IB_MTU_4096) << 4;
	pi->vlcap_inittype = SOFTIB_SMA_VL_CAP << 4;
	pi->inittypereply_mtucap = IB_MTU_4096;
	pi->operationalvl_pei_peo_fpi_fpo = SOFTIB_SMA_VL_CAP << 4;
	pi->guid_cap = n ? 0 : 1;
	pi->resv_resptimevalue = SOFTIB_SMA_RESP_TIME;
}

/* Check a PortInfo Set of switch port @n whole; returns a MAD status. */
static u16 softib_sw_port_info_check(const struct ib_port_info *pi, u32 n)
{
	struct softib_sw_port *sp = &softib_sw.ports[n];
	u8 phys = pi->portphysstate_linkdown >> 4;
	u8 mtu = pi->neighbormtu_mastersmsl >> 4;
	u16 lid = be16_to_cpu(pi->lid);
	u16 sm_lid = be16_to_cpu(pi->sm_lid);
	bool ok;

	ok = softib_sma_state_ok(sp->state, pi->linkspeed_portstate & 0xf) &&
	     (!phys || phys == IB_PORT_PHYS_STATE_POLLING ||
	      (n && phys == IB_PORT_PHYS_STATE_DISABLED)) &&
	     (!n || (mtu >= IB_MTU_256 && mtu <= IB_MTU_4096)) &&
	     (pi->operationalvl_pei_peo_fpi_fpo >> 4) <= SOFTIB_SMA_VL_CAP;
	if (!n)
		ok = ok && lid >= SOFTIB_SM_LID && lid <= SOFTIB_LAST_LID &&
		     sm_lid >= SOFTIB_SM_LID && sm_lid <= SOFTIB_LAST_LID &&
		     !(pi->mkeyprot_resv_lmc & 0x7);
	return ok ? 0 : IB_MGMT_MAD_STATUS_INVALID_ATTRIB_VALUE;
}

static void softib_sw_port_info_apply(const struct ib_port_info *pi, u32 n)
{
	struct softib_switch *sw = &softib_sw;
	struct softib_sw_port *sp = &sw->ports[n];
	u8 phys = pi->portphysstate_linkdown >> 4;
	u8 state = pi->linkspeed_portstate & 0xf;

	if (!n) {
		WRITE_ONCE(sw->lid, be16_to_cpu(pi->lid));
		sw->sm_lid = be16_to_cpu(pi->sm_lid);
		return;
	}
	if (phys)
		WRITE_ONCE(sp->phys_up, phys == IB_PORT_PHYS_STATE_POLLING);
	if (state == IB_PORT_DOWN)
		state = IB_PORT_INIT;	/* the link bounces and trains */
	if (state && state != sp->state) {
		sp->state = state;
		sw->state_change = true;
	}
	sp->mtu = pi->neighbormtu_mastersmsl >> 4;
}

static u16 softib_sw_port_info(struct ib_smp *smp, u8 in_port, bool set)
{
	u32 n = be32_to_cpu(smp->attr_mod) & SOFTIB_PI_MOD_PORT;
	u16 status = 0;

	if (n > SOFTIB_SW_PORTS)
		return IB_MGMT_MAD_STATUS_INVALID_ATTRIB_VALUE;
	if (set) {
		status = softib_sw_port_info_check((void *)smp->data, n);
		if (!status)
			softib_sw_port_info_apply((void *)smp->data, n);
	}
	memset(smp->data, 0, IB_SMP_DATA_SIZE);
	softib_sw_port_info_get(smp, n, in_port);
	return status;
}

static u16 softib_sw_lft(struct ib_smp *smp, u8 in_port, bool set)
{
	u32 block = be32_to_cpu(smp->attr_mod);
	u8 *lft = softib_sw.lft + block * SOFTIB_SW_LFT_BLOCK;
	int i;

	if (block >= SOFTIB_SW_LFT_CAP / SOFTIB_SW_LFT_BLOCK)
		return IB_MGMT_MAD_STATUS_INVALID_ATTRIB_VALUE;
	if (set) {
		for (i = 0; i < SOFTIB_SW_LFT_BLOCK; i++)
			if (smp->data[i] > SOFTIB_SW_PORTS &&
			    smp->data[i] != SOFTIB_SW_NO_PORT)
				return IB_MGMT_MAD_STATUS_INVALID_ATTRIB_VALUE;
		for (i = 0; i < SOFTIB_SW_LFT_BLOCK; i++)
			WRITE_ONCE(lft[i], smp->data[i]);
	}
	memcpy(smp->data, lft, SOFTIB_SW_LFT_BLOCK);
	return 0;
}

/* MFT: modifier bits 31:28 the position (16 ports each), 8:0 the block */
static u16 softib_sw_mft(struct ib_smp *smp, u8 in_port, bool set)
{
	u32 mod = be32_to_cpu(smp->attr_mod);
	u32 pos = mod >> 28, block = mod & 0x1ff, i;
	__be16 *masks = (void *)smp->data;
	u16 (*mft)[SOFTIB_SW_MFT_POSITIONS];

	if (pos >= SOFTIB_SW_MFT_POSITIONS || (mod & 0x0ffffe00) ||
	    block >= SOFTIB_SW_MFT_CAP / SOFTIB_SW_MFT_BLOCK)
		return IB_MGMT_MAD_STATUS_INVALID_ATTRIB_VALUE;
	mft = softib_sw.mft + block * SOFTIB_SW_MFT_BLOCK;
	for (i = 0; i < SOFTIB_SW_MFT_BLOCK; i++) {
		if (set)
			WRITE_ONCE(mft[i][pos], be16_to_cpu(masks[i]));
		masks[i] = cpu_to_be16(mft[i][pos]);
	}
	return 0;
}

/* Only port 0 has a P_Key table: the switch enforces no partitions. */
static u16 softib_sw_pkeys(struct ib_smp *smp, u8 in_port, bool set)
{
	__be16 *pkeys = (void *)smp->data;
	int i;

	if (be32_to_cpu(smp->attr_mod))
		return IB_MGMT_MAD_STATUS_INVALID_ATTRIB_VALUE;
	for (i = 0; i < SOFTIB_NPKEYS; i++) {
		if (set)
			softib_sw.pkeys[i] = be16_to_cpu(pkeys[i]);
		pkeys[i] = cpu_to_be16(softib_sw.pkeys[i]);
	}
	memset(pkeys + SOFTIB_NPKEYS, 0,
	       IB_SMP_DATA_SIZE - SOFTIB_NPKEYS * sizeof(*pkeys));
	return 0;
}

/* SMInfo (IBA 14.2.5.13) */
struct softib_sw_sm_info {
	__be64 guid;
	__be64 sm_key;
	__be32 act_count;
	u8 prio_state;		/* Priority:4, SMState:4 */
} __packed;

#define SOFTIB_SM_STATE_MASTER	3

/*
 * The embedded SM lives in the switch, as a managed switch's SM does: at
 * LID 1, with the switch's GUID.  SM_Key reads 0 (no key is checked), the
 * activity count is the SA's.  Under an external SM the switch runs none
 * and SMInfo is unsupported here.
 */
static u16 softib_sw_sm_info(struct ib_smp *smp, u8 in_port, bool set)
{
	struct softib_sw_sm_info *si = (void *)smp->data;

	if (!softib_sm_embedded())
		return IB_MGMT_MAD_STATUS_UNSUPPORTED_METHOD_ATTRIB;
	si->guid = cpu_to_be64(SOFTIB_SW_GUID);
	si->act_count = cpu_to_be32(softib_sa_activity());
	si->prio_state = SOFTIB_SM_STATE_MASTER;
	return 0;
}

/* Every SL goes on VL0: a Set must say so. */
static u16 softib_sw_sl2vl(struct ib_smp *smp, u8 in_port, bool set)
{
	int i;

	for (i = 0; set && i < SOFTIB_SW_SL2VL_BYTES; i++)
		if (smp->data[i])
			return IB_MGMT_MAD_STATUS_INVALID_ATTRIB_VALUE;
	memset(smp->data, 0, IB_SMP_DATA_SIZE);
	return 0;
}

/**
 * struct softib_sw_attr - how the switch's SMA serves one attribute
 * @id: AttributeID
 * @fn: answers it
 * @settable: Set is supported
 */
struct softib_sw_attr {
	__be16 id;
	softib_sw_fn fn;
	bool settable;
};

static const struct softib_sw_attr softib_sw_attrs[] = {
	{ IB_SMP_ATTR_NODE_DESC, softib_sw_node_desc, false },
	{ IB_SMP_ATTR_NODE_INFO, softib_sw_node_info, false },
	{ IB_SMP_ATTR_SWITCH_INFO, softib_sw_info, true },
	{ IB_SMP_ATTR_GUID_INFO, softib_sw_guid_info, false },
	{ IB_SMP_ATTR_PORT_INFO, softib_sw_port_info, true },
	{ IB_SMP_ATTR_PKEY_TABLE, softib_sw_pkeys, true },
	{ IB_SMP_ATTR_SL_TO_VL_TABLE, softib_sw_sl2vl, true },
	{ IB_SMP_ATTR_LINEAR_FORWARD_TABLE, softib_sw_lft, true },
	{ IB_SMP_ATTR_MCAST_FORWARD_TABLE, softib_sw_mft, true },
	{ IB_SMP_ATTR_SM_INFO, softib_sw_sm_info, false },
};

static u16 softib_sw_answer(struct ib_smp *smp, u8 in_port)
{
	bool set = smp->method == IB_MGMT_METHOD_SET;
	const struct softib_sw_attr *attr = NULL;
	u16 status;
	int i;

	for (i = 0; i < ARRAY_SIZE(softib_sw_attrs); i++)
		if (softib_sw_attrs[i].id == smp->attr_id)
			attr = &softib_sw_attrs[i];
	if (!attr || (set && !attr->settable))
		return IB_MGMT_MAD_STATUS_UNSUPPORTED_METHOD_ATTRIB;
	/* a Get's reply holds the attribute alone; a Set reads its data first */
	if (!set)
		memset(smp->data, 0, IB_SMP_DATA_SIZE);
	spin_lock(&softib_sw_lock);
	status = attr->fn(smp, in_port, set);
	spin_unlock(&softib_sw_lock);
	return status;
}

/**
 * softib_switch_sma - answer an SMP that ends at the switch
 * @smp: the SMP, turned into the reply
 * @in_port: the switch port it arrived on
 *
 * Return: true if @smp is now a reply to send back, false if the SMP
 * calls for none (a response, a trap, or a TrapRepress).
 */
bool softib_switch_sma(struct ib_smp *smp, u8 in_port)
{
	u16 status = IB_MGMT_MAD_STATUS_UNSUPPORTED_METHOD;

	if (smp->method & IB_MGMT_METHOD_RESP ||
	    smp->method == IB_MGMT_METHOD_TRAP ||
	    smp->method == IB_MGMT_METHOD_TRAP_REPRESS)
		return false;
	if (smp->base_version != IB_MGMT_BASE_VERSION ||
	    smp->class_version != SOFTIB_SMP_CLASS_VERSION)
		status = IB_MGMT_MAD_STATUS_BAD_VERSION;
	else if (smp->method == IB_MGMT_METHOD_GET ||
		 smp->method == IB_MGMT_METHOD_SET)
		status = softib_sw_answer(smp, in_port);
	smp->method = IB_MGMT_METHOD_GET_RESP;
	smp->status = cpu_to_be16(status);
	if (smp->mgmt_class == IB_MGMT_CLASS_SUBN_DIRECTED_ROUTE)
		smp->status |= IB_SMP_DIRECTION;
	return true;
}
