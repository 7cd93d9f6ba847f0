// SPDX-License-Identifier: GPL-2.0
/*
 * Unicast path cache: destination GID -> PathRecord -> address handle.
 *
 * The transmit path looks a GID up under ipoib_dev.cache_lock. An unknown GID gets
 * a new entry and a PathRecord query (ib_sa_path_rec_get); up to
 * IPOIB_MAX_PATH_QUEUED packets wait on the entry and are re-sent through
 * dev_queue_xmit() once the answer installs an address handle. A resolved
 * entry older than IPOIB_PATH_LIFETIME is refreshed in the background while
 * its old handle stays in use; the GC drops entries idle for two lifetimes.
 *
 * Entries are freed only by process context after unlinking them and
 * waiting for their query callback, so the callback never sees freed memory.
 */
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/unaligned.h>

#include "ipoib.h"

#define IPOIB_PATH_TIMEOUT_MS	1000

static struct ipoib_path *ipoib_path_find(struct ipoib_dev *priv,
					  const u8 *gid)
{
	struct ipoib_path *path;

	lockdep_assert_held(&priv->cache_lock);
	list_for_each_entry(path, &priv->paths, node)
		if (!memcmp(path->gid.raw, gid, sizeof(path->gid.raw)))
			return path;
	return NULL;
}

static void ipoib_path_drop_queue(struct ipoib_dev *priv,
				  struct sk_buff_head *queue)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(queue))) {
		DEV_STATS_INC(priv->ndev, tx_dropped);
		dev_kfree_skb_any(skb);
	}
}

static void ipoib_path_resend(struct sk_buff_head *queue)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(queue)))
		dev_queue_xmit(skb);
}

static struct ipoib_ah *ipoib_path_make_ah(struct ipoib_dev *priv,
					   struct sa_path_rec *rec)
{
	struct rdma_ah_attr attr;
	struct ipoib_ah *ah;
	int ret;

	ret = ib_init_ah_attr_from_path(priv->ca, priv->port, rec, &attr, NULL);
	if (ret)
		return ERR_PTR(ret);
	ah = ipoib_ah_create(priv, &attr);
	rdma_destroy_ah_attr(&attr);
	return ah;
}

static void ipoib_path_done(int status, struct sa_path_rec *rec,
			    unsigned int num_prs, void *context)
{
	struct ipoib_path *path = context;
	struct ipoib_dev *priv = path->priv;
	struct ipoib_ah *ah = NULL, *old = NULL;
	struct sk_buff_head queue;
	unsigned long flags;

	__skb_queue_head_init(&queue);
	if (!status && rec)
		ah = ipoib_path_make_ah(priv, rec);
	if (IS_ERR_OR_NULL(ah)) {
		ah = NULL;
		ipoib_count(priv, IPOIB_CNT_PATH_FAILURES);
	}

	spin_lock_irqsave(&priv->cache_lock, flags);
	path->query = NULL;
	if (ah) {
		old = path->ah;
		path->ah = ah;
		path->rec = *rec;
		path->resolved_at = jiffies;
	}
	skb_queue_splice_init(&path->queue, &queue);
	complete(&path->done);
	spin_unlock_irqrestore(&priv->cache_lock, flags);

	ipoib_ah_put(old);
	if (ah && test_bit(IPOIB_FLAG_RUNNING, &priv->flags))
		ipoib_path_resend(&queue);
	else
		ipoib_path_drop_queue(priv, &queue);
}

static void ipoib_path_query(struct ipoib_dev *priv, struct ipoib_path *path)
{
	struct sa_path_rec rec = {};
	int ret;

	lockdep_assert_held(&priv->cache_lock);
	rec.dgid = path->gid;
	rec.sgid = priv->local_gid;
	rec.pkey = cpu_to_be16(READ_ONCE(priv->pkey));
	rec.numb_path = 1;
	rec.rec_type = SA_PATH_REC_TYPE_IB;

	reinit_completion(&path->done);
	ret = ib_sa_path_rec_get(&ipoib_sa_client, priv->ca, priv->port, &rec,
				 IB_SA_PATH_REC_DGID | IB_SA_PATH_REC_SGID |
				 IB_SA_PATH_REC_NUMB_PATH |
				 IB_SA_PATH_REC_TRAFFIC_CLASS |
				 IB_SA_PATH_REC_PKEY,
				 IPOIB_PATH_TIMEOUT_MS, GFP_ATOMIC,
				 ipoib_path_done, path, &path->query);
	ipoib_count(priv, IPOIB_CNT_PATH_QUERIES);
	if (ret < 0) {
		path->query = NULL;
		complete(&path->done);
		ipoib_count(priv, IPOIB_CNT_PATH_FAILURES);
		return;
	}
	path->query_id = ret;
}

static struct ipoib_path *ipoib_path_new(struct ipoib_dev *priv,
					 const u8 *gid)
{
	struct ipoib_path *path;

	lockdep_assert_held(&priv->cache_lock);
	path = kzalloc(sizeof(*path), GFP_ATOMIC);
	if (!path)
		return NULL;
	memcpy(path->gid.raw, gid, sizeof(path->gid.raw));
	path->priv = priv;
	__skb_queue_head_init(&path->queue);
	init_completion(&path->done);
	list_add_tail(&path->node, &priv->paths);
	return path;
}

