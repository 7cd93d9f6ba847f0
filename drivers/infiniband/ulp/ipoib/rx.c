// SPDX-License-Identifier: GPL-2.0
/*
 * Receive side: a ring of single-SGE buffers posted on the UD QP and a NAPI
 * context polling the receive CQ.
 *
 * Buffers are pages from a per-interface page pool. Every UD receive starts
 * with 40 bytes reserved for the GRH, then the 4-byte IPoIB header, then
 * the IP packet; the data starts IPOIB_RX_HEADROOM into the page, so the IP
 * header lands 16-byte aligned and an skb can be built around the page.
 * Once the GRH is read, its last 20 bytes become a zeroed pseudo header, so
 * the link header the stack sees has the transmit side's layout and length
 * (IPOIB_HARD_LEN). Small packets are copied into a right-sized skb (so
 * socket buffers account them cheaply) and the buffer is reposted; larger
 * ones are handed up in their page, which returns to the pool when the skb
 * is freed, and a page from the pool takes the slot. If no memory is
 * available the packet is dropped and the old buffer reposted, so the ring
 * never shrinks.
 */
#include <net/page_pool/helpers.h>

#include "ipoib.h"

#define IPOIB_RX_ALIGN		4
/* Packets up to this size (after the GRH) are copied, not swapped. */
#define IPOIB_RX_COPYBREAK	256
#define IPOIB_POLL_BATCH	8

/* Pool pages per receive slot: the ring, plus what sockets hold a while. */
#define IPOIB_RX_POOL_FACTOR	4
#define IPOIB_RX_POOL_MIN	1024
#define IPOIB_RX_POOL_LIMIT	32768	/* page_pool's largest ring */

static unsigned int ipoib_rx_order(const struct ipoib_dev *priv)
{
	return get_order(IPOIB_RX_HEADROOM + priv->rx_buf_size +
			 SKB_DATA_ALIGN(sizeof(struct skb_shared_info)));
}

/**
 * ipoib_rx_truesize - bytes of one receive page
 * @priv: interface whose rx_buf_size is set
 *
 * Return: the size of the pages ipoib_rx_pool_create() hands out.
 */
unsigned int ipoib_rx_truesize(const struct ipoib_dev *priv)
{
	return PAGE_SIZE << ipoib_rx_order(priv);
}

/**
 * ipoib_rx_pool_create - create a page pool for a receive ring
 * @priv: interface whose rx_buf_size is set
 * @ring: entries of the ring the pool feeds
 *
 * Return: the pool or an ERR_PTR().
 */
struct page_pool *ipoib_rx_pool_create(struct ipoib_dev *priv,
				       unsigned int ring)
{
	struct page_pool_params pp = {
		.order = ipoib_rx_order(priv),
		.pool_size = clamp(ring * IPOIB_RX_POOL_FACTOR,
				   IPOIB_RX_POOL_MIN, IPOIB_RX_POOL_LIMIT),
		.nid = NUMA_NO_NODE,
	};

	return page_pool_create(&pp);
}

static int ipoib_rx_alloc(struct ipoib_dev *priv, struct ipoib_rx_buf *buf,
			  gfp_t gfp)
{
	struct page *page;
	u64 dma;

	page = page_pool_alloc_pages(priv->rx_pool, gfp | __GFP_NOWARN);
	if (!page)
		return -ENOMEM;
	dma = ib_dma_map_page(priv->ca, page, IPOIB_RX_HEADROOM,
			      priv->rx_buf_size, DMA_FROM_DEVICE);
	if (ib_dma_mapping_error(priv->ca, dma)) {
		page_pool_put_full_page(priv->rx_pool, page, false);
		return -EIO;
	}
	buf->page = page;
	buf->dma = dma;
	return 0;
}

static void ipoib_rx_unmap(struct ipoib_dev *priv, struct ipoib_rx_buf *buf)
{
	ib_dma_unmap_page(priv->ca, buf->dma, priv->rx_buf_size,
			  DMA_FROM_DEVICE);
}

static void *ipoib_rx_data(struct ipoib_rx_buf *buf)
{
	return page_address(buf->page) + IPOIB_RX_HEADROOM;
}

static int ipoib_rx_post(struct ipoib_dev *priv, unsigned int idx)
{
	struct ipoib_rx_buf *buf = &priv->rx_ring[idx];
	struct ib_sge sge = {
		.addr = buf->dma,
		.length = priv->rx_buf_size,
		.lkey = priv->pd->local_dma_lkey,
	};
	struct ib_recv_wr wr = {
		.wr_id = idx | IPOIB_RX_WRID,
		.sg_list = &sge,
		.num_sge = 1,
	};

	return ib_post_recv(priv->qp, &wr, NULL);
}

