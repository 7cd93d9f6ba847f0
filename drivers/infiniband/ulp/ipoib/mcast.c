// SPDX-License-Identifier: GPL-2.0
/*
 * Multicast groups: a state machine per group, driven by one task.
 *
 * Everything that talks to the SA or attaches the QP happens in the
 * multicast task (process context, ipoib_dev.mcast_mutex held). Other
 * contexts only record facts and kick the task:
 *  - ndo_set_rx_mode: the netdev multicast list changed;
 *  - ndo_start_xmit: a packet for a group we do not hold (queued, bounded);
 *  - the ib_sa_join_multicast() callback: status and record of a join;
 *  - sysfs/netlink: the umcast flag changed.
 *
 * Each run syncs the multicast list into ipoib_dev.groups, consumes SA
 * callbacks, then asks ipoib_mcast_decide() what each group should be and
 * moves it there (join full, join send-only, leave, skip). Nothing but the
 * broadcast group is joined before the broadcast join succeeds, since the
 * other joins copy its Q_Key, MTU, rate and SL. Failed joins back off
 * exponentially from IPOIB_BACKOFF_MIN to IPOIB_BACKOFF_MAX.
 *
 * A group's SA handle is freed (which waits for its callback) before the
 * group itself, so callbacks never see freed groups. Only the task adds to
 * or removes from ipoib_dev.groups (holding cache_lock too, for xmit's
 * lookups), so it walks the list without cache_lock; groups that
 * ndo_start_xmit creates wait on ipoib_dev.mc_new until the task adopts
 * them.
 *
 * The umcast policy (Documentation/infiniband/ipoib.rst) lives in
 * ipoib_mcast_decide(): with the flag set, a wanted group that a receiver
 * outside IPoIB holds (ipoib_mcast_owner(), owner.c) is not joined as a
 * full member; send-only is still allowed, so local senders work, and
 * their packets wait (bounded) for the send-only join instead of being
 * dropped. While umcast is set, the groups of the multicast list are asked
 * again every IPOIB_UMCAST_RECHECK: a skipped group comes back when its
 * holder leaves and, where the owner lookup is exact, an attached group is
 * given up when an application joins it after us. Where it is not exact
 * (the fallback of out-of-tree builds), setting the flag releases our full
 * memberships, full joins in flight included, and decides each again once
 * its record settles.
 */
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "ipoib.h"

#define IPOIB_MTU_RETRY		(HZ / 10)

static const char * const ipoib_mc_state_names[] = {
	[IPOIB_MC_IDLE] = "idle",
	[IPOIB_MC_PENDING] = "pending",
	[IPOIB_MC_FULL] = "full",
	[IPOIB_MC_SENDONLY] = "sendonly",
	[IPOIB_MC_SKIPPED] = "skipped",
	[IPOIB_MC_BACKOFF] = "backoff",
};

/**
 * ipoib_mcast_kick - run the multicast task soon
 * @priv: interface
 * @delay: jiffies to wait
 */
void ipoib_mcast_kick(struct ipoib_dev *priv, unsigned long delay)
{
	mod_delayed_work(ipoib_wq, &priv->mcast_work, delay);
}

/**
 * ipoib_set_umcast - change the umcast policy and apply it at once
 * @priv: interface
 * @on: new value
 *
 * Any setting of 1 also asks the multicast task to release the groups we
 * hold and decide each again (see ipoib_mcast_umcast_reset()).
 */
void ipoib_set_umcast(struct ipoib_dev *priv, bool on)
{
	assign_bit(IPOIB_FLAG_UMCAST, &priv->flags, on);
	if (on)
		set_bit(IPOIB_FLAG_UMCAST_RESET, &priv->flags);
	ipoib_mcast_kick(priv, 0);
}

static struct ipoib_mcast *ipoib_mcast_find_in(struct list_head *list,
					       const u8 *mgid)
{
	struct ipoib_mcast *mc;

	list_for_each_entry(mc, list, node)
		if (!memcmp(mc->mgid.raw, mgid, sizeof(mc->mgid.raw)))
			return mc;
	return NULL;
}

static struct ipoib_mcast *ipoib_mcast_find(struct ipoib_dev *priv,
					    const u8 *mgid)
{
	struct ipoib_mcast *mc;

	lockdep_assert_held(&priv->cache_lock);
	mc = ipoib_mcast_find_in(&priv->groups, mgid);
	return mc ?: ipoib_mcast_find_in(&priv->mc_new, mgid);
}

