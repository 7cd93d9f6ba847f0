// SPDX-License-Identifier: GPL-2.0
/*
 * The embedded Subnet Administrator at LID 1.
 *
 * MADs sent to LID 1, QP1 are copied into a struct softib_sa_req and
 * handled one at a time on an ordered workqueue, so the SA never runs in
 * the sender's context and its table changes are serialised.  Supported:
 * ClassPortInfo Get, PathRecord Get, MCMemberRecord Set (join, creating
 * the group when the request carries the components IBA requires) and
 * Delete (leave).  Everything else is answered with the IBA status for
 * an unsupported method or method/attribute combination.
 *
 * Each request remembers its port as it was (struct softib_port_ref).  A
 * request is handled later, maybe much later with the delay knobs, and
 * its port may have gone down or away in the meantime: then a join
 * changes nothing and no reply is sent, as if the request had been lost
 * with the port.  The fault knobs (debugfs.c) drop, fail or delay joins,
 * and delay leaves, as a slow SA would; a delayed request is handled after
 * those that arrive after it and are not delayed as long.
 */
#include <linux/slab.h>
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

static struct workqueue_struct *softib_sa_wq;
/* protects softib_sa_pending */
static DEFINE_SPINLOCK(softib_sa_lock);
static LIST_HEAD(softib_sa_pending);
static bool softib_sa_stopping;

static void softib_sa_classportinfo(struct ib_sa_mad *mad)
{
	struct ib_class_port_info *cpi = (void *)mad->data;
	u32 cap2 = IB_SA_CAP_MASK2_SENDONLY_FULL_MEM_SUPPORT;

	memset(mad->data, 0, sizeof(mad->data));
	cpi->base_version = IB_MGMT_BASE_VERSION;
	cpi->class_version = IB_SA_CLASS_VERSION;
	cpi->cap_mask2_resp_time = cpu_to_be32(cap2 << 5 | SOFTIB_SA_RESP_TIME);
}

static struct softib_port *softib_sa_path_end(const u8 *gid, __be16 lid,
					      bool by_gid, bool by_lid)
{
	if (by_gid)
		return softib_fabric_port_by_gid((const union ib_gid *)gid);
	if (by_lid)
		return softib_fabric_port(be16_to_cpu(lid));
	return NULL;
}

static void softib_sa_path_fill(struct softib_sa_path *p, u16 pkey,
				struct softib_port *src, struct softib_port *dst)
{
	memset(p, 0, sizeof(*p));
	softib_port_gid(dst, (union ib_gid *)p->dgid);
	softib_port_gid(src, (union ib_gid *)p->sgid);
	p->dlid = cpu_to_be16(dst->lid);
	p->slid = cpu_to_be16(src->lid);
	p->reversible_numb_path = 0x80;
	p->pkey = cpu_to_be16(pkey);
	p->mtu = SOFTIB_SEL_EXACT |
		 min(softib_port_mtu(src), softib_port_mtu(dst));
	p->rate = SOFTIB_SEL_EXACT | IB_RATE_100_GBPS;
	p->plt = SOFTIB_SEL_EXACT | SOFTIB_SA_PLT;
}

static u16 softib_sa_path(struct softib_sa_req *req)
{
	struct softib_sa_path *p = (void *)req->mad.data;
	ib_sa_comp_mask mask = req->mad.sa_hdr.comp_mask;
	struct softib_port *src, *dst;
	u16 pkey = SOFTIB_DEFAULT_PKEY;
	u16 status = 0;

	if (mask & IB_SA_PATH_REC_PKEY)
		pkey = be16_to_cpu(p->pkey);
	rcu_read_lock();
	src = softib_sa_path_end(p->sgid, p->slid,
				 mask & IB_SA_PATH_REC_SGID,
				 mask & IB_SA_PATH_REC_SLID);
	dst = softib_sa_path_end(p->dgid, p->dlid,
				 mask & IB_SA_PATH_REC_DGID,
				 mask & IB_SA_PATH_REC_DLID);
	if (src && dst)
		softib_sa_path_fill(p, pkey, src, dst);
	else
		status = SOFTIB_SA_ERR_NO_RECORDS;
	rcu_read_unlock();
	return status;
}

/* Pick a value for a selector+value component of a new group. */
static u8 softib_sa_select(u8 wire, u8 dflt, u8 lo, u8 hi)
{
	u8 val = wire & 0x3f;

	switch (wire >> 6) {
	case IB_SA_GT:
		return clamp_t(u8, val + 1, lo, hi);
	case IB_SA_LT:
		return clamp_t(u8, val - 1, lo, hi);
	case IB_SA_EQ:
		return clamp_t(u8, val, lo, hi);
	default:
		return dflt;
	}
}

