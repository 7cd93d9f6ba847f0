// SPDX-License-Identifier: GPL-2.0
/*
 * softib packets as they would be on an InfiniBand link.
 *
 * Inside one kernel a packet never exists as bytes: the packet engine
 * hands struct softib_pkt from QP to QP.  Where bytes are needed (a
 * capture, capture.c) softib_wire_build() lays the packet out as IBA
 * chapter 9 does for a UD SEND: LRH, the GRH if the packet has one, BTH,
 * DETH, the immediate data, the payload padded to 4 bytes, ICRC and VCRC.
 * Fields softib does not model are what a simple HCA puts there: VL 0,
 * LVer 0, TVer 0, PSN 0, no AckReq, migration state 0.
 *
 * The ICRC is the CRC-32 of IBA 7.8.1 over the packet with its variant
 * fields as ones (the whole LRH, the GRH's traffic class, flow label and
 * hop limit, the BTH's reserved byte), least significant byte first, as
 * RoCE, which took it over, sends it.  The VCRC is the CRC-16 of IBA 7.8.2
 * (polynomial 0x100B, seed all ones, complemented) over everything before
 * it.  tshark shows both but checks neither.
 */
#include <linux/crc32.h>
#include <linux/unaligned.h>

#include "softib.h"

#define SOFTIB_LNH_LOCAL	2	/* LRH.LNH: BTH next */
#define SOFTIB_LNH_GLOBAL	3	/* LRH.LNH: GRH next */
#define SOFTIB_OP_UD_SEND	0x64	/* BTH.OpCode: UD SEND Only */
#define SOFTIB_OP_UD_SEND_IMM	0x65	/* ... with Immediate */
#define SOFTIB_LRH_BYTES	8
#define SOFTIB_BTH_BYTES	12
#define SOFTIB_DETH_BYTES	8
#define SOFTIB_ICRC_BYTES	4
#define SOFTIB_VCRC_BYTES	2
#define SOFTIB_VCRC_POLY	0x100b

/* The headers after the LRH and GRH, and their length */
static u32 softib_wire_transport(u8 *p, u32 dqpn, const struct softib_pkt *pkt,
				 u32 pad)
{
	u8 se = pkt->solicited ? 0x80 : 0;

	p[0] = pkt->has_imm ? SOFTIB_OP_UD_SEND_IMM : SOFTIB_OP_UD_SEND;
	p[1] = se | pad << 4;
	put_unaligned_be16(pkt->pkey, p + 2);
	p[4] = 0;
	put_unaligned_be24(dqpn, p + 5);
	put_unaligned_be32(0, p + 8);		/* AckReq 0, PSN 0 */
	put_unaligned_be32(pkt->qkey, p + 12);
	p[16] = 0;
	put_unaligned_be24(pkt->src_qpn, p + 17);
	if (!pkt->has_imm)
		return SOFTIB_BTH_BYTES + SOFTIB_DETH_BYTES;
	memcpy(p + 20, &pkt->imm, sizeof(pkt->imm));
	return SOFTIB_BTH_BYTES + SOFTIB_DETH_BYTES + sizeof(pkt->imm);
}

static u32 softib_wire_icrc(const u8 *pkt, u32 len, bool grh)
{
	static const u8 lrh_ones[SOFTIB_LRH_BYTES] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	u8 hdr[sizeof(struct ib_grh) + SOFTIB_BTH_BYTES];
	u32 off = SOFTIB_LRH_BYTES, hlen = SOFTIB_BTH_BYTES, bth = 0;
	u32 crc;

	if (grh) {
		hlen += sizeof(struct ib_grh);
		bth = sizeof(struct ib_grh);
	}
	memcpy(hdr, pkt + off, hlen);
	if (grh) {
		hdr[0] |= 0x0f;			/* traffic class, high half */
		memset(hdr + 1, 0xff, 3);	/* the rest, flow label */
		hdr[7] = 0xff;			/* hop limit */
	}
	hdr[bth + 4] = 0xff;			/* BTH reserved byte */
	crc = crc32_le(~0U, lrh_ones, sizeof(lrh_ones));
	crc = crc32_le(crc, hdr, hlen);
	crc = crc32_le(crc, pkt + off + hlen, len - off - hlen);
	return ~crc;
}

static u16 softib_wire_vcrc(const u8 *p, u32 len)
{
	u16 crc = 0xffff;
	u32 i;
	int b;

	for (i = 0; i < len; i++) {
		crc ^= (u16)p[i] << 8;
		for (b = 0; b < 8; b++)
			crc = crc & 0x8000 ? crc << 1 ^ SOFTIB_VCRC_POLY :
					     crc << 1;
	}
	return ~crc;
}

/**
 * softib_wire_build - lay a UD packet out as on an InfiniBand link
 * @buf: where, at least SOFTIB_WIRE_MAX bytes
 * @dlid: its destination LID
 * @dqpn: its destination QP number
 * @pkt: the packet
 *
 * Return: the length of the packet in @buf, LRH to VCRC.
 */
u32 softib_wire_build(u8 *buf, u32 dlid, u32 dqpn,
		      const struct softib_pkt *pkt)
{
	u32 pad = -pkt->len & 3, off = SOFTIB_LRH_BYTES, tlen, len;
	struct ib_grh *grh;

	buf[0] = 0;				/* VL 0, LVer 0 */
	buf[1] = pkt->sl << 4 |
		 (pkt->has_grh ? SOFTIB_LNH_GLOBAL : SOFTIB_LNH_LOCAL);
	put_unaligned_be16(dlid, buf + 2);
	put_unaligned_be16(pkt->slid, buf + 6);
	if (pkt->has_grh) {
		grh = (struct ib_grh *)(buf + off);
		*grh = pkt->grh;
		grh->next_hdr = SOFTIB_GRH_NEXT_HDR;
		off += sizeof(*grh);
	}
	tlen = softib_wire_transport(buf + off, dqpn, pkt, pad);
	memcpy(buf + off + tlen, pkt->data, pkt->len);
	memset(buf + off + tlen + pkt->len, 0, pad);
	len = off + tlen + pkt->len + pad + SOFTIB_ICRC_BYTES;
	/* PktLen: 4-byte words from the LRH to the ICRC */
	put_unaligned_be16(len / 4, buf + 4);
	if (pkt->has_grh)
		grh->paylen = cpu_to_be16(len - off);	/* after the GRH */
	put_unaligned_le32(softib_wire_icrc(buf, len - SOFTIB_ICRC_BYTES,
					    pkt->has_grh),
			   buf + len - SOFTIB_ICRC_BYTES);
	put_unaligned_be16(softib_wire_vcrc(buf, len), buf + len);
	return len + SOFTIB_VCRC_BYTES;
}
