// SPDX-License-Identifier: GPL-2.0
/*
 * The embedded Subnet Administrator at LID 1.
 *
 * MADs sent to LID 1, QP1 are copied into a struct softib_sa_req and
 * handled one at a time on an ordered workqueue, so the SA never runs in
 * the sender's context and its table changes are serialised.  Supported:
 * ClassPortInfo Get, PathRecord Get, MCMemberRecord Set (join, creating
 * the group when the request carries the components IBA requires) and
 * Delete (leave), and GetTable of NodeRecord, PathRecord and
 * MCMemberRecord (sa_table.c), whose answers go out by RMPP (sa_rmpp.c),
 * as do that protocol's ACK, STOP and ABORT from the receiver.
 * Everything else is answered with the IBA status for an unsupported
 * method or method/attribute combination.
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

#include "softib.h"
#include "sa.h"

static struct workqueue_struct *softib_sa_wq;
/* protects softib_sa_pending */
static DEFINE_SPINLOCK(softib_sa_lock);
static LIST_HEAD(softib_sa_pending);
static bool softib_sa_stopping;
static atomic_t softib_sa_answered = ATOMIC_INIT(0);

static void softib_sa_classportinfo(struct ib_sa_mad *mad)
{
	struct ib_class_port_info *cpi = (void *)mad->data;
	u32 cap2 = IB_SA_CAP_MASK2_SENDONLY_FULL_MEM_SUPPORT;

	memset(mad->data, 0, sizeof(mad->data));
	cpi->base_version = IB_MGMT_BASE_VERSION;
	cpi->class_version = IB_SA_CLASS_VERSION;
	cpi->cap_mask2_resp_time = cpu_to_be32(cap2 << 5 | SOFTIB_SA_RESP_TIME);
}

/**
 * softib_sa_end_port - a CA port as the end of a path
 * @port: the port
 * @end: filled in
 */
void softib_sa_end_port(struct softib_port *port, struct softib_sa_end *end)
{
	end->port = port;
	softib_port_gid(port, &end->gid);
	end->lid = READ_ONCE(port->lid);
	end->mtu = softib_port_mtu(port);
}

/**
 * softib_sa_end_switch - the switch's port 0 as the end of a path
 * @end: filled in
 *
 * Return: false if the switch has no LID (no SM gave it one).
 */
bool softib_sa_end_switch(struct softib_sa_end *end)
{
	end->port = NULL;
	end->gid.global.subnet_prefix = cpu_to_be64(SOFTIB_GID_PREFIX);
	end->gid.global.interface_id = cpu_to_be64(SOFTIB_SW_GUID);
	end->lid = READ_ONCE(softib_sw.lid);
	end->mtu = IB_MTU_4096;
	return end->lid;
}

/**
 * softib_sa_end_find - the end of a path a request names
 * @gid: the GID component
 * @lid: the LID component
 * @by_gid: the request names the GID
 * @by_lid: it names the LID (the GID wins if it names both)
 * @end: filled in
 *
 * Context: rcu_read_lock() held; @end is valid until it is dropped.
 * Return: false if the request names no end or no port has it.
 */
bool softib_sa_end_find(const u8 *gid, __be16 lid, bool by_gid, bool by_lid,
			struct softib_sa_end *end)
{
	struct softib_port *port = NULL;

	if (by_gid) {
		if (softib_sa_end_switch(end) && !memcmp(gid, end->gid.raw, 16))
			return true;
		port = softib_fabric_port_by_gid((const union ib_gid *)gid);
	} else if (by_lid) {
		if (softib_sa_end_switch(end) && be16_to_cpu(lid) == end->lid)
			return true;
		port = softib_fabric_port(be16_to_cpu(lid));
	}
	if (port)
		softib_sa_end_port(port, end);
	return port;
}

/**
 * softib_sa_end_has_pkey - is a P_Key in the table of a path's end?
 * @end: the end
 * @pkey: the P_Key
 *
 * Return: true if a full or limited member of @pkey is in the table.
 */
bool softib_sa_end_has_pkey(const struct softib_sa_end *end, u16 pkey)
{
	int i;

	if (end->port)
		return softib_pkey_index(end->port, pkey) >= 0;
	for (i = 0; i < SOFTIB_NPKEYS; i++)
		if (softib_pkey_match(pkey, READ_ONCE(softib_sw.pkeys[i])))
			return true;
	return false;
}

/**
 * softib_sa_path_fill - the PathRecord from one end to another
 * @p: the record, overwritten
 * @pkey: the P_Key the path is for
 * @src: the source
 * @dst: the destination
 */
void softib_sa_path_fill(struct softib_sa_path *p, u16 pkey,
			 const struct softib_sa_end *src,
			 const struct softib_sa_end *dst)
{
	memset(p, 0, sizeof(*p));
	memcpy(p->dgid, dst->gid.raw, sizeof(p->dgid));
	memcpy(p->sgid, src->gid.raw, sizeof(p->sgid));
	p->dlid = cpu_to_be16(dst->lid);
	p->slid = cpu_to_be16(src->lid);
	p->reversible_numb_path = 0x80;
	p->pkey = cpu_to_be16(pkey);
	p->mtu = SOFTIB_SEL_EXACT | min(src->mtu, dst->mtu);
	p->rate = SOFTIB_SEL_EXACT | IB_RATE_100_GBPS;
	p->plt = SOFTIB_SEL_EXACT | SOFTIB_SA_PLT;
}

