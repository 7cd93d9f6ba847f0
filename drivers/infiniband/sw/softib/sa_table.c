// SPDX-License-Identifier: GPL-2.0
/*
 * The embedded SA's SubnAdmGetTable: NodeRecord, PathRecord and
 * MCMemberRecord, the tables saquery and other SA clients ask for.
 *
 * A GetTable is answered with every record that matches the components
 * the request names, possibly none, each record padded to the
 * AttributeOffset; sa_rmpp.c sends the table.  The records are a snapshot
 * taken into one buffer, the ports under RCU, the groups under the group
 * table's lock; a buffer too small is doubled and the snapshot taken
 * again, up to SOFTIB_SA_TABLE_MAX.  What each table holds follows
 * OpenSM, so that a client sees the same under either SM:
 *  - NodeRecord: one per CA port, with its LID and its NodeInfo (its own
 *    PortGUID and LocalPortNum), and one for the switch at port 0's LID.
 *    Every component is compared with the record byte for byte.
 *  - PathRecord: one per pair of ends sharing the P_Key (the default
 *    one unless named), an end being a CA port or the switch's port 0:
 *    the one named by GID or LID, or every one if the request names
 *    neither.  Other components are not checked.
 *  - MCMemberRecord: for each group matching MGID, MLID, Q_Key and P_Key,
 *    if the requester's port has that P_Key: with PortGID named, that
 *    member's record; else, for a trusted requester (SM_Key is the SM's),
 *    one record per member, PortGID and JoinState its own; else one
 *    record for the group, PortGID and JoinState 0 (OpenSM hides the
 *    members from untrusted requesters).  JoinState, when named, must be
 *    the record's.
 */
#include <linux/slab.h>

#include "sa.h"

#define SOFTIB_SA_TABLE_MIN	SZ_4K
#define SOFTIB_SA_TABLE_MAX	SZ_4M

/**
 * struct softib_sa_table - records being collected
 * @buf: @cap bytes, zeroed
 * @len: bytes used, a multiple of @size
 * @cap: bytes in @buf
 * @size: bytes per record (AttributeOffset * 8)
 */
struct softib_sa_table {
	u8 *buf;
	u32 len;
	u32 cap;
	u32 size;
};

/* Room for one more record, or NULL when the buffer is full */
static void *softib_sa_table_slot(struct softib_sa_table *t)
{
	void *slot;

	if (t->len + t->size > t->cap)
		return NULL;
	slot = t->buf + t->len;
	t->len += t->size;
	return slot;
}

/* NodeRecord components (IBA 15.2.5.2): where each one is in the record */
static const struct {
	u8 off;
	u8 len;
} softib_sa_node_comps[] = {
	{ 0, 2 }, { 2, 2 },			/* LID, reserved */
	{ 4, 1 }, { 5, 1 }, { 6, 1 }, { 7, 1 },	/* versions, type, ports */
	{ 8, 8 }, { 16, 8 }, { 24, 8 },		/* system, node, port GUID */
	{ 32, 2 }, { 34, 2 }, { 36, 4 },	/* P_Key cap, device, rev */
	{ 40, 1 }, { 41, 3 },			/* local port, vendor */
	{ 44, IB_DEVICE_NODE_DESC_MAX },	/* NodeDescription */
};

static bool softib_sa_node_match(const struct softib_sa_node *want,
				 const struct softib_sa_node *have, u64 mask)
{
	const u8 *w = (const u8 *)want, *h = (const u8 *)have;
	int i;

	for (i = 0; i < ARRAY_SIZE(softib_sa_node_comps); i++) {
		u8 off = softib_sa_node_comps[i].off;

		if ((mask & BIT_ULL(i)) &&
		    memcmp(w + off, h + off, softib_sa_node_comps[i].len))
			return false;
	}
	return true;
}

/* Add @have if it matches the request; false if the table is full */
static bool softib_sa_node_add(struct softib_sa_table *t,
			       const struct softib_sa_req *req,
			       const struct softib_sa_node *have)
{
	u64 mask = be64_to_cpu((__force __be64)req->mad.sa_hdr.comp_mask);
	void *slot;

	if (!softib_sa_node_match((void *)req->mad.data, have, mask))
		return true;
	slot = softib_sa_table_slot(t);
	if (slot)
		memcpy(slot, have, sizeof(*have));
	return slot;
}

static bool softib_sa_nodes(struct softib_sa_req *req,
			    struct softib_sa_table *t)
{
	struct softib_sa_node rec = {};
	struct softib_port *port;
	unsigned long lid;
	bool fit = true;

