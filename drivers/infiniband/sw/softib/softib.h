/* SPDX-License-Identifier: GPL-2.0 */
/*
 * softib - a software InfiniBand fabric for tests.
 *
 * Object model: a bus device (struct softib_bus_dev, created through
 * /sys/bus/softib/new_device) owns one rdmavt device (struct softib_dev)
 * whose ports (struct softib_port) all sit on one virtual subnet
 * (fabric.c).  The subnet has an embedded Subnet Administrator (sa.c)
 * keeping a multicast group table (mcast.c).  Packets move between QPs
 * through per-QP send work (ud.c); nothing is delivered in the context of
 * the poster.  Every port is cabled to one switch (switch.c), which
 * forwards by its LFT.  Each port, and the switch, has a Subnet
 * Management Agent (sma.c, switch_sma.c) that answers the SMPs (smp.c
 * carries them) a subnet manager sends.
 * debugfs.c shows the ground truth and holds fault knobs.
 */
#ifndef _SOFTIB_H
#define _SOFTIB_H

#include <linux/capability.h>
#include <linux/device.h>
#include <linux/list.h>
#include <linux/workqueue.h>
#include <rdma/ib_verbs.h>
#include <rdma/rdma_vt.h>
#include <rdma/rdmavt_qp.h>

#define SOFTIB_NAME		"softib"
#define SOFTIB_MAX_ID		0xffff
#define SOFTIB_MAX_PORTS	4
#define SOFTIB_NPKEYS		16
#define SOFTIB_DEFAULT_PKEY	0xffff
#define SOFTIB_SM_LID		1	/* the embedded SM's */
#define SOFTIB_FIRST_LID	2	/* the first the embedded SM gives out */
#define SOFTIB_LAST_LID		0xbfff
#define SOFTIB_FIRST_MLID	0xc000
#define SOFTIB_LAST_MLID	0xfffe
#define SOFTIB_GID_PREFIX	0xfe80000000000000ULL
#define SOFTIB_GUID_BASE	0x02005e0000000000ULL
/*
 * The first three bytes of every softib GUID, reported as the vendor ID:
 * a locally administered value (bit 0x02 of the first byte set), which
 * the IEEE never assigns as an OUI or CID, so it names no real vendor.
 */
#define SOFTIB_VENDOR_ID	((u32)(SOFTIB_GUID_BASE >> 40))
#define SOFTIB_IPOIB_QKEY	0x0000000b
#define SOFTIB_GRH_NEXT_HDR	0x1b
#define SOFTIB_MAX_PAYLOAD	4096
/* IB_WR_LSO: the longest header, and payload, of one send (offload.c) */
#define SOFTIB_LSO_MAX_HDR	128
#define SOFTIB_LSO_MAX_PAYLOAD	65536

/* The IPoIB offloads a device has (offload.c); both unless new_device says */
#define SOFTIB_OFFLOAD_CSUM	BIT(0)
#define SOFTIB_OFFLOAD_TSO	BIT(1)
#define SOFTIB_OFFLOADS_ALL	(SOFTIB_OFFLOAD_CSUM | SOFTIB_OFFLOAD_TSO)

/**
 * struct softib_port_stats - per-port counters shown in debugfs
 * @tx_packets: packets that left the port
 * @rx_packets: packets placed in a receive queue of the port
 * @tx_drops: sends dropped (port down, no route, injected loss)
 * @rx_drops: packets refused at the port (no buffer, key mismatch)
 * @sa_mads: MADs the SA received from the port
 * @bad_csum: IPv4 TCP/UDP packets sent with a wrong checksum
 * @lso_sends: IB_WR_LSO sends cut into packets
 * @smps: SMPs the port's SMA answered
 */
struct softib_port_stats {
	atomic64_t tx_packets;
	atomic64_t rx_packets;
	atomic64_t tx_drops;
	atomic64_t rx_drops;
	atomic64_t sa_mads;
	atomic64_t bad_csum;
	atomic64_t lso_sends;
	atomic64_t smps;
};

