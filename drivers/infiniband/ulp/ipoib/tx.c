// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit side: ndo_start_xmit dispatches on the destination hardware
 * address found in the pseudo header (multicast GIDs start with 0xff), and
 * ipoib_send() posts one UD send per skb: a plain send, or for a GSO skb
 * (NETIF_F_TSO, on a QP with offloads) one IB_WR_LSO send whose header is
 * the skb's IPoIB, IPv4 and TCP headers, read by the device until the send
 * completes, and whose SGEs hold the rest.
 *
 * The send ring is indexed by free-running counters: tx_head advances under
 * the netdev transmit lock, tx_tail in the send NAPI (or while draining with
 * NAPI disabled). The queue stops one slot before the ring fills and wakes
 * once half of it is free again. Each slot pins the address handle the send
 * uses until its completion.
 *
 * Ordering rule: a slot belongs to the completion side from its post until
 * tx_tail passes it, and to the transmit side after. The completion side
 * empties the slot and then advances tx_tail with smp_store_release(); the
 * transmit side reads tx_tail with smp_load_acquire() before it fills the
 * slot, so it never sees the slot free while the emptying (skb = NULL) is
 * still to land. Slot contents travel the other way, from post to
 * completion, ordered by the post and poll verbs themselves.
 */
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>

#include "ipoib.h"

#define IPOIB_POLL_BATCH	8

static unsigned int ipoib_tx_outstanding(struct ipoib_dev *priv)
{
	/* Pairs with ipoib_tx_advance_tail(): freed slots are empty. */
	return READ_ONCE(priv->tx_head) - smp_load_acquire(&priv->tx_tail);
}

/* Hand the emptied slot at tx_tail back to the transmit side. */
static void ipoib_tx_advance_tail(struct ipoib_dev *priv)
{
	/* Pairs with ipoib_tx_outstanding(): the slot is empty first. */
	smp_store_release(&priv->tx_tail, priv->tx_tail + 1);
}

/**
 * ipoib_start_xmit - ndo_start_xmit
 * @skb: packet built by header_ops.create (pseudo header first)
 * @ndev: the interface
 *
 * Return: always NETDEV_TX_OK; the packet is sent, queued or dropped.
 */
netdev_tx_t ipoib_start_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	struct ipoib_dev *priv = ipoib_priv(ndev);
	const u8 *daddr;

	if (unlikely(!test_bit(IPOIB_FLAG_RUNNING, &priv->flags) ||
		     skb->len < IPOIB_HARD_LEN)) {
		DEV_STATS_INC(ndev, tx_dropped);
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	daddr = skb->data;
	if (daddr[4] == 0xff)
		ipoib_mcast_xmit(priv, skb, daddr);
	else
		ipoib_path_xmit(priv, skb, daddr);
	return NETDEV_TX_OK;
}

static void ipoib_tx_unmap(struct ipoib_dev *priv, struct ipoib_tx_buf *buf)
{
	struct sk_buff *skb = buf->skb;
	unsigned int i;

	ib_dma_unmap_single(priv->ca, buf->dma[0], skb_headlen(skb),
			    DMA_TO_DEVICE);
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++)
		ib_dma_unmap_page(priv->ca, buf->dma[i + 1],
				  skb_frag_size(&skb_shinfo(skb)->frags[i]),
				  DMA_TO_DEVICE);
}

static void ipoib_tx_sge(struct ipoib_dev *priv, struct ib_sge *sge, u64 dma,
			 unsigned int len)
{
	sge->addr = dma;
	sge->length = len;
	sge->lkey = priv->pd->local_dma_lkey;
}

/*
 * Map the skb and describe all but its first @skip bytes (an LSO header)
 * in @sge; an empty linear part gets no SGE. Returns the SGE count.
 */
static int ipoib_tx_map(struct ipoib_dev *priv, struct ipoib_tx_buf *buf,
			struct ib_sge *sge, unsigned int skip)
{
	struct sk_buff *skb = buf->skb;
	struct skb_shared_info *shinfo = skb_shinfo(skb);
	const skb_frag_t *frag;
	unsigned int i, n = 0;
	u64 dma;

	dma = ib_dma_map_single(priv->ca, skb->data, skb_headlen(skb),
				DMA_TO_DEVICE);
	if (ib_dma_mapping_error(priv->ca, dma))
		return -EIO;
	buf->dma[0] = dma;
	if (skb_headlen(skb) > skip)
		ipoib_tx_sge(priv, &sge[n++], dma + skip,
			     skb_headlen(skb) - skip);

	for (i = 0; i < shinfo->nr_frags; i++) {
		frag = &shinfo->frags[i];
		dma = ib_dma_map_page(priv->ca, skb_frag_page(frag),
				      skb_frag_off(frag), skb_frag_size(frag),
				      DMA_TO_DEVICE);
		if (ib_dma_mapping_error(priv->ca, dma))
			goto err_frags;
		buf->dma[i + 1] = dma;
		ipoib_tx_sge(priv, &sge[n++], dma, skb_frag_size(frag));
	}
	return n;

err_frags:
	while (i--)
		ib_dma_unmap_page(priv->ca, buf->dma[i + 1],
				  skb_frag_size(&shinfo->frags[i]),
				  DMA_TO_DEVICE);
	ib_dma_unmap_single(priv->ca, buf->dma[0], skb_headlen(skb),
			    DMA_TO_DEVICE);
	return -EIO;
}

