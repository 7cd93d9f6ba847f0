// SPDX-License-Identifier: GPL-2.0
/*
 * The UD engine's IPoIB offloads, under the contract of the strictest
 * common HCA (mlx5), so that a ULP that leans on more than that fails here
 * as it would on hardware:
 *
 * - A device reports IB_DEVICE_UD_IP_CSUM when it has the "csum" offload
 *   and IBK_UD_TSO when it has "tso" (both by default; new_device can
 *   leave either out).
 * - Only a UD QP created with IB_QP_CREATE_IPOIB_UD_LSO, which a device
 *   with "tso" accepts, has offloads.  On it, IB_SEND_IP_CSUM fills in the
 *   IPv4 TCP/UDP checksum (if the device has "csum") and IB_WR_LSO cuts
 *   one send into packets.  On any other QP, IB_SEND_IP_CSUM is ignored:
 *   the packet leaves with whatever its checksum field holds, and IB_WR_LSO
 *   is refused when posted (-EINVAL).
 *
 * IB_WR_LSO (struct ib_ud_wr): @header holds @hlen bytes, the IPoIB
 * encapsulation header followed by the IPv4 and TCP headers; the SGEs hold
 * the TCP payload.  Each packet is the header plus at most @mss bytes of
 * payload, with the IPv4 total length, ID (one more per packet) and
 * checksum, the TCP sequence number, and FIN/PSH (last packet only) and
 * CWR (first only) made right; with IB_SEND_IP_CSUM, the TCP checksum is
 * computed from scratch.  The header is read when the send is processed,
 * so it must stay valid until the send completes (as it does in IPoIB,
 * where it is the skb's own data); that is stricter than an HCA, which
 * copies it when it is posted.
 *
 * Receivers must not have to trust senders: every IPv4 TCP or UDP packet
 * an IPoIB-sized QP sends is checked on the way out, and one whose IPv4
 * header or TCP/UDP checksum is wrong is counted (port stat bad_csum), so
 * that a test can assert nothing left unfinished.
 */
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/unaligned.h>
#include <net/checksum.h>
#include <net/ip.h>

#include "softib.h"

/* The IPoIB encapsulation header (RFC 4391) in front of the IP packet. */
#define SOFTIB_IPOIB_HLEN	4
/* The shortest LSO header: IPoIB's, then IPv4 and TCP without options. */
#define SOFTIB_LSO_MIN_HDR	(SOFTIB_IPOIB_HLEN + sizeof(struct iphdr) + \
				 sizeof(struct tcphdr))

/* The IPv4 header behind the IPoIB header of @buf (@len bytes), if any. */
static struct iphdr *softib_ipv4_hdr(u8 *buf, u32 len)
{
	struct iphdr *iph = (struct iphdr *)(buf + SOFTIB_IPOIB_HLEN);

	if (len < SOFTIB_IPOIB_HLEN + sizeof(*iph) ||
	    get_unaligned_be16(buf) != ETH_P_IP || iph->version != 4 ||
	    iph->ihl * 4 < sizeof(*iph) ||
	    iph->ihl * 4 > len - SOFTIB_IPOIB_HLEN)
		return NULL;
	return iph;
}

/*
 * The IPv4 packet behind the IPoIB header of @buf (@len bytes), if it is
 * one, no longer than the buffer; @tot gets its length.
 */
static struct iphdr *softib_ipv4(u8 *buf, u32 len, u32 *tot)
{
	struct iphdr *iph = softib_ipv4_hdr(buf, len);

	if (!iph)
		return NULL;
	*tot = ntohs(iph->tot_len);
	if (*tot < iph->ihl * 4 || *tot > len - SOFTIB_IPOIB_HLEN)
		return NULL;
	return iph;
}

/* Where the L4 checksum of an IPv4 TCP or UDP packet lives, or NULL. */
static __sum16 *softib_l4_check(struct iphdr *iph, u32 l4len)
{
	u8 *l4 = (u8 *)iph + iph->ihl * 4;

	if (ip_is_fragment(iph))
		return NULL;
	if (iph->protocol == IPPROTO_TCP && l4len >= sizeof(struct tcphdr))
		return &((struct tcphdr *)l4)->check;
	if (iph->protocol == IPPROTO_UDP && l4len >= sizeof(struct udphdr))
		return &((struct udphdr *)l4)->check;
	return NULL;
}

/**
 * softib_offload_csum - IB_SEND_IP_CSUM: fill in the TCP/UDP checksum
 * @buf: an IPoIB packet whose checksum field holds the pseudo-header sum,
 *	as the stack leaves it for CHECKSUM_PARTIAL
 * @len: its length
 *
 * Return: true if the packet now carries a checksum computed here; false
 * leaves it as it was (not an IPv4 TCP or UDP packet).
 */
bool softib_offload_csum(u8 *buf, u32 len)
{
	struct iphdr *iph = softib_ipv4(buf, len, &len);
	u32 ihl = iph ? iph->ihl * 4 : 0;
	__sum16 *check;
	__sum16 sum;

	if (!iph || ip_fast_csum(iph, iph->ihl))
		return false;
	check = softib_l4_check(iph, len - ihl);
	if (!check)
		return false;
	/* the field holds the pseudo-header sum: sum the rest over it */
	sum = csum_fold(csum_partial((u8 *)iph + ihl, len - ihl, 0));
	if (iph->protocol == IPPROTO_UDP && !sum)
		sum = CSUM_MANGLED_0;
	put_unaligned(sum, check);
	return true;
}