/* VLArbitration table blocks (IBA 14.2.5.9): low 0-31, 32-63, high 0-31, 32-63 */
#define SOFTIB_VLARB_BLOCKS	4
#define SOFTIB_VLARB_BYTES	64

/**
 * struct softib_sma_port - what a subnet manager set that the port keeps
 * @mkey: M_Key (kept and reported; softib does not enforce it)
 * @mkey_lease: M_KeyLeasePeriod
 * @mkey_prot: M_KeyProtectBits
 * @width_enabled: LinkWidthEnabled
 * @speed_enabled: LinkSpeedEnabled
 * @ext_speed_enabled: LinkSpeedExtEnabled
 * @link_down_default: LinkDownDefaultState
 * @vl_high_limit: VLHighLimit
 * @op_vls_enforce: OperationalVLs and the four P_Key enforcement bits
 * @stall_hoq: VLStallCount and HOQLife
 * @error_thresholds: LocalPhyErrors and OverrunErrors thresholds
 * @sl2vl: SLtoVLMappingTable
 * @vlarb: VLArbitrationTable blocks
 *
 * The fields that change what the port does (LID, SM LID and SL, state,
 * NeighborMTU, SubnetTimeOut) live in struct softib_port and rdmavt's
 * port instead.
 */
struct softib_sma_port {
	u64 mkey;
	u16 mkey_lease;
	u8 mkey_prot;
	u8 width_enabled;
	u8 speed_enabled;
	u8 ext_speed_enabled;
	u8 link_down_default;
	u8 vl_high_limit;
	u8 op_vls_enforce;
	u8 stall_hoq;
	u8 error_thresholds;
	u8 sl2vl[8];
	u8 vlarb[SOFTIB_VLARB_BLOCKS][SOFTIB_VLARB_BYTES];
};

/* ClassVersion of the subnet management class */
#define SOFTIB_SMP_CLASS_VERSION	1

/* PortInfo values of every softib port, the switch's included (sma.c) */
#define SOFTIB_SMA_WIDTHS	0x03	/* 1X, 4X */
#define SOFTIB_SMA_WIDTH_4X	0x02
#define SOFTIB_SMA_SPEEDS	0x07	/* SDR, DDR, QDR */
#define SOFTIB_SMA_SPEED_QDR	0x04
#define SOFTIB_SMA_EXT_SPEEDS	0x03	/* FDR, EDR */
#define SOFTIB_SMA_EXT_EDR	0x02
#define SOFTIB_SMA_VL_CAP	1	/* VL0 */
#define SOFTIB_SMA_RESP_TIME	16

/* The bytes of PortInfo after struct ib_port_info (IBA 14.2.5.6) */
#define SOFTIB_PI_EXT_SPEED	62	/* ExtActive:4, ExtSupported:4 */
#define SOFTIB_PI_EXT_ENABLED	63	/* reserved:3, ExtEnabled:5 */

/* PortInfo's attribute modifier: the port number, and a Set flag */
#define SOFTIB_PI_MOD_PORT		0xff
#define SOFTIB_PI_MOD_EXT_SPEEDS	BIT(31)	/* apply LinkSpeedExtEnabled */

/* The switch (switch.c): external ports, and the LFT and MFT capacities */
#define SOFTIB_SW_PORTS		128
#define SOFTIB_SW_NO_PORT	0xff
#define SOFTIB_SW_LFT_CAP	(SOFTIB_LAST_LID + 1)
#define SOFTIB_SW_MFT_CAP	(SOFTIB_LAST_MLID + 2 - SOFTIB_FIRST_MLID)
#define SOFTIB_SW_MFT_POSITIONS	DIV_ROUND_UP(SOFTIB_SW_PORTS + 1, 16)
#define SOFTIB_SW_GUID		(SOFTIB_GUID_BASE | 0xff000000ULL)
#define SOFTIB_SW_DESC		"softib switch"
#define SOFTIB_SW_LIFE_TIME	18	/* LifeTimeValue: 4.096 us * 2^18, 1 s */

struct dentry;
struct ib_node_info;
struct softib_port;
struct ib_smp;

