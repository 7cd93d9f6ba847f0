// SPDX-License-Identifier: GPL-2.0
/*
 * The embedded SA's RMPP sender (IBA 13.6): answers longer than a MAD.
 *
 * A GetTableResp goes out as RMPP DATA segments, each a whole MAD with
 * the request's MAD and SA headers and the next IB_MGMT_SA_DATA bytes of
 * records.  The first segment's PayloadLength is that of the whole
 * transfer, the last's that of its own payload, SA header included, so
 * that the receiver can tell where the records end.  A one-segment table
 * is an RMPP transfer too, FIRST and LAST at once.
 *
 * The receiver (ib_mad's RMPP, on behalf of saquery or any client)
 * acknowledges with ACK(SegmentNumber, NewWindowLast).  As IBA has it,
 * the sender starts with a window of one segment and sends, on each ACK,
 * the segments up to the window it opens.  A transfer ends when its last
 * segment is acknowledged, when the receiver sends STOP or ABORT, when
 * its port goes, or after SOFTIB_RMPP_TRIES timeouts without an ACK,
 * each of which sends again every segment after the last acknowledged.
 * A new request with the transfer's TID from the same port replaces it.
 *
 * Transfers start, take ACKs and time out on the SA's ordered workqueue,
 * so those never run at once; softib_rmpp_lock makes them and
 * softib_sa_rmpp_exit() agree on the list of transfers and their state.
 * A transfer is freed by whoever takes it off the list.
 */
#include <linux/slab.h>

#include "sa.h"

#define SOFTIB_RMPP_SEG		IB_MGMT_SA_DATA	/* bytes of records */
#define SOFTIB_RMPP_SA_HDR	(IB_MGMT_SA_HDR - IB_MGMT_RMPP_HDR)
#define SOFTIB_RMPP_TIMEOUT_MS	1000
#define SOFTIB_RMPP_TRIES	5

/**
 * struct softib_rmpp_tx - one table on its way to a requester
 * @list: entry in softib_rmpp_txs
 * @timeout: resends the unacknowledged segments; on the SA's workqueue
 * @to: the requesting port
 * @pkey: the P_Key of the request
 * @hdr: the headers of every segment (the data part is unused)
 * @table: the records, @len bytes
 * @len: bytes in @table
 * @segs: segments in the transfer, at least one
 * @acked: segments acknowledged (the ACK's SegmentNumber)
 * @sent: segments sent since the last timeout
 * @window: the last segment the receiver is ready for
 * @tries: timeouts in a row
 */
struct softib_rmpp_tx {
	struct list_head list;
	struct delayed_work timeout;
	struct softib_port_ref to;
	u16 pkey;
	struct ib_sa_mad hdr;
	u8 *table;
	u32 len;
	u32 segs;
	u32 acked;
	u32 sent;
	u32 window;
	u8 tries;
};

/* protects softib_rmpp_txs, the state of each transfer, and stopping */
static DEFINE_MUTEX(softib_rmpp_lock);
static LIST_HEAD(softib_rmpp_txs);
static bool softib_rmpp_stopping;

static u8 softib_rmpp_flags(const struct ib_sa_mad *mad)
{
	return ib_get_rmpp_flags((struct ib_rmpp_hdr *)&mad->rmpp_hdr);
}

/**
 * softib_sa_rmpp_request - is a MAD an ordinary request?
 * @mad: a MAD that came to the SA
 *
 * Return: true for a MAD without RMPP, or RMPP DATA that fits one
 * segment; false for what the RMPP sender handles (ACK, STOP, ABORT) or
 * ignores (a request of several segments: the SA takes none).
 */
bool softib_sa_rmpp_request(const struct ib_sa_mad *mad)
{
	u8 whole = IB_MGMT_RMPP_FLAG_FIRST | IB_MGMT_RMPP_FLAG_LAST;
	u8 flags = softib_rmpp_flags(mad);

	if (!(flags & IB_MGMT_RMPP_FLAG_ACTIVE))
		return true;
	return mad->rmpp_hdr.rmpp_type == IB_MGMT_RMPP_TYPE_DATA &&
	       (flags & whole) == whole;
}

static void softib_rmpp_free(struct softib_rmpp_tx *tx)
{
	kvfree(tx->table);
	kfree(tx);
}