/*
 * Checksum offload: the device fills in IPv4 TCP/UDP checksums only, so a
 * partial checksum of anything else (NETIF_F_IP_CSUM promises just the
 * network protocol) is finished here. Returns the send flag to use, or a
 * negative errno.
 */
static int ipoib_tx_csum(struct sk_buff *skb)
{
	const struct iphdr *iph;

	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return 0;
	if (skb->protocol != htons(ETH_P_IP))
		return skb_checksum_help(skb);
	iph = ip_hdr(skb);
	if ((iph->protocol == IPPROTO_TCP &&
	     skb->csum_offset == offsetof(struct tcphdr, check)) ||
	    (iph->protocol == IPPROTO_UDP &&
	     skb->csum_offset == offsetof(struct udphdr, check)))
		if (skb_checksum_start(skb) == skb_transport_header(skb) &&
		    !ip_is_fragment(iph))
			return IB_SEND_IP_CSUM;
	return skb_checksum_help(skb);
}

/*
 * A GSO skb goes as one LSO send: its headers (IPoIB's included) are the
 * send's header, which the payload SGEs leave out.
 */
static void ipoib_tx_lso(struct sk_buff *skb, struct ib_ud_wr *wr)
{
	wr->wr.opcode = IB_WR_LSO;
	wr->header = skb->data;
	wr->hlen = skb_tcp_all_headers(skb);
	wr->mss = skb_shinfo(skb)->gso_size;
}

static int ipoib_tx_post(struct ipoib_dev *priv, struct ipoib_tx_buf *buf,
			 unsigned int idx, u32 qpn)
{
	struct ib_sge sge[MAX_SKB_FRAGS + 1];
	struct ib_ud_wr wr = { .wr.opcode = IB_WR_SEND };
	int csum, n;

	csum = ipoib_tx_csum(buf->skb);
	if (csum < 0)
		return csum;
	if (skb_is_gso(buf->skb))
		ipoib_tx_lso(buf->skb, &wr);
	n = ipoib_tx_map(priv, buf, sge, wr.hlen);
	if (n < 0)
		return n;
	wr.wr.wr_id = idx;
	wr.wr.send_flags = IB_SEND_SIGNALED | csum;
	wr.wr.sg_list = sge;
	wr.wr.num_sge = n;
	wr.ah = buf->ah->ib;
	wr.remote_qpn = qpn;
	wr.remote_qkey = priv->qkey;
	n = ib_post_send(priv->qp, &wr.wr, NULL);
	if (n)
		ipoib_tx_unmap(priv, buf);
	return n;
}

static void ipoib_tx_maybe_stop(struct ipoib_dev *priv)
{
	if (ipoib_tx_outstanding(priv) < priv->tx_size - 1)
		return;
	netif_stop_queue(priv->ndev);
	ipoib_count(priv, IPOIB_CNT_TX_QUEUE_STOPS);
	/* Pairs with the barrier in ipoib_tx_poll(): recheck after stopping. */
	smp_mb();
	if (ipoib_tx_outstanding(priv) < priv->tx_size - 1)
		netif_start_queue(priv->ndev);
}

static bool ipoib_tx_prepare(struct ipoib_dev *priv, struct sk_buff *skb)
{
	skb_pull(skb, IPOIB_PSEUDO_LEN);
	if (skb_is_gso(skb)) {
		/* only TCPv4 is offered (NETIF_F_TSO); its headers are linear */
		if (!(skb_shinfo(skb)->gso_type & SKB_GSO_TCPV4) ||
		    skb_headlen(skb) < skb_tcp_all_headers(skb))
			return false;
	} else if (skb->len > priv->ndev->mtu + IPOIB_ENCAP_LEN) {
		return false;
	}
	if (skb_shinfo(skb)->nr_frags + 1 > priv->max_send_sge &&
	    skb_linearize(skb))
		return false;
	return ipoib_tx_outstanding(priv) < priv->tx_size;
}

/**
 * ipoib_send - post one packet on the UD QP
 * @priv: interface
 * @skb: packet, still carrying the pseudo header
 * @ah: address handle; the caller's reference passes to this function
 * @qpn: destination QPN (IPOIB_MCAST_QPN for multicast)
 *
 * Called with the netdev transmit lock held (from ndo_start_xmit).
 *
 * Return: 0 if posted, else a negative errno; the packet is consumed.
 */
