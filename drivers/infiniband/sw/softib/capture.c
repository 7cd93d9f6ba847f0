// SPDX-License-Identifier: GPL-2.0
/*
 * Recording one port's traffic as a pcap file that tshark decodes.
 *
 * /sys/kernel/debug/softib/capture takes "ID PORT COUNT": from then on the
 * next COUNT (1 to SOFTIB_CAP_MAX) packets port PORT of softib<ID> sends
 * onto the subnet or receives from it are laid out as on the link (wire.c)
 * and kept, dropping those of the last capture; "off" ends a capture
 * early.  The device need not exist yet.  Reading the file shows the
 * capture; reading capture.pcap gives the packets kept, as a pcap file of
 * link type ERF whose records are of ERF type InfiniBand, the format of
 * Mellanox's ibdump (Debian 12's tshark does not read the InfiniBand link
 * type, 247).  An ERF record's interface is 0 for a packet the port sent,
 * 1 for one it received.
 *
 * Captured are the data and QP1 packets the port sends (those counted in
 * tx_packets) and the ones the subnet brings it: unicast, the multicast
 * the switch forwards to it, the SA's answers.  Not captured: SMPs, and
 * the copy of its own multicast a port's HCA loops back.
 *
 * All of it runs in process context; softib_cap_lock, a spinlock because
 * the packet engine calls in under rcu_read_lock(), protects softib_cap
 * and the list of records.  A reader copies the records under it.
 */
#include <linux/debugfs.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <linux/vmalloc.h>

#include "softib.h"

#define SOFTIB_CAP_MAX		10000
#define SOFTIB_PCAP_MAGIC	0xa1b2c3d4
#define SOFTIB_PCAP_ERF		197	/* LINKTYPE_ERF */
#define SOFTIB_ERF_INFINIBAND	21	/* ERF record type */
#define SOFTIB_ERF_VLEN		0x04	/* ERF flags: variable length */
#define SOFTIB_ERF_HDR		16
#define SOFTIB_PCAP_HDR		24
#define SOFTIB_PCAP_REC		16

/**
 * struct softib_cap_rec - one packet kept
 * @list: entry in softib_cap_recs
 * @ns: when, CLOCK_REALTIME
 * @rx: the port received it (else sent it)
 * @len: bytes in @data
 * @data: the packet, LRH to VCRC
 */
struct softib_cap_rec {
	struct list_head list;
	u64 ns;
	bool rx;
	u32 len;
	u8 data[];
};

struct softib_capture softib_cap;
/* protects softib_cap, softib_cap_recs, softib_cap_kept, softib_cap_buf */
static DEFINE_SPINLOCK(softib_cap_lock);
static LIST_HEAD(softib_cap_recs);
static u32 softib_cap_kept;
/* where packets are laid out, under softib_cap_lock */
static u8 softib_cap_buf[SOFTIB_WIRE_MAX];

/**
 * __softib_capture - keep a packet of the port being captured
 * @port: the port that sent or received it
 * @rx: it received it
 * @dlid: its destination LID
 * @dqpn: its destination QP number
 * @pkt: the packet
 *
 * Called by softib_capture() once it has seen a capture running.
 */
void __softib_capture(const struct softib_port *port, bool rx, u32 dlid,
		      u32 dqpn, const struct softib_pkt *pkt)
{
	struct softib_cap_rec *rec;
	u32 len;

	spin_lock(&softib_cap_lock);
	if (!softib_cap.left || softib_cap.id != port->sdev->id ||
	    softib_cap.port != port->num)
		goto out;
	len = softib_wire_build(softib_cap_buf, dlid, dqpn, pkt);
	rec = kmalloc(struct_size(rec, data, len), GFP_ATOMIC);
	if (!rec)
		goto out;
	rec->ns = ktime_get_real_ns();
	rec->rx = rx;
	rec->len = len;
	memcpy(rec->data, softib_cap_buf, len);
	list_add_tail(&rec->list, &softib_cap_recs);
	softib_cap_kept++;
	WRITE_ONCE(softib_cap.left, softib_cap.left - 1);
out:
	spin_unlock(&softib_cap_lock);
}

static void softib_cap_free(struct list_head *recs)
{
	struct softib_cap_rec *rec, *tmp;

	list_for_each_entry_safe(rec, tmp, recs, list)
		kfree(rec);
}

/* Start a capture (@left > 0) or end one, dropping the old records. */
static void softib_cap_start(u32 id, u32 port, u32 left)
{
	LIST_HEAD(old);

	spin_lock(&softib_cap_lock);
	if (left) {
		list_splice_init(&softib_cap_recs, &old);
		softib_cap_kept = 0;
		softib_cap.id = id;
		softib_cap.port = port;
	}
	WRITE_ONCE(softib_cap.left, left);
	spin_unlock(&softib_cap_lock);
	softib_cap_free(&old);
}

static ssize_t softib_cap_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	char buf[32];
	u32 id, port, n;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = 0;
	if (sysfs_streq(buf, "off")) {
		softib_cap_start(0, 0, 0);
		return count;
	}
	if (sscanf(buf, "%u %u %u", &id, &port, &n) != 3 ||
	    id > SOFTIB_MAX_ID || !port || port > SOFTIB_MAX_PORTS || !n ||
	    n > SOFTIB_CAP_MAX)
		return -EINVAL;
	softib_cap_start(id, port, n);
	return count;
}