static void ipoib_rx_release(struct ipoib_dev *priv, struct ipoib_rx_buf *buf)
{
	ipoib_rx_unmap(priv, buf);
	page_pool_put_full_page(priv->rx_pool, buf->page, false);
	buf->page = NULL;
}

/**
 * ipoib_rx_fill - post a buffer in every slot of the receive ring
 * @priv: interface whose QP is at least in INIT
 *
 * Return: 0 or a negative errno; ipoib_rx_free() releases partial work.
 */
int ipoib_rx_fill(struct ipoib_dev *priv)
{
	unsigned int i;
	int ret;

	for (i = 0; i < priv->rx_size; i++) {
		ret = ipoib_rx_alloc(priv, &priv->rx_ring[i], GFP_KERNEL);
		if (ret)
			return ret;
		ret = ipoib_rx_post(priv, i);
		if (ret) {
			ipoib_rx_release(priv, &priv->rx_ring[i]);
			return ret;
		}
	}
	return 0;
}

static bool ipoib_rx_from_self(struct ipoib_dev *priv, struct ib_wc *wc)
{
	return wc->slid == priv->local_lid && wc->src_qp == priv->qp->qp_num;
}

static void ipoib_rx_set_type(struct ipoib_dev *priv, struct sk_buff *skb,
			      struct ib_wc *wc)
{
	const struct ib_grh *grh = (const struct ib_grh *)skb->data;
	const u8 *dgid = grh->dgid.raw;

	skb->pkt_type = PACKET_HOST;
	if (!(wc->wc_flags & IB_WC_GRH) || dgid[0] != 0xff)
		return;
	if (ipoib_is_bcast_mgid(priv, dgid))
		skb->pkt_type = PACKET_BROADCAST;
	else
		skb->pkt_type = PACKET_MULTICAST;
}

static void ipoib_rx_deliver(struct ipoib_dev *priv, struct sk_buff *skb,
			     struct ib_wc *wc)
{
	struct net_device *ndev = priv->ndev;
	const struct ipoib_encap *encap;

	ipoib_rx_set_type(priv, skb, wc);
	encap = (const struct ipoib_encap *)(skb->data + IPOIB_GRH_LEN);
	skb->protocol = encap->proto;

	/*
	 * The link header is hard_header_len bytes, as on transmit: a
	 * pseudo header, zeroed in the tail of the consumed GRH area, then
	 * the encapsulation header. GRO compares those bytes to match
	 * packets of a flow; anything variable there (IP header bytes,
	 * stale GRH bytes) would keep it from ever merging.
	 */
	skb_pull(skb, IPOIB_GRH_LEN - IPOIB_PSEUDO_LEN);
	memset(skb->data, 0, IPOIB_PSEUDO_LEN);
	skb_reset_mac_header(skb);
	skb_pull(skb, IPOIB_HARD_LEN);
	skb->dev = ndev;
	if ((wc->wc_flags & IB_WC_IP_CSUM_OK) && (ndev->features & NETIF_F_RXCSUM))
		skb->ip_summed = CHECKSUM_UNNECESSARY;

	ndev->stats.rx_packets++;
	ndev->stats.rx_bytes += skb->len;
	if (skb->pkt_type != PACKET_HOST)
		ndev->stats.multicast++;
	napi_gro_receive(&priv->rx_napi, skb);
}

/* Small packet: copy it out and keep the big buffer in the ring. */
static struct sk_buff *ipoib_rx_copy(struct ipoib_dev *priv,
				     struct ipoib_rx_buf *buf, unsigned int len)
{
	struct sk_buff *skb;

	skb = napi_alloc_skb(&priv->rx_napi, len + IPOIB_RX_ALIGN);
	if (!skb)
		return NULL;
	skb_reserve(skb, IPOIB_RX_ALIGN);
	ib_dma_sync_single_for_cpu(priv->ca, buf->dma, len, DMA_FROM_DEVICE);
	skb_put_data(skb, ipoib_rx_data(buf), len);
	ib_dma_sync_single_for_device(priv->ca, buf->dma, len, DMA_FROM_DEVICE);
	return skb;
}

/*
 * Large packet: build an skb around the page and put a fresh one in its
 * slot. The skb gives the page back to the pool when it is freed, so
 * steady traffic recycles pages instead of allocating (and zeroing) new
 * ones.
 */
static struct sk_buff *ipoib_rx_swap(struct ipoib_dev *priv,
				     struct ipoib_rx_buf *buf, unsigned int len)
{
	struct ipoib_rx_buf fresh;
	struct sk_buff *skb;

	if (ipoib_rx_alloc(priv, &fresh, GFP_ATOMIC))
		return NULL;
	ipoib_rx_unmap(priv, buf);
	skb = napi_build_skb(page_address(buf->page), priv->rx_truesize);
	if (!skb)
		page_pool_put_full_page(priv->rx_pool, buf->page, false);
	*buf = fresh;
	if (!skb)
		return NULL;
	skb_mark_for_recycle(skb);
	skb_reserve(skb, IPOIB_RX_HEADROOM);
	skb_put(skb, len);
	return skb;
}