int ipoib_send(struct ipoib_dev *priv, struct sk_buff *skb,
	       struct ipoib_ah *ah, u32 qpn)
{
	unsigned int idx = priv->tx_head & (priv->tx_size - 1);
	struct ipoib_tx_buf *buf = &priv->tx_ring[idx];
	unsigned int len, segs;
	int ret = -EINVAL;

	if (!ipoib_tx_prepare(priv, skb))
		goto err_drop;
	len = skb->len;
	segs = skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
	/*
	 * The send completes when the device gets round to it, which on a
	 * busy host can be long after the packet left: give the socket its
	 * send-buffer accounting back now, or TCP Small Queues holds the
	 * sender while complete packets wait for their completions.
	 */
	skb_orphan(skb);
	skb_dst_drop(skb);
	buf->skb = skb;
	buf->ah = ah;
	ret = ipoib_tx_post(priv, buf, idx, qpn);
	if (ret) {
		buf->skb = NULL;
		buf->ah = NULL;
		goto err_drop;
	}
	priv->ndev->stats.tx_packets += segs;
	priv->ndev->stats.tx_bytes += len;
	WRITE_ONCE(priv->tx_head, priv->tx_head + 1);
	ipoib_tx_maybe_stop(priv);
	return 0;

err_drop:
	DEV_STATS_INC(priv->ndev, tx_dropped);
	dev_kfree_skb_any(skb);
	ipoib_ah_put(ah);
	return ret;
}

/* Give back what a posted send held: DMA mappings, the skb, the AH. */
static void ipoib_tx_release(struct ipoib_dev *priv, struct ipoib_tx_buf *buf,
			     bool sent)
{
	ipoib_tx_unmap(priv, buf);
	if (sent)
		dev_consume_skb_any(buf->skb);
	else
		dev_kfree_skb_any(buf->skb);
	ipoib_ah_put(buf->ah);
	buf->skb = NULL;
	buf->ah = NULL;
}

static void ipoib_tx_complete(struct ipoib_dev *priv, struct ib_wc *wc)
{
	unsigned int idx = wc->wr_id;
	struct ipoib_tx_buf *buf;

	if (WARN_ON_ONCE(idx >= priv->tx_size))
		return;
	buf = &priv->tx_ring[idx];
	if (wc->status != IB_WC_SUCCESS && wc->status != IB_WC_WR_FLUSH_ERR)
		DEV_STATS_INC(priv->ndev, tx_errors);
	/* A QP in the error state fails or flushes every send. */
	if (wc->status != IB_WC_SUCCESS)
		ipoib_recover_queue(priv, false);
	ipoib_tx_release(priv, buf, true);
	ipoib_tx_advance_tail(priv);
}

static int ipoib_tx_process(struct ipoib_dev *priv, int budget)
{
	struct ib_wc wcs[IPOIB_POLL_BATCH];
	int done = 0;
	int n, i;

	while (done < budget) {
		n = ib_poll_cq(priv->send_cq,
			       min(budget - done, IPOIB_POLL_BATCH), wcs);
		if (n <= 0)
			break;
		for (i = 0; i < n; i++)
			ipoib_tx_complete(priv, &wcs[i]);
		done += n;
	}
	return done;
}

/**
 * ipoib_tx_poll - NAPI poll of the send CQ
 * @napi: ipoib_dev.tx_napi
 * @budget: most completions to handle
 *
 * Return: completions handled.
 */
int ipoib_tx_poll(struct napi_struct *napi, int budget)
{
	struct ipoib_dev *priv = container_of(napi, struct ipoib_dev, tx_napi);
	int done;

	done = ipoib_tx_process(priv, budget);
	/* Pairs with the barrier in ipoib_tx_maybe_stop(). */
	smp_mb();
	if (netif_queue_stopped(priv->ndev) &&
	    test_bit(IPOIB_FLAG_RUNNING, &priv->flags) &&
	    ipoib_tx_outstanding(priv) <= priv->tx_size / 2)
		netif_wake_queue(priv->ndev);

	return ipoib_napi_done(napi, priv->send_cq, done, budget);
}

/**
 * ipoib_tx_drain - reap send completions with NAPI disabled
 * @priv: interface
 */
void ipoib_tx_drain(struct ipoib_dev *priv)
{
	ipoib_tx_process(priv, priv->tx_size);
}

/**
 * ipoib_tx_free - release every send still in the ring
 * @priv: interface whose QP is in RESET
 */
void ipoib_tx_free(struct ipoib_dev *priv)
{
	struct ipoib_tx_buf *buf;

	while (priv->tx_tail != priv->tx_head) {
		buf = &priv->tx_ring[priv->tx_tail & (priv->tx_size - 1)];
		if (buf->skb)
			ipoib_tx_release(priv, buf, false);
		ipoib_tx_advance_tail(priv);
	}
}

/**
 * ipoib_send_cq_event - completion handler of the send CQ
 * @cq: the CQ
 * @ctx: the interface
 */
void ipoib_send_cq_event(struct ib_cq *cq, void *ctx)
{
	struct ipoib_dev *priv = ctx;

	napi_schedule(&priv->tx_napi);
}