/* Add a group to @list: ipoib_dev.groups from the task, else mc_new. */
static struct ipoib_mcast *ipoib_mcast_new(struct ipoib_dev *priv,
					   const u8 *mgid,
					   struct list_head *list)
{
	struct ipoib_mcast *mc;

	lockdep_assert_held(&priv->cache_lock);
	mc = kzalloc(sizeof(*mc), GFP_ATOMIC);
	if (!mc)
		return NULL;
	memcpy(mc->mgid.raw, mgid, sizeof(mc->mgid.raw));
	mc->priv = priv;
	mc->backoff = IPOIB_BACKOFF_MIN;
	mc->settle_until = jiffies;
	__skb_queue_head_init(&mc->queue);
	list_add_tail(&mc->node, list);
	return mc;
}

/* Move the groups xmit created onto ipoib_dev.groups; task context. */
static void ipoib_mcast_adopt(struct ipoib_dev *priv)
{
	lockdep_assert_held(&priv->mcast_mutex);
	spin_lock_irq(&priv->cache_lock);
	list_splice_tail_init(&priv->mc_new, &priv->groups);
	spin_unlock_irq(&priv->cache_lock);
}

static void ipoib_mcast_drop_queue(struct ipoib_dev *priv,
				   struct sk_buff_head *queue)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(queue))) {
		DEV_STATS_INC(priv->ndev, tx_dropped);
		dev_kfree_skb_any(skb);
	}
}

static bool ipoib_mcast_queue_skb(struct ipoib_mcast *mc, struct sk_buff *skb)
{
	if (skb_queue_len(&mc->queue) >= IPOIB_MAX_MCAST_QUEUED)
		return false;
	__skb_queue_tail(&mc->queue, skb);
	return true;
}

/**
 * ipoib_mcast_xmit - send a packet to a multicast or broadcast GID
 * @priv: interface
 * @skb: packet with the pseudo header
 * @daddr: destination hardware address (the pseudo header)
 *
 * Called from ndo_start_xmit. Unknown groups are created and left to the
 * task, which joins them send-only; until a group has an address handle,
 * its packets wait in its queue (also while the umcast policy skips it,
 * since the task then joins it send-only).
 */
void ipoib_mcast_xmit(struct ipoib_dev *priv, struct sk_buff *skb,
		      const u8 *daddr)
{
	struct ipoib_ah *ah = NULL;
	struct ipoib_mcast *mc;
	unsigned long flags;
	bool kick = false;

	spin_lock_irqsave(&priv->cache_lock, flags);
	mc = ipoib_mcast_find(priv, daddr + 4);
	if (!mc) {
		mc = ipoib_mcast_new(priv, daddr + 4, &priv->mc_new);
		kick = true;
	}
	if (mc) {
		WRITE_ONCE(mc->last_tx, jiffies);
		ah = mc->ah;
		if (ah)
			kref_get(&ah->ref);
		else if (!ipoib_mcast_queue_skb(mc, skb))
			mc = NULL;
		kick |= mc && !ah && (mc->state == IPOIB_MC_IDLE ||
				      mc->state == IPOIB_MC_SKIPPED);
	}
	spin_unlock_irqrestore(&priv->cache_lock, flags);

	if (ah) {
		ipoib_send(priv, skb, ah, IPOIB_MCAST_QPN);
	} else if (!mc) {
		DEV_STATS_INC(priv->ndev, tx_dropped);
		dev_kfree_skb_any(skb);
	}
	if (kick)
		ipoib_mcast_kick(priv, 0);
}

static int ipoib_mcast_join_done(int status, struct ib_sa_multicast *sa)
{
	struct ipoib_mcast *mc = sa->context;
	struct ipoib_dev *priv = mc->priv;
	unsigned long flags;

	spin_lock_irqsave(&priv->cache_lock, flags);
	mc->cb_status = status;
	mc->cb_rec = sa->rec;
	mc->cb_pending = true;
	spin_unlock_irqrestore(&priv->cache_lock, flags);
	ipoib_mcast_kick(priv, 0);
	/* Keep the handle: the task frees it with ib_sa_free_multicast(). */
	return 0;
}