/**
 * struct softib_sw_port - one port of the switch
 * @peer: the softib port cabled to it (RCU), NULL if none; port 0 has none
 * @phys_up: its end of the link is enabled
 * @state: its logical state, as the SM moved it
 * @mtu: NeighborMTU as the SM set it
 */
struct softib_sw_port {
	struct softib_port __rcu *peer;
	bool phys_up;
	enum ib_port_state state;
	enum ib_mtu mtu;
};

/**
 * struct softib_switch - the switch of the subnet (switch.c)
 * @lft: linear forwarding table, out port per DLID
 * @mft: multicast forwarding table, port masks per MLID from
 *	SOFTIB_FIRST_MLID, 16 ports per position
 * @lft_top: LinearFDBTop
 * @mft_top: MulticastFDBTop
 * @lid: LID of port 0
 * @sm_lid: the SM's LID, as the SM set it
 * @life_time: LifeTimeValue
 * @state_change: PortStateChange: a port changed state since the SM
 *	last cleared it
 * @pkeys: P_Key table of port 0
 * @ports: port 0, the management port, and the external ports
 *
 * Written under softib_sw_lock; see switch.c.
 */
struct softib_switch {
	u8 *lft;
	u16 (*mft)[SOFTIB_SW_MFT_POSITIONS];
	u16 lft_top;
	u16 mft_top;
	u32 lid;
	u32 sm_lid;
	u8 life_time;
	bool state_change;
	u16 pkeys[SOFTIB_NPKEYS];
	struct softib_sw_port ports[SOFTIB_SW_PORTS + 1];
};

extern spinlock_t softib_sw_lock;
extern struct softib_switch softib_sw;

/**
 * struct softib_port - one port of a softib device
 * @rvp: rdmavt's per-port state; rdmavt keeps a pointer to it
 * @sdev: the owning device
 * @num: port number, 1-based
 * @lid: LID on the virtual subnet, 0 until one is assigned
 * @sw_port: the switch port it is cabled to, 0 while it is not
 * @guid: port GUID
 * @phys_up: the physical link is enabled (the link knob, or an SM setting
 *	PortPhysicalState)
 * @state: IB_PORT_DOWN while the link is disabled, else IB_PORT_INIT,
 *	IB_PORT_ARMED or IB_PORT_ACTIVE, as the subnet manager moved it
 * @epoch: a subnet-wide unique number, new when the port is created and
 *	each time it leaves ACTIVE; a request the SA got in an earlier epoch
 *	is stale (see struct softib_port_ref)
 * @mtu: the largest MTU the port can do (enum ib_mtu; the mtu knob)
 * @neigh_mtu: NeighborMTU as the SM set it; the port uses the smaller
 *	of the two (softib_port_mtu())
 * @pkeys: P_Key table handed to rdmavt, index 0 is the default P_Key
 * @sma: the rest of what the SM set (sma.c)
 * @stats: counters
 */
struct softib_port {
	struct rvt_ibport rvp;
	struct softib_dev *sdev;
	u32 num;
	u32 lid;
	u8 sw_port;
	u64 guid;
	bool phys_up;
	enum ib_port_state state;
	u32 epoch;
	enum ib_mtu mtu;
	enum ib_mtu neigh_mtu;
	u16 pkeys[SOFTIB_NPKEYS];
	struct softib_sma_port sma;
	struct softib_port_stats stats;
};

/**
 * struct softib_port_ref - a port as it was when it sent a request
 * @gid: its port GID
 * @lid: its LID
 * @epoch: its epoch then
 *
 * The SA handles requests later, and in the meantime the port may have
 * gone down (and come back) or been deleted, its LID and even its GUID
 * reused by a new device.  The reference is live only while the port at
 * @lid has @gid, is ACTIVE and is still in @epoch.
 */
struct softib_port_ref {
	union ib_gid gid;
	u32 lid;
	u32 epoch;
};