/* The packet to deliver, or NULL to drop it; @buf stays ready to post. */
static struct sk_buff *ipoib_rx_take(struct ipoib_dev *priv,
				     struct ipoib_rx_buf *buf, struct ib_wc *wc)
{
	unsigned int len = wc->byte_len;
	struct sk_buff *skb;

	if (len < IPOIB_GRH_LEN + IPOIB_ENCAP_LEN || ipoib_rx_from_self(priv, wc))
		return NULL;
	if (len <= IPOIB_GRH_LEN + IPOIB_RX_COPYBREAK)
		skb = ipoib_rx_copy(priv, buf, len);
	else
		skb = ipoib_rx_swap(priv, buf, len);
	if (!skb) {
		ipoib_count(priv, IPOIB_CNT_RX_ALLOC_FAILURES);
		DEV_STATS_INC(priv->ndev, rx_dropped);
	}
	return skb;
}

static void ipoib_rx_complete(struct ipoib_dev *priv, struct ib_wc *wc,
			      bool deliver)
{
	unsigned int idx = wc->wr_id & ~IPOIB_RX_WRID;
	struct sk_buff *skb = NULL;
	struct ipoib_rx_buf *buf;

	if (WARN_ON_ONCE(idx >= priv->rx_size))
		return;
	buf = &priv->rx_ring[idx];
	if (!deliver || wc->status == IB_WC_WR_FLUSH_ERR) {
		ipoib_rx_release(priv, buf);
		return;
	}
	if (wc->status == IB_WC_SUCCESS)
		skb = ipoib_rx_take(priv, buf, wc);
	else
		DEV_STATS_INC(priv->ndev, rx_errors);
	if (ipoib_rx_post(priv, idx))
		ipoib_rx_release(priv, buf);
	if (skb)
		ipoib_rx_deliver(priv, skb, wc);
}

static int ipoib_rx_process(struct ipoib_dev *priv, int budget, bool deliver)
{
	struct ib_wc wcs[IPOIB_POLL_BATCH];
	int done = 0;
	int n, i;

	while (done < budget) {
		n = ib_poll_cq(priv->recv_cq,
			       min(budget - done, IPOIB_POLL_BATCH), wcs);
		if (n <= 0)
			break;
		for (i = 0; i < n; i++)
			ipoib_rx_complete(priv, &wcs[i], deliver);
		done += n;
	}
	return done;
}

/**
 * ipoib_rx_poll - NAPI poll of the receive CQ
 * @napi: ipoib_dev.rx_napi
 * @budget: most completions to handle
 *
 * Return: completions handled.
 */
int ipoib_rx_poll(struct napi_struct *napi, int budget)
{
	struct ipoib_dev *priv = container_of(napi, struct ipoib_dev, rx_napi);
	int done;

	done = ipoib_rx_process(priv, budget, true);
	return ipoib_napi_done(napi, priv->recv_cq, done, budget);
}

/**
 * ipoib_napi_done - end a NAPI poll that did less than its budget
 * @napi: the poll's NAPI context
 * @cq: the completion queue it polls
 * @done: completions handled
 * @budget: the poll's budget
 *
 * Re-arms @cq and polls again if completions slipped in meanwhile.
 *
 * Return: @done, for the poll function to return.
 */
int ipoib_napi_done(struct napi_struct *napi, struct ib_cq *cq, int done,
		    int budget)
{
	if (done < budget && napi_complete_done(napi, done) &&
	    ib_req_notify_cq(cq, IB_CQ_NEXT_COMP |
			     IB_CQ_REPORT_MISSED_EVENTS) > 0)
		napi_schedule(napi);
	return done;
}

/**
 * ipoib_rx_drain - reap receive completions without delivering them
 * @priv: interface whose receive NAPI is disabled
 */
void ipoib_rx_drain(struct ipoib_dev *priv)
{
	ipoib_rx_process(priv, priv->rx_size, false);
}

/**
 * ipoib_rx_free - release every buffer still in the receive ring
 * @priv: interface whose QP is in RESET
 */
void ipoib_rx_free(struct ipoib_dev *priv)
{
	unsigned int i;

	for (i = 0; i < priv->rx_size; i++)
		if (priv->rx_ring[i].page)
			ipoib_rx_release(priv, &priv->rx_ring[i]);
}

/**
 * ipoib_recv_cq_event - completion handler of the receive CQ
 * @cq: the CQ
 * @ctx: the interface
 */
void ipoib_recv_cq_event(struct ib_cq *cq, void *ctx)
{
	struct ipoib_dev *priv = ctx;

	napi_schedule(&priv->rx_napi);
}