static void ipoib_mcast_fill_rec(struct ipoib_dev *priv,
				 struct ipoib_mcast *mc,
				 struct ib_sa_mcmember_rec *rec,
				 ib_sa_comp_mask *mask)
{
	const struct ib_sa_mcmember_rec *bc = &priv->bcast->rec;

	rec->mgid = mc->mgid;
	rec->port_gid = priv->local_gid;
	rec->pkey = cpu_to_be16(priv->pkey);
	rec->join_state = mc->join_state;
	*mask = IB_SA_MCMEMBER_REC_MGID | IB_SA_MCMEMBER_REC_PORT_GID |
		IB_SA_MCMEMBER_REC_PKEY | IB_SA_MCMEMBER_REC_JOIN_STATE;
	if (mc == priv->bcast)
		return;

	/* Enough for the SA to create the group like the broadcast one. */
	rec->qkey = bc->qkey;
	rec->mtu_selector = IB_SA_EQ;
	rec->mtu = bc->mtu;
	rec->traffic_class = bc->traffic_class;
	rec->rate_selector = IB_SA_EQ;
	rec->rate = bc->rate;
	rec->sl = bc->sl;
	rec->flow_label = bc->flow_label;
	rec->hop_limit = bc->hop_limit;
	*mask |= IB_SA_MCMEMBER_REC_QKEY | IB_SA_MCMEMBER_REC_MTU_SELECTOR |
		 IB_SA_MCMEMBER_REC_MTU | IB_SA_MCMEMBER_REC_TRAFFIC_CLASS |
		 IB_SA_MCMEMBER_REC_RATE_SELECTOR | IB_SA_MCMEMBER_REC_RATE |
		 IB_SA_MCMEMBER_REC_SL | IB_SA_MCMEMBER_REC_FLOW_LABEL |
		 IB_SA_MCMEMBER_REC_HOP_LIMIT;
}

static void ipoib_mcast_backoff(struct ipoib_dev *priv, struct ipoib_mcast *mc)
{
	struct sk_buff_head queue;

	__skb_queue_head_init(&queue);
	spin_lock_irq(&priv->cache_lock);
	mc->state = IPOIB_MC_BACKOFF;
	mc->join_state = 0;
	mc->retry_at = jiffies + mc->backoff;
	mc->backoff = min(mc->backoff * 2, IPOIB_BACKOFF_MAX);
	skb_queue_splice_init(&mc->queue, &queue);
	spin_unlock_irq(&priv->cache_lock);
	ipoib_mcast_drop_queue(priv, &queue);
}

static void ipoib_mcast_join(struct ipoib_dev *priv, struct ipoib_mcast *mc,
			     u8 join_state)
{
	struct ib_sa_mcmember_rec rec = {};
	struct ib_sa_multicast *sa;
	ib_sa_comp_mask mask;

	lockdep_assert_held(&priv->mcast_mutex);
	spin_lock_irq(&priv->cache_lock);
	mc->state = IPOIB_MC_PENDING;
	mc->join_state = join_state;
	mc->cb_pending = false;
	spin_unlock_irq(&priv->cache_lock);

	ipoib_mcast_fill_rec(priv, mc, &rec, &mask);
	if (join_state == IPOIB_JOIN_SENDONLY)
		ipoib_count(priv, IPOIB_CNT_MC_SENDONLY_JOINS);
	sa = ib_sa_join_multicast(&ipoib_sa_client, priv->ca, priv->port, &rec,
				  mask, GFP_KERNEL, ipoib_mcast_join_done, mc);
	if (IS_ERR(sa)) {
		ipoib_count(priv, IPOIB_CNT_MC_JOIN_FAILURES);
		ipoib_mcast_backoff(priv, mc);
		return;
	}
	mc->sa = sa;
}

static void ipoib_mcast_free_sa(struct ipoib_dev *priv, struct ipoib_mcast *mc)
{
	if (!mc->sa)
		return;
	ib_sa_free_multicast(mc->sa);
	mc->sa = NULL;
	/* The callback cannot run any more; forget what it reported. */
	spin_lock_irq(&priv->cache_lock);
	mc->cb_pending = false;
	spin_unlock_irq(&priv->cache_lock);
}

/*
 * Give up the membership and the attachment; the group becomes idle.  The
 * carrier is left as it is: see ipoib_mcast_leave().
 */