/**
 * struct softib_dev - a softib InfiniBand device
 * @rdi: rdmavt device; must stay first (it embeds the ib_device)
 * @bdev: the bus device this InfiniBand device hangs under
 * @id: the ID the test chose
 * @nports: number of ports
 * @offloads: SOFTIB_OFFLOAD_* the device has, fixed at creation
 * @qpt_live: rdmavt's QP table exists and packets may be routed through
 *	it: set after registration, cleared before unregistration, read
 *	under RCU (softib_fabric_qp())
 * @port_lock: serialises changes to the ports' state, LID, MTU, P_Keys
 *	and SMA settings
 * @ports: the ports
 */
struct softib_dev {
	struct rvt_dev_info rdi;
	struct softib_bus_dev *bdev;
	u32 id;
	u32 nports;
	u32 offloads;
	bool qpt_live;
	/*
	 * Serialises writers of phys_up, state, lid, mtu, neigh_mtu, pkeys and
	 * sma of every port of this device, and of rdmavt's sm_lid, sm_sl and
	 * subnet_timeout; the packet engine reads them with READ_ONCE().
	 */
	struct mutex port_lock;
	struct softib_port ports[] __counted_by(nports);
};

/**
 * struct softib_bus_dev - the device on the softib bus
 * @dev: driver-model device, /sys/bus/softib/devices/softib<ID>
 * @id: the ID the test chose
 * @offloads: the SOFTIB_OFFLOAD_* its device has
 * @sdev: the InfiniBand device
 * @list: entry in the bus's device list
 * @dying: being deleted; only its deleter may touch @sdev
 */
struct softib_bus_dev {
	struct device dev;
	u32 id;
	u32 offloads;
	struct softib_dev *sdev;
	struct list_head list;
	bool dying;
};

/**
 * struct softib_lso - an IB_WR_LSO send being cut into packets (offload.c)
 * @hdr: the header every packet starts with, as the send gave it
 * @hlen: its length
 * @mss: most payload bytes per packet
 * @plen: payload length of the whole send
 * @nsegs: packets it makes
 * @csum: compute the TCP checksum of each packet
 */
struct softib_lso {
	u8 hdr[SOFTIB_LSO_MAX_HDR];
	u32 hlen;
	u32 mss;
	u32 plen;
	u32 nsegs;
	bool csum;
};

/**
 * struct softib_qp_priv - softib's private part of an rdmavt QP
 * @qp: the QP
 * @send_work: drains the send queue in process context
 * @buf: bounce buffer the send work copies each payload into
 * @lso_buf: the payload of an IB_WR_LSO send (SOFTIB_LSO_MAX_PAYLOAD
 *	bytes); only a QP created with IB_QP_CREATE_IPOIB_UD_LSO has one,
 *	and only such a QP has offloads
 * @csum: IB_SEND_IP_CSUM is honoured (offloads, and the device has csum)
 * @lso: the LSO send in progress; used by the send work only
 */
struct softib_qp_priv {
	struct rvt_qp *qp;
	struct work_struct send_work;
	u8 *buf;
	u8 *lso_buf;
	bool csum;
	struct softib_lso lso;
};

/**
 * struct softib_pkt - a packet on its way to one receive queue
 * @data: payload (without GRH)
 * @len: payload length
 * @slid: source LID
 * @src_qpn: source QP number
 * @sl: service level
 * @pkey: P_Key the packet carries
 * @qkey: Q_Key the packet carries
 * @imm: immediate data, valid if @has_imm
 * @has_imm: the packet carries immediate data
 * @solicited: the sender asked for a solicited event
 * @has_grh: @grh precedes the payload
 * @csum_ok: the fabric computed the packet's IPv4 TCP/UDP checksum itself
 *	(IB_SEND_IP_CSUM), so receivers get IB_WC_IP_CSUM_OK
 * @grh: global route header synthesised for the receiver
 */
struct softib_pkt {
	const void *data;
	u32 len;
	u32 slid;
	u32 src_qpn;
	u8 sl;
	u16 pkey;
	u32 qkey;
	__be32 imm;
	bool has_imm;
	bool solicited;
	bool has_grh;
	bool csum_ok;
	struct ib_grh grh;
};