/*
 * Off the list and freed.  Called on the SA's workqueue, where the
 * timeout cannot be running: cancelling it is enough.
 */
static void softib_rmpp_end(struct softib_rmpp_tx *tx)
{
	lockdep_assert_held(&softib_rmpp_lock);
	list_del(&tx->list);
	cancel_delayed_work(&tx->timeout);
	softib_rmpp_free(tx);
}

/* Segment @n (from 1) of @tx; false if its port is gone. */
static bool softib_rmpp_send_seg(struct softib_rmpp_tx *tx, u32 n)
{
	u32 off = (n - 1) * SOFTIB_RMPP_SEG;
	u32 bytes = min_t(u32, tx->len - off, SOFTIB_RMPP_SEG);
	struct ib_rmpp_hdr *rh;
	struct ib_sa_mad *mad;
	u8 flags = IB_MGMT_RMPP_FLAG_ACTIVE;
	u32 paylen = 0;
	bool live;

	mad = kmemdup(&tx->hdr, sizeof(*mad), GFP_KERNEL);
	if (!mad)
		return true;	/* as if lost: the timeout sends it again */
	rh = (struct ib_rmpp_hdr *)&mad->rmpp_hdr;
	if (n == 1) {
		flags |= IB_MGMT_RMPP_FLAG_FIRST;
		paylen = tx->segs * SOFTIB_RMPP_SA_HDR + tx->len;
	}
	if (n == tx->segs) {
		flags |= IB_MGMT_RMPP_FLAG_LAST;
		paylen = SOFTIB_RMPP_SA_HDR + bytes;
	}
	rh->rmpp_version = IB_MGMT_RMPP_VERSION;
	rh->rmpp_type = IB_MGMT_RMPP_TYPE_DATA;
	ib_set_rmpp_resptime(rh, IB_MGMT_RMPP_NO_RESPTIME);
	ib_set_rmpp_flags(rh, flags);
	rh->seg_num = cpu_to_be32(n);
	rh->paylen_newwin = cpu_to_be32(paylen);
	if (bytes)
		memcpy(mad->data, tx->table + off, bytes);
	live = softib_sa_send(&tx->to, tx->pkey, mad);
	kfree(mad);
	return live;
}

/* Send what the window allows, then wait for an ACK; false: port gone */
static bool softib_rmpp_send_window(struct softib_rmpp_tx *tx)
{
	lockdep_assert_held(&softib_rmpp_lock);
	while (tx->sent < min(tx->window, tx->segs))
		if (!softib_rmpp_send_seg(tx, ++tx->sent))
			return false;
	softib_sa_arm(&tx->timeout, msecs_to_jiffies(SOFTIB_RMPP_TIMEOUT_MS));
	return true;
}

static void softib_rmpp_timeout(struct work_struct *work)
{
	struct softib_rmpp_tx *tx = container_of(to_delayed_work(work),
						 struct softib_rmpp_tx,
						 timeout);

	mutex_lock(&softib_rmpp_lock);
	/* softib_sa_rmpp_exit() owns every transfer now */
	if (softib_rmpp_stopping)
		goto out;
	tx->sent = tx->acked;
	if (++tx->tries > SOFTIB_RMPP_TRIES || !softib_rmpp_send_window(tx)) {
		/* not softib_rmpp_end(): this is the timeout itself */
		list_del(&tx->list);
		softib_rmpp_free(tx);
	}
out:
	mutex_unlock(&softib_rmpp_lock);
}

static struct softib_rmpp_tx *softib_rmpp_find(__be64 tid,
					       const struct softib_port_ref *from)
{
	struct softib_rmpp_tx *tx;

	lockdep_assert_held(&softib_rmpp_lock);
	list_for_each_entry(tx, &softib_rmpp_txs, list)
		if (tx->hdr.mad_hdr.tid == tid && tx->to.lid == from->lid &&
		    !memcmp(&tx->to.gid, &from->gid, sizeof(from->gid)))
			return tx;
	return NULL;
}

/**
 * softib_sa_rmpp_send - send a table to the requester, by RMPP
 * @req: the GetTable request, its headers already those of the answer
 * @table: the records, from kvmalloc(); the transfer owns it from now on
 * @len: bytes in @table, a multiple of 8 * @attr_offset (0 for none)
 * @attr_offset: the record size in 8-byte words
 *
 * Context: the SA's workqueue.
 */