static void ipoib_mcast_release(struct ipoib_dev *priv, struct ipoib_mcast *mc)
{
	struct ipoib_ah *ah;
	bool held = mc->state == IPOIB_MC_FULL ||
		    mc->state == IPOIB_MC_SENDONLY;

	lockdep_assert_held(&priv->mcast_mutex);
	ipoib_mcast_free_sa(priv, mc);
	if (mc->attached)
		ib_detach_mcast(priv->qp, &mc->mgid, be16_to_cpu(mc->rec.mlid));

	spin_lock_irq(&priv->cache_lock);
	ah = mc->ah;
	mc->ah = NULL;
	mc->attached = false;
	mc->join_state = 0;
	mc->state = IPOIB_MC_IDLE;
	spin_unlock_irq(&priv->cache_lock);
	ipoib_ah_put(ah);
	if (held)
		ipoib_count(priv, IPOIB_CNT_MC_LEAVES);
}

/* Release a group; without the broadcast group there is no link. */
static void ipoib_mcast_leave(struct ipoib_dev *priv, struct ipoib_mcast *mc)
{
	ipoib_mcast_release(priv, mc);
	if (mc == priv->bcast)
		netif_carrier_off(priv->ndev);
}

static int ipoib_mcast_learn_bcast(struct ipoib_dev *priv,
				   const struct ib_sa_mcmember_rec *rec)
{
	int mtu = ib_mtu_enum_to_int(rec->mtu);
	int ret;

	ret = ipoib_set_qkey(priv, be32_to_cpu(rec->qkey));
	if (ret)
		return ret;
	if (mtu > IPOIB_ENCAP_LEN)
		priv->mcast_mtu = min_t(unsigned int, mtu, priv->max_ib_mtu) -
				  IPOIB_ENCAP_LEN;
	return 0;
}

static struct ipoib_ah *ipoib_mcast_make_ah(struct ipoib_dev *priv,
					    struct ib_sa_mcmember_rec *rec)
{
	struct rdma_ah_attr attr;
	struct ipoib_ah *ah;
	int ret;

	ret = ib_init_ah_from_mcmember(priv->ca, priv->port, rec, NULL,
				       IB_GID_TYPE_IB, &attr);
	if (ret)
		return ERR_PTR(ret);
	ah = ipoib_ah_create(priv, &attr);
	rdma_destroy_ah_attr(&attr);
	return ah;
}

static void ipoib_mcast_resend(struct sk_buff_head *queue)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(queue)))
		dev_queue_xmit(skb);
}

static int ipoib_mcast_install(struct ipoib_dev *priv, struct ipoib_mcast *mc,
			       struct ib_sa_mcmember_rec *rec)
{
	bool full = mc->join_state == IPOIB_JOIN_FULL;
	struct sk_buff_head queue;
	struct ipoib_ah *ah;
	int ret;

	ah = ipoib_mcast_make_ah(priv, rec);
	if (IS_ERR(ah))
		return PTR_ERR(ah);
	if (full) {
		ret = ib_attach_mcast(priv->qp, &mc->mgid,
				      be16_to_cpu(rec->mlid));
		if (ret) {
			ipoib_ah_put(ah);
			return ret;
		}
	}
	__skb_queue_head_init(&queue);
	spin_lock_irq(&priv->cache_lock);
	mc->rec = *rec;
	mc->ah = ah;
	mc->attached = full;
	mc->state = full ? IPOIB_MC_FULL : IPOIB_MC_SENDONLY;
	mc->backoff = IPOIB_BACKOFF_MIN;
	skb_queue_splice_init(&mc->queue, &queue);
	spin_unlock_irq(&priv->cache_lock);
	ipoib_mcast_resend(&queue);
	return 0;
}

static void ipoib_mcast_joined(struct ipoib_dev *priv, struct ipoib_mcast *mc,
			       struct ib_sa_mcmember_rec *rec)
{
	int ret = 0;

	if (mc == priv->bcast)
		ret = ipoib_mcast_learn_bcast(priv, rec);
	if (!ret)
		ret = ipoib_mcast_install(priv, mc, rec);
	if (ret) {
		netdev_warn(priv->ndev, "cannot use group %pI6 (%d)\n",
			    mc->mgid.raw, ret);
		ipoib_count(priv, IPOIB_CNT_MC_JOIN_FAILURES);
		ipoib_mcast_free_sa(priv, mc);
		ipoib_mcast_backoff(priv, mc);
		return;
	}
	ipoib_count(priv, IPOIB_CNT_MC_JOINS);
	if (mc == priv->bcast)
		netif_carrier_on(priv->ndev);
}

static void ipoib_mcast_consume_cb(struct ipoib_dev *priv,
				   struct ipoib_mcast *mc)
{
	struct ib_sa_mcmember_rec rec;
	int status;