static bool ipoib_path_stale(struct ipoib_path *path)
{
	return time_after(jiffies, path->resolved_at + IPOIB_PATH_LIFETIME);
}

/**
 * ipoib_path_xmit - send a unicast packet, resolving its path if needed
 * @priv: interface
 * @skb: packet with the pseudo header
 * @daddr: destination hardware address (the pseudo header)
 *
 * Called from ndo_start_xmit. The packet is sent, queued or dropped.
 */
void ipoib_path_xmit(struct ipoib_dev *priv, struct sk_buff *skb,
		     const u8 *daddr)
{
	u32 qpn = get_unaligned_be32(daddr) & IPOIB_QPN_MASK;
	struct ipoib_ah *ah = NULL;
	struct ipoib_path *path;
	unsigned long flags;

	spin_lock_irqsave(&priv->cache_lock, flags);
	path = ipoib_path_find(priv, daddr + 4);
	if (!path)
		path = ipoib_path_new(priv, daddr + 4);
	if (!path)
		goto drop;
	path->last_used = jiffies;
	if (path->ah) {
		ah = path->ah;
		kref_get(&ah->ref);
		if (!path->query && ipoib_path_stale(path))
			ipoib_path_query(priv, path);
		spin_unlock_irqrestore(&priv->cache_lock, flags);
		ipoib_send(priv, skb, ah, qpn);
		return;
	}
	if (skb_queue_len(&path->queue) >= IPOIB_MAX_PATH_QUEUED)
		goto drop;
	__skb_queue_tail(&path->queue, skb);
	if (!path->query)
		ipoib_path_query(priv, path);
	spin_unlock_irqrestore(&priv->cache_lock, flags);
	return;

drop:
	spin_unlock_irqrestore(&priv->cache_lock, flags);
	DEV_STATS_INC(priv->ndev, tx_dropped);
	dev_kfree_skb_any(skb);
}

static void ipoib_path_free_list(struct ipoib_dev *priv,
				 struct list_head *dead)
{
	struct ipoib_path *path, *next;
	struct ib_sa_query *query;
	int id;

	list_for_each_entry_safe(path, next, dead, node) {
		spin_lock_irq(&priv->cache_lock);
		query = path->query;
		id = path->query_id;
		spin_unlock_irq(&priv->cache_lock);
		if (query) {
			ib_sa_cancel_query(id, query);
			wait_for_completion(&path->done);
		}
		ipoib_path_drop_queue(priv, &path->queue);
		ipoib_ah_put(path->ah);
		list_del(&path->node);
		kfree(path);
	}
}

/**
 * ipoib_path_flush - forget every path
 * @priv: interface
 *
 * Cancels outstanding queries and waits for their callbacks. Process
 * context only.
 */
void ipoib_path_flush(struct ipoib_dev *priv)
{
	LIST_HEAD(dead);

	spin_lock_irq(&priv->cache_lock);
	list_splice_init(&priv->paths, &dead);
	spin_unlock_irq(&priv->cache_lock);
	ipoib_path_free_list(priv, &dead);
}

/**
 * ipoib_path_invalidate - have every path queried again
 * @priv: interface
 *
 * After a LID, SM or GID change a path may have moved.  Each is refreshed
 * when next used, as when it gets old; its address handle stays in use
 * until the new answer replaces it, so traffic goes on meanwhile.
 */
void ipoib_path_invalidate(struct ipoib_dev *priv)
{
	struct ipoib_path *path;

	spin_lock_irq(&priv->cache_lock);
	list_for_each_entry(path, &priv->paths, node)
		path->resolved_at = jiffies - IPOIB_PATH_LIFETIME - 1;
	spin_unlock_irq(&priv->cache_lock);
}

/**
 * ipoib_path_gc - drop paths idle for two lifetimes
 * @priv: interface
 */
void ipoib_path_gc(struct ipoib_dev *priv)
{
	unsigned long idle = 2 * IPOIB_PATH_LIFETIME;
	struct ipoib_path *path, *next;
	LIST_HEAD(dead);

	spin_lock_irq(&priv->cache_lock);
	list_for_each_entry_safe(path, next, &priv->paths, node)
		if (!path->query && time_after(jiffies, path->last_used + idle))
			list_move_tail(&path->node, &dead);
	spin_unlock_irq(&priv->cache_lock);
	ipoib_path_free_list(priv, &dead);
}

/**
 * ipoib_path_show - debugfs: one line per path
 * @m: seq_file, private is the interface
 * @unused: unused
 *
 * Return: 0.
 */
int ipoib_path_show(struct seq_file *m, void *unused)
{
	struct ipoib_dev *priv = m->private;
	struct ipoib_path *path;

	spin_lock_irq(&priv->cache_lock);
	list_for_each_entry(path, &priv->paths, node) {
		seq_printf(m, "gid %pI6 ", path->gid.raw);
		if (!path->ah) {
			seq_puts(m, "resolving\n");
			continue;
		}
		seq_printf(m, "lid 0x%04x sl %u age %ums\n",
			   be32_to_cpu(sa_path_get_dlid(&path->rec)) & 0xffff,
			   path->rec.sl,
			   jiffies_to_msecs(jiffies - path->resolved_at));
	}
	spin_unlock_irq(&priv->cache_lock);
	return 0;
}