static u16 softib_sa_path(struct softib_sa_req *req)
{
	struct softib_sa_path *p = (void *)req->mad.data;
	ib_sa_comp_mask mask = req->mad.sa_hdr.comp_mask;
	struct softib_sa_end src, dst;
	u16 pkey = SOFTIB_DEFAULT_PKEY;
	u16 status = 0;

	if (mask & IB_SA_PATH_REC_PKEY)
		pkey = be16_to_cpu(p->pkey);
	rcu_read_lock();
	if (softib_sa_end_find(p->sgid, p->slid, mask & IB_SA_PATH_REC_SGID,
			       mask & IB_SA_PATH_REC_SLID, &src) &&
	    softib_sa_end_find(p->dgid, p->dlid, mask & IB_SA_PATH_REC_DGID,
			       mask & IB_SA_PATH_REC_DLID, &dst))
		softib_sa_path_fill(p, pkey, &src, &dst);
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

/**
 * softib_sa_sel_ok - does a value meet a selector+value component?
 * @wire: the component: selector in bits 7-6, value in bits 5-0
 * @have: the value to check
 *
 * Return: true if @have is greater than, less than or equal to the
 * component's value as its selector says, or if the selector is "largest
 * available".
 */
bool softib_sa_sel_ok(u8 wire, u8 have)
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

/**
 * softib_sa_rec_to_wire - a group's MCMemberRecord
 * @rec: the group
 * @join_state: the JoinState to report
 * @w: the record; PortGID is left as it is, ProxyJoin cleared
 */
void softib_sa_rec_to_wire(const struct softib_mc_rec *rec, u8 join_state,
			   struct softib_sa_mcm *w)
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
	if (hdr->method == IB_SA_METHOD_GET_TABLE)
		return softib_sa_table(req);
	if (attr == IB_SA_ATTR_MC_MEMBER_REC) {
		if (hdr->method == IB_MGMT_METHOD_SET)
			return softib_sa_join(req);
		if (hdr->method == IB_SA_METHOD_DELETE)
			return softib_sa_leave(req);
	}
	return IB_MGMT_MAD_STATUS_UNSUPPORTED_METHOD_ATTRIB;
}

/**
 * softib_sa_send - send a MAD from the SA to a port's QP1
 * @to: the port, as it was when it sent the request
 * @pkey: the P_Key to send with
 * @mad: the MAD
 *
 * Return: false if the port has gone (nothing is sent), else true.
 */
bool softib_sa_send(const struct softib_port_ref *to, u16 pkey,
		    const struct ib_sa_mad *mad)
{
	struct softib_pkt pkt = {
		.data = (void *)mad,
		.len = sizeof(*mad),
		.slid = SOFTIB_SM_LID,
		.src_qpn = 1,
		.pkey = pkey,
		.qkey = IB_QP1_QKEY,
	};
	struct softib_port *port;
	struct rvt_qp *qp;

	rcu_read_lock();
	port = softib_port_from_ref(to);
	if (port) {
		softib_capture(port, true, port->lid, 1, &pkt);
		qp = rcu_dereference(port->rvp.qp[1]);
		if (qp)
			softib_ud_deliver(qp, &pkt);
	}
	rcu_read_unlock();
	return port;
}

/**
 * softib_sa_arm - run a work of the SA's after a delay
 * @dwork: the work; it runs on the SA's ordered workqueue, never alongside
 *	the handling of a request
 * @delay: in jiffies
 */
void softib_sa_arm(struct delayed_work *dwork, unsigned long delay)
{
	mod_delayed_work(softib_sa_wq, dwork, delay);
}

/**
 * softib_sa_activity - how many requests the SA has answered
 *
 * The embedded SM's SMInfo ActCount (switch_sma.c).
 *
 * Return: the count, wrapping at 2^32.
 */
u32 softib_sa_activity(void)
{
	return atomic_read(&softib_sa_answered);
}

static void softib_sa_handle(struct softib_sa_req *req)
{
	struct ib_mad_hdr *hdr = &req->mad.mad_hdr;
	u16 status;

	if (hdr->mgmt_class != IB_MGMT_CLASS_SUBN_ADM)
		return;
	if (!softib_sa_rmpp_request(&req->mad)) {
		softib_sa_rmpp_input(req);
		return;
	}
	if (hdr->method & IB_MGMT_METHOD_RESP)
		return;
	atomic_inc(&softib_sa_answered);
	status = softib_sa_dispatch(req);
	/* a table went out through RMPP */
	if (!status && hdr->method == IB_SA_METHOD_GET_TABLE)
		return;
	/* any other answer is one MAD */
	memset(&req->mad.rmpp_hdr, 0, sizeof(req->mad.rmpp_hdr));
	/* Set is answered by GetResp, everything else by method | 0x80 */
	if (hdr->method == IB_MGMT_METHOD_SET)
		hdr->method = IB_MGMT_METHOD_GET_RESP;
	else
		hdr->method |= IB_MGMT_METHOD_RESP;
	hdr->status = cpu_to_be16(status);
	if (be16_to_cpu(hdr->attr_id) == IB_SA_ATTR_MC_MEMBER_REC)
		req->mad.sa_hdr.attr_offset =
			cpu_to_be16(SOFTIB_SA_ATTR_OFFSET(struct softib_sa_mcm));
	else if (be16_to_cpu(hdr->attr_id) == IB_SA_ATTR_PATH_REC)
		req->mad.sa_hdr.attr_offset =
			cpu_to_be16(SOFTIB_SA_ATTR_OFFSET(struct softib_sa_path));
	softib_sa_send(&req->from, req->pkey, &req->mad);
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
	softib_sa_rmpp_exit();
	destroy_workqueue(softib_sa_wq);
}
