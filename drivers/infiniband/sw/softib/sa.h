/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the embedded SA's files share: sa.c takes requests and answers
 * Get, Set and Delete, sa_table.c answers GetTable, and sa_rmpp.c sends
 * the tables.  Wire formats are IBA's; records are built in place in the
 * request's MAD (one record) or in a table (many).
 */
#ifndef _SOFTIB_SA_H
#define _SOFTIB_SA_H

#include <rdma/ib_mad.h>
#include <rdma/ib_sa.h>

#include "softib.h"

/* Class-specific SA status codes (IBA 15.2.1.1), in MAD status bits 8-15 */
#define SOFTIB_SA_ERR_NO_RESOURCES	0x0100
#define SOFTIB_SA_ERR_REQ_INVALID	0x0200
#define SOFTIB_SA_ERR_NO_RECORDS	0x0300
#define SOFTIB_SA_ERR_REQ_INVALID_GID	0x0500
#define SOFTIB_SA_ERR_INSUFFICIENT	0x0600

#define SOFTIB_SA_RESP_TIME	18
#define SOFTIB_SA_PLT		18
#define SOFTIB_SEL_EXACT	(IB_SA_EQ << 6)
/* The SM_Key of a trusted requester: OpenSM's default */
#define SOFTIB_SA_SM_KEY	1

/* components every join or leave must carry */
#define SOFTIB_MCM_NEED (IB_SA_MCMEMBER_REC_MGID |			\
			 IB_SA_MCMEMBER_REC_PORT_GID |			\
			 IB_SA_MCMEMBER_REC_JOIN_STATE)
/* and those a join must add to create a group (IBA o15-0.2.x) */
#define SOFTIB_MCM_CREATE (SOFTIB_MCM_NEED |				\
			   IB_SA_MCMEMBER_REC_QKEY |			\
			   IB_SA_MCMEMBER_REC_PKEY |			\
			   IB_SA_MCMEMBER_REC_SL |			\
			   IB_SA_MCMEMBER_REC_FLOW_LABEL |		\
			   IB_SA_MCMEMBER_REC_TRAFFIC_CLASS)

/* MCMemberRecord as it is on the wire (IBA 15.2.5.17) */
struct softib_sa_mcm {
	u8 mgid[16];
	u8 port_gid[16];
	__be32 qkey;
	__be16 mlid;
	u8 mtu;
	u8 tclass;
	__be16 pkey;
	u8 rate;
	u8 plt;
	__be32 sl_flow_hop;
	u8 scope_join;
	u8 proxy;
	u8 reserved[2];
} __packed;

/* PathRecord as it is on the wire (IBA 15.2.5.16) */
struct softib_sa_path {
	__be64 service_id;
	u8 dgid[16];
	u8 sgid[16];
	__be16 dlid;
	__be16 slid;
	__be32 raw_flow_hop;
	u8 tclass;
	u8 reversible_numb_path;
	__be16 pkey;
	__be16 qos_sl;
	u8 mtu;
	u8 rate;
	u8 plt;
	u8 preference;
	u8 reserved[6];
} __packed;

/**
 * struct softib_sa_req - one MAD waiting for the SA
 * @list: entry in softib_sa_pending
 * @work: runs softib_sa_work(), possibly delayed by a fault knob
 * @from: the requesting port when it sent the request; the reply goes
 *	there, if it is still live
 * @pkey: P_Key the request came with
 * @fail: a fault knob asked to fail this join
 * @mad: the request, turned into the reply in place
 */
struct softib_sa_req {
	struct list_head list;
	struct delayed_work work;
	struct softib_port_ref from;
	u16 pkey;
	bool fail;
	struct ib_sa_mad mad;
};

/* NodeRecord as it is on the wire (IBA 15.2.5.2) */
struct softib_sa_node {
	__be16 lid;
	__be16 reserved;
	u8 node_info[40];
	u8 node_desc[IB_DEVICE_NODE_DESC_MAX];
} __packed;

/* AttributeOffset of a record: its size in 8-byte words, rounded up */
#define SOFTIB_SA_ATTR_OFFSET(rec)	DIV_ROUND_UP(sizeof(rec), 8)

/**
 * struct softib_sa_end - one end of a path: a CA port or the switch
 * @port: the CA port, NULL for the switch's port 0
 * @gid: its GID
 * @lid: its LID
 * @mtu: its MTU
 */
struct softib_sa_end {
	struct softib_port *port;
	union ib_gid gid;
	u32 lid;
	enum ib_mtu mtu;
};

/* sa.c */
void softib_sa_end_port(struct softib_port *port, struct softib_sa_end *end);
bool softib_sa_end_switch(struct softib_sa_end *end);
bool softib_sa_end_find(const u8 *gid, __be16 lid, bool by_gid, bool by_lid,
			struct softib_sa_end *end);
bool softib_sa_end_has_pkey(const struct softib_sa_end *end, u16 pkey);
void softib_sa_path_fill(struct softib_sa_path *p, u16 pkey,
			 const struct softib_sa_end *src,
			 const struct softib_sa_end *dst);
void softib_sa_rec_to_wire(const struct softib_mc_rec *rec, u8 join_state,
			   struct softib_sa_mcm *w);
bool softib_sa_sel_ok(u8 wire, u8 have);
bool softib_sa_send(const struct softib_port_ref *to, u16 pkey,
		    const struct ib_sa_mad *mad);
void softib_sa_arm(struct delayed_work *dwork, unsigned long delay);

/* sa_table.c */
u16 softib_sa_table(struct softib_sa_req *req);

/* sa_rmpp.c */
bool softib_sa_rmpp_request(const struct ib_sa_mad *mad);
void softib_sa_rmpp_input(struct softib_sa_req *req);
void softib_sa_rmpp_send(struct softib_sa_req *req, u8 *table, u32 len,
			 u16 attr_offset);
void softib_sa_rmpp_exit(void);

#endif /* _SOFTIB_SA_H */