static void softib_sa_rec_from_wire(const struct softib_sa_mcm *w,
				    ib_sa_comp_mask mask,
				    struct softib_mc_rec *rec)
{
	u32 sfh = be32_to_cpu(w->sl_flow_hop);

	memset(rec, 0, sizeof(*rec));
	memcpy(rec->mgid.raw, w->mgid, sizeof(rec->mgid));
	rec->qkey = be32_to_cpu(w->qkey);
	rec->pkey = be16_to_cpu(w->pkey);
	rec->sl = sfh >> 28;
	rec->flow_label = (sfh >> 8) & 0xfffff;
	rec->hop_limit = sfh & 0xff;
	rec->tclass = w->tclass;
	rec->scope = w->scope_join >> 4;
	rec->mtu = IB_MTU_2048;
	if (mask & IB_SA_MCMEMBER_REC_MTU)
		rec->mtu = softib_sa_select(w->mtu, IB_MTU_2048,
					    IB_MTU_256, IB_MTU_4096);
	rec->rate = IB_RATE_100_GBPS;
	if (mask & IB_SA_MCMEMBER_REC_RATE)
		rec->rate = softib_sa_select(w->rate, IB_RATE_100_GBPS,
					     IB_RATE_2_5_GBPS, IB_RATE_600_GBPS);
	rec->plt = SOFTIB_SA_PLT;
}

static bool softib_sa_sel_ok(u8 wire, u8 have)
{
	u8 val = wire & 0x3f;

	switch (wire >> 6) {
	case IB_SA_GT:
		return have > val;
	case IB_SA_LT:
		return have < val;
	case IB_SA_EQ:
		return have == val;
	default:
		return true;
	}
}

/* Does an existing group satisfy the components a join asked for? */
static bool softib_sa_rec_ok(const struct softib_sa_mcm *w,
			     ib_sa_comp_mask mask,
			     const struct softib_mc_rec *rec)
{
	if ((mask & IB_SA_MCMEMBER_REC_QKEY) &&
	    be32_to_cpu(w->qkey) != rec->qkey)
		return false;
	if ((mask & IB_SA_MCMEMBER_REC_PKEY) &&
	    (be16_to_cpu(w->pkey) & 0x7fff) != (rec->pkey & 0x7fff))
		return false;
	if ((mask & IB_SA_MCMEMBER_REC_MLID) && w->mlid &&
	    be16_to_cpu(w->mlid) != rec->mlid)
		return false;
	if ((mask & IB_SA_MCMEMBER_REC_MTU_SELECTOR) &&
	    (mask & IB_SA_MCMEMBER_REC_MTU) &&
	    !softib_sa_sel_ok(w->mtu, rec->mtu))
		return false;
	return true;
}

static void softib_sa_rec_to_wire(const struct softib_mc_rec *rec,
				  u8 join_state, struct softib_sa_mcm *w)
{
	u32 sfh = (u32)rec->sl << 28 | rec->flow_label << 8 | rec->hop_limit;

	memcpy(w->mgid, rec->mgid.raw, sizeof(w->mgid));
	w->qkey = cpu_to_be32(rec->qkey);
	w->mlid = cpu_to_be16(rec->mlid);
	w->mtu = SOFTIB_SEL_EXACT | rec->mtu;
	w->tclass = rec->tclass;
	w->pkey = cpu_to_be16(rec->pkey);
	w->rate = SOFTIB_SEL_EXACT | rec->rate;
	w->plt = SOFTIB_SEL_EXACT | rec->plt;
	w->sl_flow_hop = cpu_to_be32(sfh);
	w->scope_join = rec->scope << 4 | join_state;
	w->proxy = 0;
}

/* Checks shared by join and leave; returns a MAD status. */
static u16 softib_sa_mcm_check(struct softib_sa_req *req,
			       const struct softib_sa_mcm *w)
{
	ib_sa_comp_mask mask = req->mad.sa_hdr.comp_mask;

	if ((mask & SOFTIB_MCM_NEED) != SOFTIB_MCM_NEED)
		return SOFTIB_SA_ERR_INSUFFICIENT;
	if (memcmp(w->port_gid, req->from.gid.raw, sizeof(w->port_gid)))
		return SOFTIB_SA_ERR_REQ_INVALID_GID;
	if (w->mgid[0] != 0xff || !(w->scope_join & 0xf))
		return SOFTIB_SA_ERR_REQ_INVALID;
	return 0;
}