static int softib_cap_show(struct seq_file *s, void *unused)
{
	spin_lock(&softib_cap_lock);
	seq_printf(s, "dev=softib%u port=%u left=%u kept=%u\n", softib_cap.id,
		   softib_cap.port, softib_cap.left, softib_cap_kept);
	spin_unlock(&softib_cap_lock);
	return 0;
}

static int softib_cap_open(struct inode *inode, struct file *file)
{
	return single_open(file, softib_cap_show, NULL);
}

static const struct file_operations softib_cap_fops = {
	.owner = THIS_MODULE,
	.open = softib_cap_open,
	.read = seq_read,
	.write = softib_cap_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/**
 * struct softib_pcap - a pcap file being read
 * @len: bytes in @data
 * @data: the file
 */
struct softib_pcap {
	size_t len;
	u8 data[];
};

static u8 *softib_pcap_rec(u8 *p, const struct softib_cap_rec *rec)
{
	u64 sec = div_u64(rec->ns, NSEC_PER_SEC);
	u32 ns = rec->ns - sec * NSEC_PER_SEC;
	u32 rlen = SOFTIB_ERF_HDR + rec->len;

	put_unaligned_le32(sec, p);
	put_unaligned_le32(ns / NSEC_PER_USEC, p + 4);
	put_unaligned_le32(rlen, p + 8);
	put_unaligned_le32(rlen, p + 12);
	p += SOFTIB_PCAP_REC;
	/* ERF: seconds and a binary fraction of a second, little endian */
	put_unaligned_le64(sec << 32 | div_u64((u64)ns << 32, NSEC_PER_SEC), p);
	p[8] = SOFTIB_ERF_INFINIBAND;
	p[9] = SOFTIB_ERF_VLEN | rec->rx;
	put_unaligned_be16(rlen, p + 10);
	put_unaligned_be16(0, p + 12);		/* loss counter */
	put_unaligned_be16(rec->len, p + 14);	/* wire length */
	p += SOFTIB_ERF_HDR;
	memcpy(p, rec->data, rec->len);
	return p + rec->len;
}

static void softib_pcap_header(u8 *p)
{
	put_unaligned_le32(SOFTIB_PCAP_MAGIC, p);
	put_unaligned_le16(2, p + 4);		/* version 2.4 */
	put_unaligned_le16(4, p + 6);
	put_unaligned_le32(0, p + 8);		/* UTC */
	put_unaligned_le32(0, p + 12);		/* accuracy */
	put_unaligned_le32(SOFTIB_WIRE_MAX + SOFTIB_ERF_HDR, p + 16);
	put_unaligned_le32(SOFTIB_PCAP_ERF, p + 20);
}

/* Snapshot the records into a pcap file; records added meanwhile wait. */
static int softib_pcap_open(struct inode *inode, struct file *file)
{
	struct softib_cap_rec *rec;
	struct softib_pcap *pcap;
	size_t cap;
	u8 *p;

	spin_lock(&softib_cap_lock);
	cap = SOFTIB_PCAP_HDR;
	list_for_each_entry(rec, &softib_cap_recs, list)
		cap += SOFTIB_PCAP_REC + SOFTIB_ERF_HDR + rec->len;
	spin_unlock(&softib_cap_lock);
	pcap = vmalloc(struct_size(pcap, data, cap));
	if (!pcap)
		return -ENOMEM;
	p = pcap->data;
	softib_pcap_header(p);
	p += SOFTIB_PCAP_HDR;
	spin_lock(&softib_cap_lock);
	list_for_each_entry(rec, &softib_cap_recs, list) {
		if (p + SOFTIB_PCAP_REC + SOFTIB_ERF_HDR + rec->len >
		    pcap->data + cap)
			break;
		p = softib_pcap_rec(p, rec);
	}
	spin_unlock(&softib_cap_lock);
	pcap->len = p - pcap->data;
	file->private_data = pcap;
	return nonseekable_open(inode, file);
}

static ssize_t softib_pcap_read(struct file *file, char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct softib_pcap *pcap = file->private_data;

	return simple_read_from_buffer(ubuf, count, ppos, pcap->data,
				       pcap->len);
}

static int softib_pcap_release(struct inode *inode, struct file *file)
{
	vfree(file->private_data);
	return 0;
}

static const struct file_operations softib_pcap_fops = {
	.owner = THIS_MODULE,
	.open = softib_pcap_open,
	.read = softib_pcap_read,
	.release = softib_pcap_release,
};

/**
 * softib_capture_init - create the capture files
 * @dir: softib's debugfs directory
 */
void softib_capture_init(struct dentry *dir)
{
	debugfs_create_file("capture", 0644, dir, NULL, &softib_cap_fops);
	debugfs_create_file("capture.pcap", 0400, dir, NULL, &softib_pcap_fops);
}

/**
 * softib_capture_exit - drop the records
 *
 * Called once the files are gone and no packet can move.
 */
void softib_capture_exit(void)
{
	softib_cap_start(0, 0, 0);
	softib_cap_free(&softib_cap_recs);
	INIT_LIST_HEAD(&softib_cap_recs);
}