/**
 * struct softib_faults - fault injection knobs (debugfs)
 * @sa_fail_joins: fail this many of the next SA joins
 * @sa_drop_joins: silently drop this many of the next SA joins
 * @sa_delay_joins: delay this many of the next SA joins
 * @sa_delay_ms: by this many milliseconds
 * @sa_delay_leave_ms: delay every SA leave by this many milliseconds
 * @drop_rate: percentage of data packets lost
 * @qp_error_sends: this many of the next data sends (QPN > 1) fail with a
 *	local QP operation error that moves their QP to the error state
 * @stall_sends: while 1, the engine takes no data send of a QP in RTS
 * @fail_qp_creates: fail this many of the next QP creations with -ENOMEM
 */
struct softib_faults {
	atomic_t sa_fail_joins;
	atomic_t sa_drop_joins;
	atomic_t sa_delay_joins;
	u32 sa_delay_ms;
	u32 sa_delay_leave_ms;
	u32 drop_rate;
	atomic_t qp_error_sends;
	u32 stall_sends;
	atomic_t fail_qp_creates;
};

extern struct softib_faults softib_faults;

/* The longest SA delay sa_delay_ms and sa_delay_leave_ms take, in ms */
#define SOFTIB_MAX_DELAY_MS	60000

/**
 * softib_may_control - tell whether the writer may drive the fabric
 *
 * softib's fabric is global, so its control files need CAP_SYS_ADMIN in
 * the initial user namespace: root of a user namespace passes the file
 * modes (its fsuid is 0) but must not add devices or inject faults.
 *
 * Return: true if the current task may write softib's control files.
 */
static inline bool softib_may_control(void)
{
	return capable(CAP_SYS_ADMIN);
}

/**
 * softib_input_clean - tell whether control-file input is free of NUL bytes
 * @buf: what was written
 * @count: its length
 *
 * The parsers stop at a NUL byte, which would hide trailing garbage.
 *
 * Return: true if @buf holds no NUL byte.
 */
static inline bool softib_input_clean(const char *buf, size_t count)
{
	return !memchr(buf, '\0', count);
}

static inline struct softib_dev *softib_from_rdi(struct rvt_dev_info *rdi)
{
	return container_of(rdi, struct softib_dev, rdi);
}

static inline struct softib_dev *softib_from_ibdev(struct ib_device *ibdev)
{
	return softib_from_rdi(ib_to_rvt(ibdev));
}

static inline struct softib_port *softib_from_rvp(struct rvt_ibport *rvp)
{
	return container_of(rvp, struct softib_port, rvp);
}

static inline struct softib_port *softib_qp_port(struct rvt_qp *qp)
{
	return &softib_from_ibdev(qp->ibqp.device)->ports[qp->port_num - 1];
}

/**
 * softib_port_mtu - the MTU a port uses
 * @port: the port
 *
 * Return: the smaller of what the port can do and what its neighbour can.
 */
static inline enum ib_mtu softib_port_mtu(const struct softib_port *port)
{
	return min(READ_ONCE(port->mtu), READ_ONCE(port->neigh_mtu));
}

static inline void softib_port_gid(const struct softib_port *port,
				   union ib_gid *gid)
{
	gid->global.subnet_prefix = cpu_to_be64(SOFTIB_GID_PREFIX);
	gid->global.interface_id = cpu_to_be64(port->guid);
}

/* bus.c */
int softib_bus_for_each(int (*fn)(struct softib_dev *sdev, void *arg),
			void *arg);

/* dev.c */
struct softib_dev *softib_dev_create(struct softib_bus_dev *bdev, u32 nports,
				     u32 offloads);
void softib_dev_destroy(struct softib_dev *sdev);

/* port.c */
extern const struct attribute_group *softib_port_groups[];
void softib_port_init(struct softib_dev *sdev, struct softib_port *port,
		      u32 num);
int softib_port_query(struct rvt_dev_info *rdi, u32 port_num,
		      struct ib_port_attr *props);
int softib_port_guid(struct rvt_dev_info *rdi, struct rvt_ibport *rvp,
		     int guid_index, __be64 *guid);