	lockdep_assert_held(&priv->mcast_mutex);
	spin_lock_irq(&priv->cache_lock);
	if (!mc->cb_pending) {
		spin_unlock_irq(&priv->cache_lock);
		return;
	}
	mc->cb_pending = false;
	status = mc->cb_status;
	rec = mc->cb_rec;
	spin_unlock_irq(&priv->cache_lock);

	if (mc->state == IPOIB_MC_PENDING && !status) {
		ipoib_mcast_joined(priv, mc, &rec);
	} else if (mc->state == IPOIB_MC_PENDING) {
		if (mc == priv->bcast)
			netdev_dbg(priv->ndev, "broadcast join failed (%d)\n",
				   status);
		ipoib_count(priv, IPOIB_CNT_MC_JOIN_FAILURES);
		ipoib_mcast_free_sa(priv, mc);
		ipoib_mcast_backoff(priv, mc);
	} else if (status) {
		/*
		 * -ENETRESET on a held group: the SA may have lost it (client
		 * reregister, LID change).  Rejoin from idle; the link is not
		 * down, so the carrier stays, broadcast group included.
		 */
		ipoib_mcast_release(priv, mc);
		ipoib_count(priv, IPOIB_CNT_MC_REJOINS);
	}
}

static bool ipoib_mcast_sendonly_wanted(struct ipoib_mcast *mc)
{
	return time_before(jiffies, READ_ONCE(mc->last_tx) +
			   IPOIB_SENDONLY_TTL) || !skb_queue_empty_lockless(&mc->queue);
}

/*
 * Groups the IP stack itself needs on the link, which the umcast policy
 * never touches: IPv4 224.0.0.0/24 (all-hosts, IGMP), and the IPv6
 * all-nodes, all-routers, MLDv2 and solicited-node groups. An IPv6 MGID
 * keeps only the low 80 bits of the group address (RFC 4391), bytes 6-15.
 */
static bool ipoib_mcast_link_control(const struct ipoib_mcast *mc)
{
	static const u8 zero[9];
	const u8 *g = mc->mgid.raw;

	if (g[2] == 0x40 && g[3] == 0x1b)
		return !g[12] && !g[13] && !g[14];
	if (g[2] != 0x60 || g[3] != 0x1b)
		return false;
	if (!memcmp(g + 6, zero, 5) && g[11] == 0x01 && g[12] == 0xff)
		return true;
	return !memcmp(g + 6, zero, 9) &&
	       (g[15] == 0x01 || g[15] == 0x02 || g[15] == 0x16);
}

/*
 * Does the umcast policy decline a full membership of @mc? Only groups of
 * the multicast list are asked; while the owner lookup cannot tell, the
 * group stays declined and the task asks again (ipoib_mcast_next_run()).
 */
static bool ipoib_mcast_umcast_declines(struct ipoib_dev *priv,
					struct ipoib_mcast *mc)
{
	if (!mc->in_list || !test_bit(IPOIB_FLAG_UMCAST, &priv->flags) ||
	    ipoib_mcast_link_control(mc))
		return false;
	return ipoib_mcast_owner(priv, mc) != IPOIB_OWNER_NOBODY;
}

static void ipoib_mcast_set_skip(struct ipoib_dev *priv,
				 struct ipoib_mcast *mc, bool skip)
{
	if (mc->umcast_skip == skip)
		return;
	mc->umcast_skip = skip;
	atomic_long_add(skip ? 1 : -1,
			&priv->counters[IPOIB_CNT_UMCAST_IGNORED]);
}

/*
 * The join decision: what membership should we hold for @mc right now?
 *
 * This is the single place where policy applies. It runs in the multicast
 * task with mcast_mutex held, so it may sleep and query the SA database.
 */
static enum ipoib_mc_decision ipoib_mcast_decide(struct ipoib_dev *priv,
						 struct ipoib_mcast *mc)
{
	bool skip;

	lockdep_assert_held(&priv->mcast_mutex);
	if (mc == priv->bcast)
		return IPOIB_MC_WANT_FULL;
	skip = ipoib_mcast_umcast_declines(priv, mc);
	ipoib_mcast_set_skip(priv, mc, skip);
	if (mc->in_list && !skip)
		return IPOIB_MC_WANT_FULL;
	if (ipoib_mcast_sendonly_wanted(mc))
		return IPOIB_MC_WANT_SENDONLY;
	return skip ? IPOIB_MC_WANT_SKIP : IPOIB_MC_WANT_NONE;
}