/**
 * softib_offload_csum_bad - an IPv4 TCP/UDP packet with a wrong checksum?
 * @buf: a UD payload
 * @len: its length
 *
 * Return: true if @buf is an IPoIB IPv4 packet whose header checksum, or
 * whose TCP or UDP checksum (UDP's may be absent), does not verify.
 */
bool softib_offload_csum_bad(const void *buf, u32 len)
{
	/* only read here */
	struct iphdr *iph = softib_ipv4((u8 *)buf, len, &len);
	u32 ihl = iph ? iph->ihl * 4 : 0;
	__sum16 *check;

	if (!iph)
		return false;
	if (ip_fast_csum(iph, iph->ihl))
		return true;
	check = softib_l4_check(iph, len - ihl);
	if (!check || (iph->protocol == IPPROTO_UDP && !get_unaligned(check)))
		return false;
	return csum_tcpudp_magic(iph->saddr, iph->daddr, len - ihl,
				 iph->protocol,
				 csum_partial((u8 *)iph + ihl, len - ihl, 0)) != 0;
}

/**
 * softib_lso_check - the checks an IB_WR_LSO send gets when posted
 * @wr: the work request
 * @len: its payload length (the sum of its SGEs)
 *
 * Return: 0, or -EINVAL for a header or MSS the engine cannot use.
 */
int softib_lso_check(const struct ib_ud_wr *wr, u32 len)
{
	if (!wr->header || wr->hlen < SOFTIB_LSO_MIN_HDR ||
	    wr->hlen > SOFTIB_LSO_MAX_HDR || !wr->mss ||
	    wr->hlen + wr->mss > SOFTIB_MAX_PAYLOAD || !len ||
	    len > SOFTIB_LSO_MAX_PAYLOAD)
		return -EINVAL;
	return 0;
}

/**
 * softib_lso_start - take an IB_WR_LSO send's header
 * @lso: the send's state, filled in here
 * @wr: the work request
 * @plen: its payload length
 * @csum: IB_SEND_IP_CSUM applies
 *
 * Return: true if the header is an IPoIB IPv4 TCP header of @wr->hlen
 * bytes exactly, so the send can be cut into packets.
 */
bool softib_lso_start(struct softib_lso *lso, const struct ib_ud_wr *wr,
		      u32 plen, bool csum)
{
	struct iphdr *iph;
	struct tcphdr *th;

	memcpy(lso->hdr, wr->header, wr->hlen);
	lso->hlen = wr->hlen;
	lso->mss = wr->mss;
	lso->plen = plen;
	lso->csum = csum;
	iph = softib_ipv4_hdr(lso->hdr, lso->hlen);
	if (!iph || iph->protocol != IPPROTO_TCP || ip_is_fragment(iph))
		return false;
	th = (struct tcphdr *)((u8 *)iph + iph->ihl * 4);
	if ((u8 *)(th + 1) > lso->hdr + lso->hlen ||
	    (u8 *)th + th->doff * 4 != lso->hdr + lso->hlen)
		return false;
	lso->nsegs = DIV_ROUND_UP(plen, lso->mss);
	return true;
}

/**
 * softib_lso_segment - build one packet of an IB_WR_LSO send
 * @lso: the send, as softib_lso_start() took it
 * @payload: all of its payload
 * @i: which packet, from 0 to @lso->nsegs - 1
 * @out: where to build it (SOFTIB_MAX_PAYLOAD bytes)
 *
 * Return: the packet's length.
 */
u32 softib_lso_segment(const struct softib_lso *lso, const u8 *payload,
		       u32 i, u8 *out)
{
	u32 off = i * lso->mss, n = min(lso->mss, lso->plen - off);
	struct iphdr *iph = (struct iphdr *)(out + SOFTIB_IPOIB_HLEN);
	struct tcphdr *th;
	u32 ihl, l4len;

	memcpy(out, lso->hdr, lso->hlen);
	memcpy(out + lso->hlen, payload + off, n);
	ihl = iph->ihl * 4;
	th = (struct tcphdr *)((u8 *)iph + ihl);
	l4len = lso->hlen - SOFTIB_IPOIB_HLEN - ihl + n;
	iph->tot_len = htons(ihl + l4len);
	iph->id = htons(ntohs(iph->id) + i);
	iph->check = 0;
	iph->check = ip_fast_csum(iph, iph->ihl);
	th->seq = htonl(ntohl(th->seq) + off);
	if (i + 1 < lso->nsegs) {
		th->fin = 0;
		th->psh = 0;
	}
	if (i)
		th->cwr = 0;
	if (lso->csum) {
		th->check = 0;
		th->check = csum_tcpudp_magic(iph->saddr, iph->daddr, l4len,
					      IPPROTO_TCP,
					      csum_partial(th, l4len, 0));
	}
	return lso->hlen + n;
}