void softib_sa_rmpp_send(struct softib_sa_req *req, u8 *table, u32 len,
			 u16 attr_offset)
{
	struct softib_rmpp_tx *tx, *old;

	tx = kzalloc(sizeof(*tx), GFP_KERNEL);
	if (!tx) {
		kvfree(table);
		return;
	}
	INIT_DELAYED_WORK(&tx->timeout, softib_rmpp_timeout);
	tx->to = req->from;
	tx->pkey = req->pkey;
	tx->hdr = req->mad;
	memset(tx->hdr.data, 0, sizeof(tx->hdr.data));
	tx->hdr.mad_hdr.method = IB_SA_METHOD_GET_TABLE_RESP;
	tx->hdr.mad_hdr.status = 0;
	tx->hdr.sa_hdr.attr_offset = cpu_to_be16(attr_offset);
	tx->table = table;
	tx->len = len;
	tx->segs = max_t(u32, DIV_ROUND_UP(len, SOFTIB_RMPP_SEG), 1);
	tx->window = 1;

	mutex_lock(&softib_rmpp_lock);
	if (softib_rmpp_stopping) {
		mutex_unlock(&softib_rmpp_lock);
		softib_rmpp_free(tx);
		return;
	}
	old = softib_rmpp_find(tx->hdr.mad_hdr.tid, &tx->to);
	if (old)
		softib_rmpp_end(old);
	list_add_tail(&tx->list, &softib_rmpp_txs);
	if (!softib_rmpp_send_window(tx))
		softib_rmpp_end(tx);
	mutex_unlock(&softib_rmpp_lock);
}

/* An ACK moves the window on; returns false when the transfer is over. */
static bool softib_rmpp_ack(struct softib_rmpp_tx *tx,
			    const struct ib_rmpp_hdr *rh)
{
	u32 seg = be32_to_cpu(rh->seg_num);
	u32 window = be32_to_cpu(rh->paylen_newwin);

	/* a stale ACK (duplicates are normal) changes nothing */
	if (seg < tx->acked || window < tx->window)
		return true;
	/* one for segments never sent is broken: give up */
	if (seg > tx->sent || window < seg)
		return false;
	tx->acked = seg;
	tx->window = window;
	tx->tries = 0;
	if (tx->acked == tx->segs)
		return false;
	return softib_rmpp_send_window(tx);
}

/**
 * softib_sa_rmpp_input - take an RMPP ACK, STOP or ABORT
 * @req: the MAD, which softib_sa_rmpp_request() turned down
 *
 * Context: the SA's workqueue.
 */
void softib_sa_rmpp_input(struct softib_sa_req *req)
{
	const struct ib_rmpp_hdr *rh = (void *)&req->mad.rmpp_hdr;
	struct softib_rmpp_tx *tx;

	mutex_lock(&softib_rmpp_lock);
	tx = softib_rmpp_find(req->mad.mad_hdr.tid, &req->from);
	if (!tx)
		goto out;
	switch (rh->rmpp_type) {
	case IB_MGMT_RMPP_TYPE_ACK:
		if (!softib_rmpp_ack(tx, rh))
			softib_rmpp_end(tx);
		break;
	case IB_MGMT_RMPP_TYPE_STOP:
	case IB_MGMT_RMPP_TYPE_ABORT:
		softib_rmpp_end(tx);
		break;
	}
out:
	mutex_unlock(&softib_rmpp_lock);
}

/**
 * softib_sa_rmpp_exit - drop every transfer
 *
 * Called before the SA's workqueue is destroyed, once no request can be
 * handled any more (a handler that still runs sees softib_rmpp_stopping
 * and starts nothing).
 */
void softib_sa_rmpp_exit(void)
{
	struct softib_rmpp_tx *tx, *tmp;
	LIST_HEAD(txs);

	mutex_lock(&softib_rmpp_lock);
	softib_rmpp_stopping = true;
	list_splice_init(&softib_rmpp_txs, &txs);
	mutex_unlock(&softib_rmpp_lock);
	list_for_each_entry_safe(tx, tmp, &txs, list) {
		cancel_delayed_work_sync(&tx->timeout);
		softib_rmpp_free(tx);
	}
}