int softib_port_shut_down(struct rvt_dev_info *rdi, u32 port_num);
void softib_port_announce(struct softib_dev *sdev);
void softib_port_raise(struct softib_port *port, u32 events);
u32 softib_port_set_phys(struct softib_port *port, bool up);
u32 softib_port_set_state(struct softib_port *port, enum ib_port_state state);
u32 softib_port_set_lid(struct softib_port *port, u32 lid);
int softib_pkey_index(const struct softib_port *port, u16 pkey);
bool softib_port_get_ref(struct softib_port *port, struct softib_port_ref *ref);
struct softib_port *softib_port_from_ref(const struct softib_port_ref *ref);
bool softib_port_ref_live(const struct softib_port_ref *ref);

/* sma.c */
int softib_process_mad(struct ib_device *ibdev, int mad_flags, u32 port_num,
		       const struct ib_wc *in_wc, const struct ib_grh *in_grh,
		       const struct ib_mad *in, struct ib_mad *out,
		       size_t *out_mad_size, u16 *out_mad_pkey_index);
void softib_sma_init_port(struct softib_port *port);
void softib_sma_fill_node_info(const struct softib_port *port,
			       struct ib_node_info *ni);
bool softib_sma_state_ok(enum ib_port_state have, u8 want);

/* smp.c */
void softib_smp_send(struct softib_port *port, const struct softib_pkt *pkt,
		     u32 dlid);

/* switch.c, switch_sma.c */
int softib_switch_init(void);
void softib_switch_exit(void);
void softib_switch_reset(bool embedded);
int softib_switch_cable(struct softib_port *port);
void softib_switch_uncable(struct softib_port *port);
void softib_switch_program(struct softib_port *port, u32 old, u32 lid);
void softib_switch_mft_write(u32 mlid, const u16 *row);
struct softib_port *softib_switch_mcast_next(struct softib_port *from,
					     u32 mlid, u32 *n);
struct softib_port *softib_switch_peer(u32 n);
struct softib_port *softib_switch_route(struct softib_port *from, u32 dlid);
struct softib_port *softib_switch_forward(struct softib_port *from, u32 dlid);
bool softib_switch_is_lid(u32 lid);
bool softib_switch_sma(struct ib_smp *smp, u8 in_port);
void softib_switch_node_info(struct ib_node_info *ni, u8 in_port);

/* verbs.c */
void softib_verbs_setup(struct softib_dev *sdev);

bool softib_offload_csum(u8 *buf, u32 len);
bool softib_offload_csum_bad(const void *buf, u32 len);
int softib_lso_check(const struct ib_ud_wr *wr, u32 len);
bool softib_lso_start(struct softib_lso *lso, const struct ib_ud_wr *wr,
		      u32 plen, bool csum);
u32 softib_lso_segment(const struct softib_lso *lso, const u8 *payload,
		       u32 i, u8 *out);

/* fabric.c */
extern bool softib_embedded_sm;

/* Does the embedded SM run the subnet, or an SM on one of its ports? */
static inline bool softib_sm_embedded(void)
{
	return READ_ONCE(softib_embedded_sm);
}

/* A unicast LID (IBA 4.1.3), whoever handed it out */
static inline bool softib_lid_unicast(u32 lid)
{
	return lid >= 1 && lid <= SOFTIB_LAST_LID;
}

void softib_fabric_set_sm(bool embedded);
int softib_fabric_add(struct softib_port *port);
void softib_fabric_del(struct softib_port *port);
int softib_fabric_move(struct softib_port *port, u32 lid);
struct softib_port *softib_fabric_port(u32 lid);
struct softib_port *softib_fabric_port_by_gid(const union ib_gid *gid);
struct softib_port *softib_fabric_next(unsigned long *lid);
struct rvt_qp *softib_fabric_qp(struct softib_port *port, u32 qpn);
int softib_fabric_alloc_mlid(void);
void softib_fabric_free_mlid(u32 mlid);
void softib_fabric_exit(void);