	lid = READ_ONCE(softib_sw.lid);
	if (lid) {
		rec.lid = cpu_to_be16(lid);
		softib_switch_node_info((void *)rec.node_info, 0);
		strscpy(rec.node_desc, SOFTIB_SW_DESC, sizeof(rec.node_desc));
		fit = softib_sa_node_add(t, req, &rec);
	}
	rcu_read_lock();
	for (lid = 0; fit && (port = softib_fabric_next(&lid)); lid++) {
		memset(&rec, 0, sizeof(rec));
		rec.lid = cpu_to_be16(lid);
		softib_sma_fill_node_info(port, (void *)rec.node_info);
		memcpy(rec.node_desc, port->sdev->rdi.ibdev.node_desc,
		       sizeof(rec.node_desc));
		fit = softib_sa_node_add(t, req, &rec);
	}
	rcu_read_unlock();
	return fit;
}

/*
 * The next end of a path at a LID >= *@pos, the switch's port 0 included,
 * or only the end the request names (then *@pos goes past every LID).
 */
static bool softib_sa_end_next(const u8 *gid, __be16 lid, bool by_gid,
			       bool by_lid, unsigned long *pos,
			       struct softib_sa_end *end)
{
	struct softib_port *port;
	unsigned long at = *pos;

	if (by_gid || by_lid) {
		*pos = ULONG_MAX - 1;
		return !at && softib_sa_end_find(gid, lid, by_gid, by_lid, end);
	}
	port = softib_fabric_next(&at);
	if (softib_sa_end_switch(end) && end->lid >= *pos &&
	    (!port || end->lid < at)) {
		*pos = end->lid;
		return true;
	}
	*pos = at;
	if (port)
		softib_sa_end_port(port, end);
	return port;
}

static bool softib_sa_path_pair(struct softib_sa_table *t, u16 pkey,
				const struct softib_sa_end *src,
				const struct softib_sa_end *dst)
{
	struct softib_sa_path *slot;

	if (!softib_sa_end_has_pkey(src, pkey) ||
	    !softib_sa_end_has_pkey(dst, pkey))
		return true;
	slot = softib_sa_table_slot(t);
	if (slot)
		softib_sa_path_fill(slot, pkey, src, dst);
	return slot;
}

static bool softib_sa_paths(struct softib_sa_req *req,
			    struct softib_sa_table *t)
{
	const struct softib_sa_path *want = (void *)req->mad.data;
	ib_sa_comp_mask mask = req->mad.sa_hdr.comp_mask;
	bool sgid = mask & IB_SA_PATH_REC_SGID, slid = mask & IB_SA_PATH_REC_SLID;
	bool dgid = mask & IB_SA_PATH_REC_DGID, dlid = mask & IB_SA_PATH_REC_DLID;
	u16 pkey = SOFTIB_DEFAULT_PKEY;
	struct softib_sa_end src, dst;
	unsigned long s, d;
	bool fit = true;

	if (mask & IB_SA_PATH_REC_PKEY)
		pkey = be16_to_cpu(want->pkey);
	rcu_read_lock();
	for (s = 0; fit && softib_sa_end_next(want->sgid, want->slid, sgid,
					      slid, &s, &src); s++)
		for (d = 0; fit && softib_sa_end_next(want->dgid, want->dlid,
						      dgid, dlid, &d, &dst);
		     d++)
			fit = softib_sa_path_pair(t, pkey, &src, &dst);
	rcu_read_unlock();
	return fit;
}

/**
 * struct softib_sa_mcm_walk - an MCMemberRecord GetTable in progress
 * @t: the table
 * @want: the request's record
 * @mask: its components
 * @from: the requester's port, or NULL if it is gone
 * @trusted: the requester gave the SM's SM_Key
 * @group_ok: the group being visited matches
 * @full: the table ran out of room
 */
struct softib_sa_mcm_walk {
	struct softib_sa_table *t;
	const struct softib_sa_mcm *want;
	ib_sa_comp_mask mask;
	struct softib_port *from;
	bool trusted;
	bool group_ok;
	bool full;
};

static bool softib_sa_mcm_group_ok(const struct softib_sa_mcm_walk *w,
				   const struct softib_mc_rec *rec)
{
	if ((w->mask & IB_SA_MCMEMBER_REC_MGID) &&
	    memcmp(w->want->mgid, rec->mgid.raw, sizeof(rec->mgid)))
		return false;
	if ((w->mask & IB_SA_MCMEMBER_REC_MLID) &&
	    be16_to_cpu(w->want->mlid) != rec->mlid)
		return false;
	if ((w->mask & IB_SA_MCMEMBER_REC_QKEY) &&
	    be32_to_cpu(w->want->qkey) != rec->qkey)
		return false;
	if ((w->mask & IB_SA_MCMEMBER_REC_PKEY) &&
	    !softib_pkey_match(be16_to_cpu(w->want->pkey), rec->pkey))
		return false;
	return w->from && softib_pkey_index(w->from, rec->pkey) >= 0;
}