static bool ipoib_mcast_may_join(struct ipoib_mcast *mc)
{
	return mc->state != IPOIB_MC_BACKOFF ||
	       time_after_eq(jiffies, mc->retry_at);
}

static void ipoib_mcast_skip(struct ipoib_dev *priv, struct ipoib_mcast *mc)
{
	struct sk_buff_head queue;

	ipoib_mcast_leave(priv, mc);
	__skb_queue_head_init(&queue);
	spin_lock_irq(&priv->cache_lock);
	mc->state = IPOIB_MC_SKIPPED;
	skb_queue_splice_init(&mc->queue, &queue);
	spin_unlock_irq(&priv->cache_lock);
	ipoib_mcast_drop_queue(priv, &queue);
}

/* Move @mc towards what ipoib_mcast_decide() wants; true to forget it. */
static bool ipoib_mcast_step(struct ipoib_dev *priv, struct ipoib_mcast *mc)
{
	enum ipoib_mc_decision want;

	if (mc->state == IPOIB_MC_PENDING)
		return false;
	want = ipoib_mcast_decide(priv, mc);
	switch (want) {
	case IPOIB_MC_WANT_NONE:
		ipoib_mcast_leave(priv, mc);
		return true;
	case IPOIB_MC_WANT_SKIP:
		if (mc->state != IPOIB_MC_SKIPPED)
			ipoib_mcast_skip(priv, mc);
		return false;
	case IPOIB_MC_WANT_FULL:
		if (mc->state == IPOIB_MC_FULL)
			return false;
		if (mc->state == IPOIB_MC_SENDONLY || mc->state == IPOIB_MC_SKIPPED)
			ipoib_mcast_leave(priv, mc);
		if (ipoib_mcast_may_join(mc))
			ipoib_mcast_join(priv, mc, IPOIB_JOIN_FULL);
		return false;
	case IPOIB_MC_WANT_SENDONLY:
		if (mc->state == IPOIB_MC_SENDONLY)
			return false;
		/* A full member receives: off the list, or declined, it stops. */
		if (mc->state == IPOIB_MC_FULL || mc->state == IPOIB_MC_SKIPPED)
			ipoib_mcast_leave(priv, mc);
		if (ipoib_mcast_may_join(mc))
			ipoib_mcast_join(priv, mc, IPOIB_JOIN_SENDONLY);
		return false;
	}
	return false;
}

static void ipoib_mcast_forget(struct ipoib_dev *priv, struct ipoib_mcast *mc)
{
	struct sk_buff_head queue;

	ipoib_mcast_set_skip(priv, mc, false);
	__skb_queue_head_init(&queue);
	spin_lock_irq(&priv->cache_lock);
	list_del(&mc->node);
	skb_queue_splice_init(&mc->queue, &queue);
	spin_unlock_irq(&priv->cache_lock);
	ipoib_mcast_drop_queue(priv, &queue);
	kfree(mc);
}

static void ipoib_mcast_mark_list(struct ipoib_dev *priv, union ib_gid *gids,
				  unsigned int n)
{
	struct ipoib_mcast *mc;
	unsigned int i;

	spin_lock_irq(&priv->cache_lock);
	list_splice_tail_init(&priv->mc_new, &priv->groups);
	list_for_each_entry(mc, &priv->groups, node)
		mc->in_list = mc == priv->bcast;
	for (i = 0; i < n; i++) {
		mc = ipoib_mcast_find(priv, gids[i].raw);
		if (!mc)
			mc = ipoib_mcast_new(priv, gids[i].raw, &priv->groups);
		if (mc)
			mc->in_list = true;
	}
	spin_unlock_irq(&priv->cache_lock);
}

/* Copy the netdev multicast list into in_list flags; false on no memory. */
static bool ipoib_mcast_sync_list(struct ipoib_dev *priv)
{
	struct net_device *ndev = priv->ndev;
	struct netdev_hw_addr *ha;
	union ib_gid *gids;
	unsigned int n = 0;

	netif_addr_lock_bh(ndev);
	gids = kmalloc_array(netdev_mc_count(ndev) + 1, sizeof(*gids),
			     GFP_ATOMIC);
	if (gids) {
		netdev_for_each_mc_addr(ha, ndev)
			memcpy(gids[n++].raw, ha->addr + 4, sizeof(gids->raw));
	}
	netif_addr_unlock_bh(ndev);
	if (!gids) {
		ipoib_mcast_adopt(priv);
		return false;
	}
	ipoib_mcast_mark_list(priv, gids, n);
	kfree(gids);
	return true;
}