static u16 softib_sa_join(struct softib_sa_req *req)
{
	struct softib_sa_mcm *w = (void *)req->mad.data;
	ib_sa_comp_mask mask = req->mad.sa_hdr.comp_mask;
	u8 state = w->scope_join & 0xf;
	struct softib_mc_rec rec;
	bool create = false;
	u16 status;

	if (req->fail)
		return SOFTIB_SA_ERR_NO_RESOURCES;
	status = softib_sa_mcm_check(req, w);
	if (status)
		return status;
	if (!softib_mc_find((union ib_gid *)w->mgid, &rec)) {
		if (!softib_sa_rec_ok(w, mask, &rec))
			return SOFTIB_SA_ERR_REQ_INVALID;
	} else {
		if ((mask & SOFTIB_MCM_CREATE) != SOFTIB_MCM_CREATE)
			return SOFTIB_SA_ERR_INSUFFICIENT;
		softib_sa_rec_from_wire(w, mask, &rec);
		create = true;
	}
	/* a stale requester (-ENODEV) will not get the answer either */
	if (softib_mc_join(&rec, create, &req->from, &state))
		return SOFTIB_SA_ERR_NO_RESOURCES;
	softib_sa_rec_to_wire(&rec, state, w);
	return 0;
}

static u16 softib_sa_leave(struct softib_sa_req *req)
{
	struct softib_sa_mcm *w = (void *)req->mad.data;
	u8 state = w->scope_join & 0xf;
	struct softib_mc_rec rec;
	u16 status;

	status = softib_sa_mcm_check(req, w);
	if (status)
		return status;
	if (softib_mc_find((union ib_gid *)w->mgid, &rec))
		return SOFTIB_SA_ERR_REQ_INVALID;
	if (softib_mc_leave(&rec.mgid, &req->from, &state))
		return SOFTIB_SA_ERR_REQ_INVALID;
	softib_sa_rec_to_wire(&rec, state, w);
	return 0;
}

static bool softib_sa_method_known(u8 method)
{
	return method == IB_MGMT_METHOD_GET || method == IB_MGMT_METHOD_SET ||
	       method == IB_SA_METHOD_GET_TABLE ||
	       method == IB_SA_METHOD_DELETE;
}

static u16 softib_sa_dispatch(struct softib_sa_req *req)
{
	struct ib_mad_hdr *hdr = &req->mad.mad_hdr;
	u16 attr = be16_to_cpu(hdr->attr_id);

	if (hdr->base_version != IB_MGMT_BASE_VERSION ||
	    hdr->class_version != IB_SA_CLASS_VERSION)
		return IB_MGMT_MAD_STATUS_BAD_VERSION;
	if (!softib_sa_method_known(hdr->method))
		return IB_MGMT_MAD_STATUS_UNSUPPORTED_METHOD;
	if (attr == IB_SA_ATTR_CLASS_PORTINFO &&
	    hdr->method == IB_MGMT_METHOD_GET) {
		softib_sa_classportinfo(&req->mad);
		return 0;
	}
	if (attr == IB_SA_ATTR_PATH_REC && hdr->method == IB_MGMT_METHOD_GET)
		return softib_sa_path(req);
	if (attr == IB_SA_ATTR_MC_MEMBER_REC) {
		if (hdr->method == IB_MGMT_METHOD_SET)
			return softib_sa_join(req);
		if (hdr->method == IB_SA_METHOD_DELETE)
			return softib_sa_leave(req);
	}
	return IB_MGMT_MAD_STATUS_UNSUPPORTED_METHOD_ATTRIB;
}

static void softib_sa_reply(struct softib_sa_req *req)
{
	struct softib_pkt pkt = {
		.data = &req->mad,
		.len = sizeof(req->mad),
		.slid = SOFTIB_SM_LID,
		.src_qpn = 1,
		.pkey = req->pkey,
		.qkey = IB_QP1_QKEY,
	};
	struct softib_port *port;
	struct rvt_qp *qp;

	rcu_read_lock();
	port = softib_port_from_ref(&req->from);
	if (port) {
		qp = rcu_dereference(port->rvp.qp[1]);
		if (qp)
			softib_ud_deliver(qp, &pkt);
	}
	rcu_read_unlock();
}