/* One record: the group's (@gid NULL) or a member's */
static bool softib_sa_mcm_add(struct softib_sa_mcm_walk *w,
			      const struct softib_mc_rec *rec,
			      const union ib_gid *gid, u8 join_state)
{
	struct softib_sa_mcm *slot;

	if ((w->mask & IB_SA_MCMEMBER_REC_JOIN_STATE) &&
	    (w->want->scope_join & 0xf) != join_state)
		return true;
	slot = softib_sa_table_slot(w->t);
	if (!slot) {
		w->full = true;
		return false;
	}
	softib_sa_rec_to_wire(rec, join_state, slot);
	if (gid)
		memcpy(slot->port_gid, gid->raw, sizeof(slot->port_gid));
	return true;
}

static bool softib_sa_mcm_visit(void *arg, const struct softib_mc_rec *rec,
				const union ib_gid *member, u8 join_state)
{
	struct softib_sa_mcm_walk *w = arg;
	bool by_port = w->mask & IB_SA_MCMEMBER_REC_PORT_GID;

	if (!member) {
		w->group_ok = softib_sa_mcm_group_ok(w, rec);
		if (w->group_ok && !by_port && !w->trusted)
			return softib_sa_mcm_add(w, rec, NULL, 0);
		return true;
	}
	if (!w->group_ok)
		return true;
	if (by_port ? !memcmp(member->raw, w->want->port_gid,
			      sizeof(member->raw)) : w->trusted)
		return softib_sa_mcm_add(w, rec, member, join_state);
	return true;
}

static bool softib_sa_mcms(struct softib_sa_req *req,
			   struct softib_sa_table *t)
{
	struct softib_sa_mcm_walk w = {
		.t = t,
		.want = (void *)req->mad.data,
		.mask = req->mad.sa_hdr.comp_mask,
		.trusted = req->mad.sa_hdr.sm_key ==
			   cpu_to_be64(SOFTIB_SA_SM_KEY),
	};

	rcu_read_lock();
	w.from = softib_port_from_ref(&req->from);
	softib_mc_walk(softib_sa_mcm_visit, &w);
	rcu_read_unlock();
	return !w.full;
}

/**
 * struct softib_sa_kind - a table the SA serves
 * @attr: its AttributeID
 * @offset: its AttributeOffset, in 8-byte words
 * @fill: collects its records; false if they did not fit
 */
struct softib_sa_kind {
	u16 attr;
	u16 offset;
	bool (*fill)(struct softib_sa_req *req, struct softib_sa_table *t);
};

static const struct softib_sa_kind softib_sa_kinds[] = {
	{ IB_SA_ATTR_NODE_REC, SOFTIB_SA_ATTR_OFFSET(struct softib_sa_node),
	  softib_sa_nodes },
	{ IB_SA_ATTR_PATH_REC, SOFTIB_SA_ATTR_OFFSET(struct softib_sa_path),
	  softib_sa_paths },
	{ IB_SA_ATTR_MC_MEMBER_REC, SOFTIB_SA_ATTR_OFFSET(struct softib_sa_mcm),
	  softib_sa_mcms },
};

/**
 * softib_sa_table - answer a GetTable
 * @req: the request
 *
 * Context: the SA's workqueue.
 * Return: 0 once the table is on its way, else the MAD status to answer
 * with.
 */
u16 softib_sa_table(struct softib_sa_req *req)
{
	u16 attr = be16_to_cpu(req->mad.mad_hdr.attr_id);
	const struct softib_sa_kind *kind = NULL;
	struct softib_sa_table t;
	int i;

	for (i = 0; i < ARRAY_SIZE(softib_sa_kinds); i++)
		if (softib_sa_kinds[i].attr == attr)
			kind = &softib_sa_kinds[i];
	if (!kind)
		return IB_MGMT_MAD_STATUS_UNSUPPORTED_METHOD_ATTRIB;
	t.size = kind->offset * 8;
	for (t.cap = SOFTIB_SA_TABLE_MIN; t.cap <= SOFTIB_SA_TABLE_MAX;
	     t.cap *= 2) {
		t.buf = kvzalloc(t.cap, GFP_KERNEL);
		if (!t.buf)
			break;
		t.len = 0;
		if (kind->fill(req, &t)) {
			softib_sa_rmpp_send(req, t.buf, t.len, kind->offset);
			return 0;
		}
		kvfree(t.buf);
	}
	return SOFTIB_SA_ERR_NO_RESOURCES;
}