/* Is @mc's owner asked again every IPOIB_UMCAST_RECHECK? */
static bool ipoib_mcast_rechecked(struct ipoib_dev *priv,
				  struct ipoib_mcast *mc)
{
	if (mc->umcast_skip)
		return true;
	return ipoib_owner_exact && mc->in_list && mc != priv->bcast &&
	       test_bit(IPOIB_FLAG_UMCAST, &priv->flags) &&
	       !ipoib_mcast_link_control(mc);
}

static unsigned long ipoib_mcast_next_run(struct ipoib_dev *priv)
{
	unsigned long next = 0, at;
	struct ipoib_mcast *mc;

	list_for_each_entry(mc, &priv->groups, node) {
		if (time_before(jiffies, mc->settle_until))
			at = jiffies + IPOIB_UMCAST_POLL;
		else if (ipoib_mcast_rechecked(priv, mc))
			at = jiffies + IPOIB_UMCAST_RECHECK;
		else if (mc->state == IPOIB_MC_BACKOFF)
			at = mc->retry_at;
		else
			continue;
		if (!next || time_before(at, next))
			next = at;
	}
	return next;
}

/*
 * umcast was set to 1. The exact owner lookup sees others whatever we
 * hold, so deciding again is enough. The fallback sees nobody else in a
 * group we are a full member of: mark our full memberships, joins in
 * flight included, and give each up once it is complete (a join in flight
 * when it completes), letting its record settle before it is decided
 * again (ipoib_mcast_owner() answers "unsure" until then).
 */
static void ipoib_mcast_umcast_reset(struct ipoib_dev *priv)
{
	bool reset = test_and_clear_bit(IPOIB_FLAG_UMCAST_RESET, &priv->flags);
	struct ipoib_mcast *mc;

	if (ipoib_owner_exact)
		return;
	list_for_each_entry(mc, &priv->groups, node) {
		if (mc == priv->bcast || ipoib_mcast_link_control(mc) ||
		    !test_bit(IPOIB_FLAG_UMCAST, &priv->flags))
			continue;
		if (reset && (mc->join_state & IPOIB_JOIN_FULL))
			mc->umcast_release = true;
		if (!mc->umcast_release || mc->state != IPOIB_MC_FULL)
			continue;
		ipoib_mcast_leave(priv, mc);
		mc->umcast_release = false;
		mc->settle_until = jiffies + IPOIB_UMCAST_SETTLE;
	}
}

static void ipoib_mcast_run(struct ipoib_dev *priv)
{
	struct ipoib_mcast *mc, *tmp;
	unsigned long next;

	lockdep_assert_held(&priv->mcast_mutex);
	if (!ipoib_mcast_sync_list(priv))
		ipoib_mcast_kick(priv, HZ);
	list_for_each_entry_safe(mc, tmp, &priv->groups, node)
		ipoib_mcast_consume_cb(priv, mc);

	ipoib_mcast_step(priv, priv->bcast);
	if (priv->bcast->state != IPOIB_MC_FULL)
		goto out;
	if (ipoib_apply_mtu(priv))
		ipoib_mcast_kick(priv, IPOIB_MTU_RETRY);
	ipoib_mcast_umcast_reset(priv);
	list_for_each_entry_safe(mc, tmp, &priv->groups, node)
		if (mc != priv->bcast && ipoib_mcast_step(priv, mc))
			ipoib_mcast_forget(priv, mc);
out:
	next = ipoib_mcast_next_run(priv);
	if (next)
		queue_delayed_work(ipoib_wq, &priv->mcast_work,
				   time_after(next, jiffies) ? next - jiffies : 0);
}

/**
 * ipoib_mcast_work - the multicast task
 * @work: ipoib_dev.mcast_work
 */
void ipoib_mcast_work(struct work_struct *work)
{
	struct ipoib_dev *priv = container_of(to_delayed_work(work),
					      struct ipoib_dev, mcast_work);

	mutex_lock(&priv->mcast_mutex);
	if (test_bit(IPOIB_FLAG_RUNNING, &priv->flags) &&
	    test_bit(IPOIB_FLAG_PORT_ACTIVE, &priv->flags))
		ipoib_mcast_run(priv);
	mutex_unlock(&priv->mcast_mutex);
}