static void softib_sa_handle(struct softib_sa_req *req)
{
	struct ib_mad_hdr *hdr = &req->mad.mad_hdr;
	u16 status;

	if (hdr->mgmt_class != IB_MGMT_CLASS_SUBN_ADM ||
	    (hdr->method & IB_MGMT_METHOD_RESP))
		return;
	status = softib_sa_dispatch(req);
	/* Set is answered by GetResp, everything else by method | 0x80 */
	if (hdr->method == IB_MGMT_METHOD_SET)
		hdr->method = IB_MGMT_METHOD_GET_RESP;
	else
		hdr->method |= IB_MGMT_METHOD_RESP;
	hdr->status = cpu_to_be16(status);
	if (be16_to_cpu(hdr->attr_id) == IB_SA_ATTR_MC_MEMBER_REC)
		req->mad.sa_hdr.attr_offset =
			cpu_to_be16(DIV_ROUND_UP(sizeof(struct softib_sa_mcm), 8));
	else if (be16_to_cpu(hdr->attr_id) == IB_SA_ATTR_PATH_REC)
		req->mad.sa_hdr.attr_offset =
			cpu_to_be16(sizeof(struct softib_sa_path) / 8);
	softib_sa_reply(req);
}

static void softib_sa_work(struct work_struct *work)
{
	struct softib_sa_req *req = container_of(to_delayed_work(work),
						 struct softib_sa_req, work);

	spin_lock(&softib_sa_lock);
	list_del(&req->list);
	spin_unlock(&softib_sa_lock);
	if (!READ_ONCE(softib_sa_stopping))
		softib_sa_handle(req);
	kfree(req);
}

static bool softib_sa_take(atomic_t *knob)
{
	return atomic_dec_if_positive(knob) >= 0;
}

static bool softib_sa_is_mcm(const struct ib_mad_hdr *hdr, u8 method)
{
	return hdr->method == method &&
	       be16_to_cpu(hdr->attr_id) == IB_SA_ATTR_MC_MEMBER_REC;
}

/* How long the delay knobs hold a request back, in jiffies */
static unsigned long softib_sa_delay(const struct ib_mad_hdr *hdr, bool join)
{
	u32 ms = 0;

	if (join && softib_sa_take(&softib_faults.sa_delay_joins))
		ms = READ_ONCE(softib_faults.sa_delay_ms);
	else if (softib_sa_is_mcm(hdr, IB_SA_METHOD_DELETE))
		ms = READ_ONCE(softib_faults.sa_delay_leave_ms);
	return msecs_to_jiffies(ms);
}

/**
 * softib_sa_receive - hand a MAD sent to the SA over to the SA
 * @port: the port it came from
 * @mad: the MAD
 * @len: its length
 * @pkey: the P_Key it carried
 *
 * Context: process context (the sender's send work).
 */
void softib_sa_receive(struct softib_port *port, const void *mad, u32 len,
		       u16 pkey)
{
	const struct ib_mad_hdr *hdr = mad;
	struct softib_sa_req *req;
	bool join;

	atomic64_inc(&port->stats.sa_mads);
	if (len < sizeof(*hdr) || len > sizeof(req->mad))
		return;
	join = softib_sa_is_mcm(hdr, IB_MGMT_METHOD_SET);
	if (join && softib_sa_take(&softib_faults.sa_drop_joins))
		return;
	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return;
	if (!softib_port_get_ref(port, &req->from)) {
		kfree(req);
		return;
	}
	memcpy(&req->mad, mad, len);
	req->pkey = pkey;
	req->fail = join && softib_sa_take(&softib_faults.sa_fail_joins);
	INIT_DELAYED_WORK(&req->work, softib_sa_work);
	spin_lock(&softib_sa_lock);
	list_add_tail(&req->list, &softib_sa_pending);
	queue_delayed_work(softib_sa_wq, &req->work,
			   softib_sa_delay(hdr, join));
	spin_unlock(&softib_sa_lock);
}

/**
 * softib_sa_init - start the SA
 *
 * Return: 0 or -ENOMEM.
 */
int softib_sa_init(void)
{
	softib_sa_wq = alloc_ordered_workqueue("softib_sa", 0);
	return softib_sa_wq ? 0 : -ENOMEM;
}

/**
 * softib_sa_exit - stop the SA, dropping requests not yet answered
 *
 * Every device is gone by now, so no new request can arrive.  A request
 * whose work is cancelled here is freed here; one whose work already runs
 * is left to it (it unlinks and frees itself, skipping the answer), and
 * destroy_workqueue() waits for that.
 */
void softib_sa_exit(void)
{
	struct softib_sa_req *req, *tmp;
	LIST_HEAD(dropped);

	WRITE_ONCE(softib_sa_stopping, true);
	spin_lock(&softib_sa_lock);
	list_for_each_entry_safe(req, tmp, &softib_sa_pending, list)
		if (cancel_delayed_work(&req->work))
			list_move(&req->list, &dropped);
	spin_unlock(&softib_sa_lock);
	list_for_each_entry_safe(req, tmp, &dropped, list)
		kfree(req);
	destroy_workqueue(softib_sa_wq);
}