/* ud.c */
int softib_ud_init(void);
void softib_ud_exit(void);
bool softib_ud_schedule(struct rvt_qp *qp);
void softib_ud_stop(struct rvt_qp *qp);
void softib_ud_init_qp(struct softib_qp_priv *priv, struct rvt_qp *qp);
void softib_ud_deliver(struct rvt_qp *rqp, const struct softib_pkt *pkt);
void softib_ud_kick_all(void);
bool softib_pkey_match(u16 a, u16 b);

/* sa.c */
int softib_sa_init(void);
void softib_sa_exit(void);
void softib_sa_receive(struct softib_port *port, const void *mad, u32 len,
		       u16 pkey);
u32 softib_sa_activity(void);

/* mcast.c */
/**
 * struct softib_mc_rec - multicast group attributes, host byte order
 * @mgid: multicast GID
 * @mlid: multicast LID
 * @qkey: group Q_Key
 * @pkey: group P_Key
 * @mtu: group MTU (enum ib_mtu)
 * @rate: group rate (enum ib_rate)
 * @sl: service level
 * @tclass: traffic class
 * @flow_label: flow label
 * @hop_limit: hop limit
 * @scope: scope nibble
 * @plt: packet life time
 */
struct softib_mc_rec {
	union ib_gid mgid;
	u32 mlid;
	u32 qkey;
	u16 pkey;
	u8 mtu;
	u8 rate;
	u8 sl;
	u8 tclass;
	u32 flow_label;
	u8 hop_limit;
	u8 scope;
	u8 plt;
};

/* MCMemberRecord JoinState bits (IBA 15.2.5.17) */
#define SOFTIB_JOIN_FULL	0x1
#define SOFTIB_JOIN_NON		0x2
/* the members a group's packets are delivered to; send-only ones are not */
#define SOFTIB_JOIN_RECEIVE	(SOFTIB_JOIN_FULL | SOFTIB_JOIN_NON)

int softib_mc_init(void);
void softib_mc_exit(void);
int softib_mc_add_broadcast(u16 pkey);
int softib_mc_find(const union ib_gid *mgid, struct softib_mc_rec *rec);
int softib_mc_join(struct softib_mc_rec *rec, bool create,
		   const struct softib_port_ref *who, u8 *join_state);
int softib_mc_leave(const union ib_gid *mgid, const struct softib_port_ref *who,
		    u8 *join_state);
void softib_mc_port_gone(u32 lid);
void softib_mc_port_moved(u32 old, u32 lid);
bool softib_mc_mgid(u32 mlid, union ib_gid *mgid);
void softib_mc_show(struct seq_file *s);

/* Visits one group (@member NULL) or member; false ends the walk. */
typedef bool (*softib_mc_visit_fn)(void *arg, const struct softib_mc_rec *rec,
				   const union ib_gid *member, u8 join_state);
bool softib_mc_walk(softib_mc_visit_fn fn, void *arg);

/* wire.c: the longest packet softib_wire_build() lays out */
#define SOFTIB_WIRE_MAX		(SOFTIB_MAX_PAYLOAD + 128)
u32 softib_wire_build(u8 *buf, u32 dlid, u32 dqpn,
		      const struct softib_pkt *pkt);

/**
 * struct softib_capture - the port whose packets are being recorded
 * @id: its device's ID
 * @port: its number
 * @left: packets still to record; 0 when no capture runs
 */
struct softib_capture {
	u32 id;
	u32 port;
	u32 left;
};

/* capture.c */
extern struct softib_capture softib_cap;
void __softib_capture(const struct softib_port *port, bool rx, u32 dlid,
		      u32 dqpn, const struct softib_pkt *pkt);
void softib_capture_init(struct dentry *dir);
void softib_capture_exit(void);

/* Record a packet @port sends (@rx false) or receives, if it is captured */
static inline void softib_capture(const struct softib_port *port, bool rx,
				  u32 dlid, u32 dqpn,
				  const struct softib_pkt *pkt)
{
	if (unlikely(READ_ONCE(softib_cap.left)))
		__softib_capture(port, rx, dlid, dqpn, pkt);
}

/* debugfs.c */
void softib_debugfs_init(void);
void softib_debugfs_exit(void);

#endif /* _SOFTIB_H */