/**
 * ipoib_mcast_start - create the broadcast group and start joining
 * @priv: interface whose QP just started
 *
 * Return: 0 or -ENOMEM.
 */
int ipoib_mcast_start(struct ipoib_dev *priv)
{
	struct ipoib_mcast *mc;
	union ib_gid mgid;

	lockdep_assert_held(&priv->state_mutex);
	ipoib_bcast_mgid(priv, &mgid);
	mutex_lock(&priv->mcast_mutex);
	if (!priv->bcast) {
		spin_lock_irq(&priv->cache_lock);
		mc = ipoib_mcast_new(priv, mgid.raw, &priv->groups);
		if (mc)
			mc->in_list = true;
		priv->bcast = mc;
		spin_unlock_irq(&priv->cache_lock);
	}
	mutex_unlock(&priv->mcast_mutex);
	if (!priv->bcast)
		return -ENOMEM;
	ipoib_mcast_kick(priv, 0);
	return 0;
}

/**
 * ipoib_mcast_stop - leave every group and forget all but broadcast
 * @priv: interface being brought down
 *
 * The RUNNING flag is already clear, so the task will not restart.
 */
void ipoib_mcast_stop(struct ipoib_dev *priv)
{
	struct ipoib_mcast *mc, *tmp;

	lockdep_assert_held(&priv->state_mutex);
	cancel_delayed_work_sync(&priv->mcast_work);
	mutex_lock(&priv->mcast_mutex);
	ipoib_mcast_adopt(priv);
	list_for_each_entry_safe(mc, tmp, &priv->groups, node) {
		ipoib_mcast_leave(priv, mc);
		mc->backoff = IPOIB_BACKOFF_MIN;
		if (mc != priv->bcast)
			ipoib_mcast_forget(priv, mc);
	}
	mutex_unlock(&priv->mcast_mutex);
}

/**
 * ipoib_mcast_free_all - free every group, broadcast included
 * @priv: interface being destroyed, already stopped
 */
void ipoib_mcast_free_all(struct ipoib_dev *priv)
{
	struct ipoib_mcast *mc, *tmp;

	mutex_lock(&priv->mcast_mutex);
	ipoib_mcast_adopt(priv);
	list_for_each_entry_safe(mc, tmp, &priv->groups, node) {
		ipoib_mcast_leave(priv, mc);
		ipoib_mcast_forget(priv, mc);
	}
	priv->bcast = NULL;
	mutex_unlock(&priv->mcast_mutex);
}

/**
 * ipoib_mcast_receiving - is an interface a full member of a group?
 * @priv: interface, cache_lock held
 * @mgid: the group
 *
 * Joined or joining: a full join in flight counts.
 *
 * Return: true if @priv receives, or asked to receive, from @mgid.
 */
bool ipoib_mcast_receiving(struct ipoib_dev *priv, const union ib_gid *mgid)
{
	struct ipoib_mcast *mc;

	lockdep_assert_held(&priv->cache_lock);
	mc = ipoib_mcast_find_in(&priv->groups, mgid->raw);
	return mc && (mc->join_state & IPOIB_JOIN_FULL);
}

static void ipoib_mcast_show_list(struct seq_file *m, struct list_head *list)
{
	struct ipoib_mcast *mc;

	list_for_each_entry(mc, list, node)
		seq_printf(m, "mgid %pI6 state %s join_state 0x%x attached %s sendonly %s umcast_skipped %s mlid 0x%04x\n",
			   mc->mgid.raw, ipoib_mc_state_names[mc->state],
			   mc->join_state, mc->attached ? "yes" : "no",
			   mc->state == IPOIB_MC_SENDONLY ? "yes" : "no",
			   mc->umcast_skip ? "yes" : "no",
			   mc->ah ? be16_to_cpu(mc->rec.mlid) : 0);
}

/**
 * ipoib_mcast_show - debugfs: one line per multicast group
 * @m: seq_file, private is the interface
 * @unused: unused
 *
 * Return: 0.
 */
int ipoib_mcast_show(struct seq_file *m, void *unused)
{
	struct ipoib_dev *priv = m->private;

	spin_lock_irq(&priv->cache_lock);
	ipoib_mcast_show_list(m, &priv->groups);
	ipoib_mcast_show_list(m, &priv->mc_new);
	spin_unlock_irq(&priv->cache_lock);
	return 0;
}
