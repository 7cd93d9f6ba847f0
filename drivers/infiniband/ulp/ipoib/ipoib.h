/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private header of ib_ipoib, IP over InfiniBand in datagram mode.
 *
 * One struct ipoib_dev lives in the private area of every network device,
 * parent (one per IB port) or P_Key child. It owns a PD, two CQs and one UD
 * QP. Unicast destinations are cached per GID in struct ipoib_path, multicast
 * groups in struct ipoib_mcast; both hand out reference-counted address
 * handles (struct ipoib_ah) that in-flight sends pin until completion.
 *
 * A QP that fails (a send completes in error and the QP left RTS, a fatal
 * QP event) or a send queue without progress for IPOIB_TX_TIMEOUT is
 * restarted by ipoib_dev.recover_work (events.c), with the interface left
 * up.
 *
 * The ring sizes are per interface (ethtool -G); a change replaces the
 * QP, its CQs and rings as one struct ipoib_queues (ring.c).
 *
 * Locks, outermost first: RTNL, ipoib_dev.state_mutex, ipoib_dev.mcast_mutex,
 * ipoib_ctx.ifaces_lock, ipoib_dev.cache_lock (the umcast fallback looks at
 * the groups of the other interfaces of its port under ifaces_lock). Work
 * never sleeps on RTNL (it only tries it), so stopping the interface under
 * RTNL may cancel work synchronously.
 */
#ifndef _IPOIB_H
#define _IPOIB_H

#include <linux/if_infiniband.h>
#include <linux/kref.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <rdma/ib_sa.h>
#include <rdma/ib_verbs.h>

#define IPOIB_DRV_NAME		"ib_ipoib"

/* Wire format: 4-byte encapsulation header before the payload (RFC 4391). */
#define IPOIB_ENCAP_LEN		4
#define IPOIB_GRH_LEN		40
/* 20-byte destination hardware address pushed in front by header_ops. */
#define IPOIB_PSEUDO_LEN	INFINIBAND_ALEN
#define IPOIB_HARD_LEN		(IPOIB_ENCAP_LEN + IPOIB_PSEUDO_LEN)
#define IPOIB_QPN_MASK		0xffffff
#define IPOIB_MCAST_QPN		0xffffff
#define IPOIB_PKEY_FULL		0x8000
#define IPOIB_DEFAULT_IB_MTU	2048

/*
 * Ring sizes (work requests per queue), powers of two so that a running
 * counter masked by size - 1 indexes the ring; ethtool -G changes them
 * within IPOIB_RING_MIN and the device's limit (ipoib_ring_max()).
 */
#define IPOIB_SENDQ_SIZE	128
#define IPOIB_RECVQ_SIZE	256
#define IPOIB_RING_MIN		32
#define IPOIB_RING_MAX		8192
/* Receive data starts here in its page; the IP header lands 16-aligned. */
#define IPOIB_RX_HEADROOM	(NET_SKB_PAD + 4)
#define IPOIB_RX_WRID		0x40000000u
/* Packets held while a path resolves or a send-only join completes. */
#define IPOIB_MAX_PATH_QUEUED	8
#define IPOIB_MAX_MCAST_QUEUED	64

#define IPOIB_PATH_LIFETIME	(60 * HZ)
#define IPOIB_SENDONLY_TTL	(60 * HZ)
#define IPOIB_GC_INTERVAL	(10 * HZ)
#define IPOIB_BACKOFF_MIN	(HZ / 4)
#define IPOIB_BACKOFF_MAX	(16 * HZ)
#define IPOIB_UMCAST_RECHECK	HZ		/* umcast groups asked again */
/* After releasing a group, the merged record may still show us (fallback). */
#define IPOIB_UMCAST_SETTLE	(HZ / 4)
#define IPOIB_UMCAST_POLL	(HZ / 20)	/* while unsure */
/*
 * The send queue stayed full this long without a transmit: restart the QP.
 * A UD send never waits for a peer (no acknowledgment, no retry), so a
 * full ring that drains nothing in 5 s is a stuck QP, not congestion.
 */
#define IPOIB_TX_TIMEOUT	(5 * HZ)

/* MCMemberRecord join states (IBA 15.2.5.17) */
#define IPOIB_JOIN_FULL		0x1
#define IPOIB_JOIN_NON		0x2
#define IPOIB_JOIN_SENDONLY	0x8
#define IPOIB_JOIN_RECEIVES	(IPOIB_JOIN_FULL | IPOIB_JOIN_NON)

/**
 * struct ipoib_encap - IPoIB encapsulation header on the wire
 * @proto: ethertype of the payload
 * @reserved: zero
 */
struct ipoib_encap {
	__be16 proto;
	u16 reserved;
};

/**
 * struct ipoib_ah - shared address handle
 * @ib: the verbs address handle
 * @ref: one per path/group holding it plus one per in-flight send
 * @priv: owning interface
 * @free_node: entry on the interface's list of handles to destroy
 */
struct ipoib_ah {
	struct ib_ah *ib;
	struct kref ref;
	struct ipoib_dev *priv;
	struct llist_node free_node;
};

/**
 * struct ipoib_path - unicast destination, keyed by port GID
 * @node: entry in ipoib_dev.paths
 * @gid: destination GID
 * @ah: address handle once resolved, NULL while resolving
 * @rec: the PathRecord the handle was built from
 * @queue: packets waiting for the first resolution (IPOIB_MAX_PATH_QUEUED)
 * @query: outstanding SA query, NULL if none
 * @query_id: id of @query for cancellation
 * @done: completed when no query is outstanding
 * @priv: owning interface
 * @resolved_at: jiffies when @ah was installed
 * @last_used: jiffies of the last transmit through this path
 */
struct ipoib_path {
	struct list_head node;
	union ib_gid gid;
	struct ipoib_ah *ah;
	struct sa_path_rec rec;
	struct sk_buff_head queue;
	struct ib_sa_query *query;
	int query_id;
	struct completion done;
	struct ipoib_dev *priv;
	unsigned long resolved_at;
	unsigned long last_used;
};

/**
 * enum ipoib_mc_state - where a multicast group stands
 * @IPOIB_MC_IDLE: no membership, nothing in flight
 * @IPOIB_MC_PENDING: a join request is in flight at the SA
 * @IPOIB_MC_FULL: joined as full member, QP attached
 * @IPOIB_MC_SENDONLY: joined as send-only full member, QP not attached
 * @IPOIB_MC_SKIPPED: the join decision declined the group
 * @IPOIB_MC_BACKOFF: last join failed; retry at ipoib_mcast.retry_at
 */
enum ipoib_mc_state {
	IPOIB_MC_IDLE,
	IPOIB_MC_PENDING,
	IPOIB_MC_FULL,
	IPOIB_MC_SENDONLY,
	IPOIB_MC_SKIPPED,
	IPOIB_MC_BACKOFF,
};

/**
 * enum ipoib_mc_decision - what the multicast task should hold for a group
 * @IPOIB_MC_WANT_NONE: no membership; the group may be forgotten
 * @IPOIB_MC_WANT_SENDONLY: send-only full member (join state 0x8)
 * @IPOIB_MC_WANT_FULL: full member with the QP attached (join state 0x1)
 * @IPOIB_MC_WANT_SKIP: wanted by the stack but declined by policy
 */
enum ipoib_mc_decision {
	IPOIB_MC_WANT_NONE,
	IPOIB_MC_WANT_SENDONLY,
	IPOIB_MC_WANT_FULL,
	IPOIB_MC_WANT_SKIP,
};

/**
 * enum ipoib_mc_owner - who else receives from a group (owner*.c)
 * @IPOIB_OWNER_NOBODY: no receiver outside IPoIB, as far as can be told
 * @IPOIB_OWNER_OTHER: an application or another kernel client receives
 * @IPOIB_OWNER_UNSURE: cannot tell yet; ask again after IPOIB_UMCAST_POLL
 */
enum ipoib_mc_owner {
	IPOIB_OWNER_NOBODY,
	IPOIB_OWNER_OTHER,
	IPOIB_OWNER_UNSURE,
};

/**
 * struct ipoib_mcast - one multicast group of an interface
 * @node: entry in ipoib_dev.groups
 * @mgid: multicast GID
 * @state: see enum ipoib_mc_state; written under ipoib_dev.cache_lock
 * @in_list: the group is on the netdev multicast list (or is broadcast)
 * @attached: the QP is attached to the group
 * @ah: address handle while joined
 * @rec: the MCMemberRecord returned by the last successful join
 * @priv: owning interface
 * @join_state: join state requested by the current membership, 0 if none
 * @sa: SA membership handle, owned by the multicast task
 * @cb_status: status reported by the last SA callback
 * @cb_rec: record reported by the last SA callback
 * @cb_pending: an SA callback arrived and was not processed yet
 * @queue: packets waiting for a join (IPOIB_MAX_MCAST_QUEUED)
 * @last_tx: jiffies of the last transmit to the group
 * @backoff: current retry delay
 * @retry_at: jiffies of the next join attempt in IPOIB_MC_BACKOFF
 * @umcast_skip: the umcast policy declined a full membership because
 *	another client of the port holds the group; written by the task
 * @settle_until: until then our own released membership may still show
 *	in the group record (fallback owner lookup); written by the task
 * @umcast_release: give up the full membership once complete, to decide
 *	again (fallback owner lookup, after a write of 1); task only
 */
struct ipoib_mcast {
	struct list_head node;
	union ib_gid mgid;
	enum ipoib_mc_state state;
	bool in_list;
	bool attached;
	struct ipoib_ah *ah;
	struct ib_sa_mcmember_rec rec;
	struct ipoib_dev *priv;
	u8 join_state;
	struct ib_sa_multicast *sa;
	int cb_status;
	struct ib_sa_mcmember_rec cb_rec;
	bool cb_pending;
	struct sk_buff_head queue;
	unsigned long last_tx;
	unsigned long backoff;
	unsigned long retry_at;
	bool umcast_skip;
	unsigned long settle_until;
	bool umcast_release;
};

/**
 * struct ipoib_rx_buf - one posted receive buffer
 * @page: the buffer, from ipoib_dev.rx_pool
 * @dma: DMA address of its data area
 */
struct ipoib_rx_buf {
	struct page *page;
	u64 dma;
};

/**
 * struct ipoib_tx_buf - one posted send
 * @skb: packet
 * @ah: address handle pinned until completion
 * @dma: DMA addresses of the head and the fragments
 */
struct ipoib_tx_buf {
	struct sk_buff *skb;
	struct ipoib_ah *ah;
	u64 dma[MAX_SKB_FRAGS + 1];
};

/**
 * struct ipoib_queues - the verbs resources whose size is the ring size
 * @send_cq: send CQ, @tx_size entries
 * @recv_cq: receive CQ, @rx_size entries
 * @qp: the UD QP
 * @rx_ring: receive buffers
 * @tx_ring: send buffers
 * @rx_pool: page pool of the receive buffers
 * @rx_size: receive ring entries
 * @tx_size: send ring entries
 * @ud_offloads: @qp was created with IB_QP_CREATE_IPOIB_UD_LSO
 *
 * An interface holds one set in its struct ipoib_dev; a resize builds a
 * second set beside it and exchanges the two (ipoib_queues_swap()).
 */
struct ipoib_queues {
	struct ib_cq *send_cq;
	struct ib_cq *recv_cq;
	struct ib_qp *qp;
	struct ipoib_rx_buf *rx_ring;
	struct ipoib_tx_buf *tx_ring;
	struct page_pool *rx_pool;
	unsigned int rx_size;
	unsigned int tx_size;
	bool ud_offloads;
};

/**
 * enum ipoib_counter - driver counters exported through ethtool
 * @IPOIB_CNT_PATH_QUERIES: PathRecord queries sent
 * @IPOIB_CNT_PATH_FAILURES: PathRecord queries that failed
 * @IPOIB_CNT_MC_JOINS: multicast joins that completed
 * @IPOIB_CNT_MC_JOIN_FAILURES: multicast joins that failed
 * @IPOIB_CNT_MC_SENDONLY_JOINS: send-only joins started
 * @IPOIB_CNT_MC_LEAVES: multicast memberships released
 * @IPOIB_CNT_UMCAST_IGNORED: groups currently skipped by the umcast policy
 * @IPOIB_CNT_TX_QUEUE_STOPS: times the send queue filled up
 * @IPOIB_CNT_RX_ALLOC_FAILURES: receive buffers that could not be refilled
 * @IPOIB_CNT_QP_RECOVERIES: times the QP was restarted after a failure
 * @IPOIB_CNT_TX_TIMEOUTS: transmit watchdog timeouts (a stuck send queue)
 * @IPOIB_CNT_MC_REJOINS: held groups joined again after the SA reset them
 * @IPOIB_CNT_MAX: number of counters
 */
enum ipoib_counter {
	IPOIB_CNT_PATH_QUERIES,
	IPOIB_CNT_PATH_FAILURES,
	IPOIB_CNT_MC_JOINS,
	IPOIB_CNT_MC_JOIN_FAILURES,
	IPOIB_CNT_MC_SENDONLY_JOINS,
	IPOIB_CNT_MC_LEAVES,
	IPOIB_CNT_UMCAST_IGNORED,
	IPOIB_CNT_TX_QUEUE_STOPS,
	IPOIB_CNT_RX_ALLOC_FAILURES,
	IPOIB_CNT_QP_RECOVERIES,
	IPOIB_CNT_TX_TIMEOUTS,
	IPOIB_CNT_MC_REJOINS,
	IPOIB_CNT_MAX,
};

/* Bits of ipoib_dev.flags */
enum {
	IPOIB_FLAG_ADMIN_UP,	/* between ndo_open and ndo_stop */
	IPOIB_FLAG_RUNNING,	/* QP in RTS, multicast task allowed to run */
	IPOIB_FLAG_UMCAST,	/* user-level multicast policy enabled */
	IPOIB_FLAG_PORT_ACTIVE,	/* port state is ACTIVE */
	IPOIB_FLAG_UMCAST_RESET, /* umcast set to 1: release and re-decide */
	IPOIB_FLAG_QP_LIVE,	/* QP started, NAPIs enabled (state_mutex) */
	IPOIB_FLAG_QP_CHECK,	/* a send failed: restart the QP if not in RTS */
	IPOIB_FLAG_QP_RESTART,	/* restart the QP whatever its state */
	IPOIB_FLAG_ANNOUNCE,	/* new QPN: tell the peers at carrier up */
};

/**
 * struct ipoib_ctx - per IB device state of the ib_client
 * @event_handler: async event handler registered with the core
 * @ca: the IB device
 * @ifaces: every interface (parents and children) on @ca
 * @ifaces_lock: protects @ifaces; taken from the event handler
 */
struct ipoib_ctx {
	struct ib_event_handler event_handler;
	struct ib_device *ca;
	struct list_head ifaces;
	/* protects ifaces against the event handler; writers also hold RTNL */
	spinlock_t ifaces_lock;
};

/**
 * struct ipoib_dev - per interface state, the netdev private area
 * @ndev: the network device
 * @ctx: client state of the IB device
 * @ca: IB device
 * @port: IB port number
 * @pkey: P_Key with the full-membership bit set; a parent's follows index 0
 *	of the port's table, changed by the event work with state_mutex,
 *	mcast_mutex and ctx->ifaces_lock held (lockless readers: READ_ONCE)
 * @pkey_index: index of @pkey in the port's table
 * @parent: parent interface for a P_Key child, NULL for a parent
 * @children: children of a parent interface, protected by RTNL
 * @child_node: entry in the parent's @children
 * @ctx_node: entry in ipoib_ctx.ifaces
 * @dev_tracker: reference a child holds on its parent
 * @sysfs_child: child created through the create_child sysfs file
 * @flags: IPOIB_FLAG_* bits
 * @local_gid: port GID 0, also bytes 4-19 of the hardware address
 * @local_lid: port LID
 * @qkey: Q_Key learned from the broadcast group
 * @max_ib_mtu: largest IB MTU of the port in bytes
 * @mcast_mtu: IP MTU allowed by the broadcast group
 * @admin_mtu: MTU requested by the administrator
 * @mtu_sync: set while the driver itself changes the MTU
 * @pd: protection domain
 * @send_cq: send completion queue
 * @recv_cq: receive completion queue
 * @qp: the UD QP
 * @rx_ring: receive buffers, one per receive WR
 * @tx_ring: send buffers, one per send WR
 * @rx_size: entries of @rx_ring and of the receive queue, a power of two
 * @tx_size: entries of @tx_ring and of the send queue, a power of two
 * @rx_buf_size: bytes of one receive buffer (GRH included)
 * @rx_pool: page pool the receive buffers come from and return to
 * @rx_truesize: bytes of one receive page (order of @rx_pool)
 * @max_send_sge: SGEs a send may use
 * @ud_offloads: the UD QP was created with IB_QP_CREATE_IPOIB_UD_LSO, so
 *	it honours IB_SEND_IP_CSUM and IB_WR_LSO (see verbs.c)
 * @tx_head: sends posted, written in ndo_start_xmit
 * @tx_tail: sends completed, written by the send NAPI
 * @rx_napi: receive NAPI
 * @tx_napi: send completion NAPI
 * @coal_usecs: receive CQ moderation period
 * @coal_frames: receive CQ moderation count
 * @cache_lock: protects @paths, @groups and the fields of their entries that the
 *	transmit path reads
 * @paths: list of struct ipoib_path
 * @groups: list of struct ipoib_mcast; changed only by the multicast task,
 *	with mcast_mutex and cache_lock held, so the task walks it locklessly
 * @mc_new: groups ndo_start_xmit created, until the task moves them to
 *	@groups (cache_lock)
 * @bcast: broadcast group, NULL until the interface opens
 * @state_mutex: serializes open, stop and event handling
 * @mcast_mutex: serializes the multicast state machine
 * @mcast_work: the multicast task
 * @event_work: handles port events
 * @pending_events: IB events not yet handled by @event_work
 * @recover_work: checks or restarts a failed QP (IPOIB_FLAG_QP_CHECK,
 *	IPOIB_FLAG_QP_RESTART)
 * @gc_work: ages paths and send-only groups
 * @ah_work: destroys released address handles
 * @dead_ahs: address handles waiting for @ah_work
 * @counters: enum ipoib_counter values
 * @dbg_mcg: debugfs file listing multicast groups
 * @dbg_path: debugfs file listing paths
 */
struct ipoib_dev {
	struct net_device *ndev;
	struct ipoib_ctx *ctx;
	struct ib_device *ca;
	u32 port;
	u16 pkey;
	u16 pkey_index;
	struct net_device *parent;
	struct list_head children;
	struct list_head child_node;
	struct list_head ctx_node;
	netdevice_tracker dev_tracker;
	bool sysfs_child;
	unsigned long flags;

	union ib_gid local_gid;
	u16 local_lid;
	u32 qkey;
	unsigned int max_ib_mtu;
	unsigned int mcast_mtu;
	unsigned int admin_mtu;
	bool mtu_sync;

	struct ib_pd *pd;
	struct ib_cq *send_cq;
	struct ib_cq *recv_cq;
	struct ib_qp *qp;
	struct ipoib_rx_buf *rx_ring;
	struct ipoib_tx_buf *tx_ring;
	unsigned int rx_size;
	unsigned int tx_size;
	unsigned int rx_buf_size;
	struct page_pool *rx_pool;
	unsigned int rx_truesize;
	unsigned int max_send_sge;
	bool ud_offloads;
	unsigned int tx_head;
	unsigned int tx_tail;
	struct napi_struct rx_napi;
	struct napi_struct tx_napi;
	u16 coal_usecs;
	u16 coal_frames;

	/* protects paths, groups, mc_new and the entry fields read by xmit */
	spinlock_t cache_lock;
	struct list_head paths;
	struct list_head groups;
	struct list_head mc_new;
	struct ipoib_mcast *bcast;

	/* serializes ndo_open/ndo_stop against port event handling */
	struct mutex state_mutex;
	/* serializes the multicast state machine (join, attach, leave) */
	struct mutex mcast_mutex;
	struct delayed_work mcast_work;
	struct work_struct event_work;
	unsigned long pending_events;
	struct work_struct recover_work;
	struct delayed_work gc_work;
	struct work_struct ah_work;
	struct llist_head dead_ahs;

	atomic_long_t counters[IPOIB_CNT_MAX];
	struct dentry *dbg_mcg;
	struct dentry *dbg_path;
};

static inline struct ipoib_dev *ipoib_priv(const struct net_device *ndev)
{
	return netdev_priv(ndev);
}

static inline void ipoib_count(struct ipoib_dev *priv, enum ipoib_counter c)
{
	atomic_long_inc(&priv->counters[c]);
}

extern struct ib_sa_client ipoib_sa_client;
extern struct workqueue_struct *ipoib_wq;
extern struct rtnl_link_ops ipoib_link_ops;
extern const struct ethtool_ops ipoib_ethtool_ops;
extern const struct attribute_group ipoib_sysfs_group;

/* netdev.c */
void ipoib_setup(struct net_device *ndev);
void ipoib_init_priv(struct ipoib_dev *priv, struct ipoib_ctx *ctx, u32 port,
		     u16 pkey);
bool ipoib_is_ipoib(const struct net_device *ndev);
int ipoib_apply_mtu(struct ipoib_dev *priv);
int ipoib_ib_up(struct ipoib_dev *priv);
void ipoib_ib_down(struct ipoib_dev *priv);
void ipoib_bcast_mgid(const struct ipoib_dev *priv, union ib_gid *mgid);
bool ipoib_is_bcast_mgid(const struct ipoib_dev *priv, const u8 *mgid);

/* verbs.c */
unsigned int ipoib_ring_max(const struct ipoib_dev *priv);
int ipoib_verbs_init(struct ipoib_dev *priv);
void ipoib_verbs_cleanup(struct ipoib_dev *priv);
int ipoib_queues_create(struct ipoib_dev *priv, struct ipoib_queues *q);
void ipoib_queues_swap(struct ipoib_dev *priv, struct ipoib_queues *q);
void ipoib_queues_destroy(struct ipoib_queues *q);
void ipoib_verbs_set_addr(struct ipoib_dev *priv);
int ipoib_qp_start(struct ipoib_dev *priv);
void ipoib_qp_stop(struct ipoib_dev *priv);
bool ipoib_qp_failed(struct ipoib_dev *priv);
int ipoib_set_qkey(struct ipoib_dev *priv, u32 qkey);
int ipoib_query_port(struct ipoib_dev *priv);
struct ipoib_ah *ipoib_ah_create(struct ipoib_dev *priv,
				 struct rdma_ah_attr *attr);
void ipoib_ah_put(struct ipoib_ah *ah);
void ipoib_ah_reap(struct work_struct *work);

/* tx.c */
netdev_tx_t ipoib_start_xmit(struct sk_buff *skb, struct net_device *ndev);
int ipoib_send(struct ipoib_dev *priv, struct sk_buff *skb,
	       struct ipoib_ah *ah, u32 qpn);
int ipoib_tx_poll(struct napi_struct *napi, int budget);
void ipoib_tx_drain(struct ipoib_dev *priv);
int ipoib_napi_done(struct napi_struct *napi, struct ib_cq *cq, int done,
		    int budget);
void ipoib_tx_free(struct ipoib_dev *priv);
void ipoib_send_cq_event(struct ib_cq *cq, void *ctx);

/* rx.c */
unsigned int ipoib_rx_truesize(const struct ipoib_dev *priv);
struct page_pool *ipoib_rx_pool_create(struct ipoib_dev *priv,
				       unsigned int ring);
int ipoib_rx_fill(struct ipoib_dev *priv);
int ipoib_rx_poll(struct napi_struct *napi, int budget);
void ipoib_rx_drain(struct ipoib_dev *priv);
void ipoib_rx_free(struct ipoib_dev *priv);
void ipoib_recv_cq_event(struct ib_cq *cq, void *ctx);

/* path.c */
void ipoib_path_xmit(struct ipoib_dev *priv, struct sk_buff *skb,
		     const u8 *daddr);
void ipoib_path_flush(struct ipoib_dev *priv);
void ipoib_path_invalidate(struct ipoib_dev *priv);
void ipoib_path_gc(struct ipoib_dev *priv);
int ipoib_path_show(struct seq_file *m, void *unused);

/* mcast.c */
void ipoib_mcast_xmit(struct ipoib_dev *priv, struct sk_buff *skb,
		      const u8 *daddr);
void ipoib_mcast_kick(struct ipoib_dev *priv, unsigned long delay);
void ipoib_set_umcast(struct ipoib_dev *priv, bool on);
void ipoib_mcast_work(struct work_struct *work);
int ipoib_mcast_start(struct ipoib_dev *priv);
void ipoib_mcast_stop(struct ipoib_dev *priv);
void ipoib_mcast_free_all(struct ipoib_dev *priv);
bool ipoib_mcast_receiving(struct ipoib_dev *priv, const union ib_gid *mgid);
int ipoib_mcast_show(struct seq_file *m, void *unused);

/* owner.c (or the out-of-tree fallback for an ib_core without the lookup) */
extern const bool ipoib_owner_exact;
enum ipoib_mc_owner ipoib_mcast_owner(struct ipoib_dev *priv,
				      struct ipoib_mcast *mc);

/* events.c */
void ipoib_event_handler(struct ib_event_handler *handler,
			 struct ib_event *event);
void ipoib_event_work(struct work_struct *work);
void ipoib_qp_event(struct ib_event *event, void *ctx);
void ipoib_recover_queue(struct ipoib_dev *priv, bool restart);
void ipoib_recover_work(struct work_struct *work);
void ipoib_gc_work(struct work_struct *work);

/* ring.c */
int ipoib_ring_resize(struct ipoib_dev *priv, unsigned int rx,
		      unsigned int tx, struct netlink_ext_ack *extack);
void ipoib_ring_announce(struct ipoib_dev *priv);

/* child.c */
int ipoib_child_create(struct net_device *parent, u16 pkey);
int ipoib_child_delete(struct net_device *parent, u16 pkey);
int ipoib_link_register(void);
void ipoib_link_unregister(void);

/* debugfs.c */
int ipoib_debugfs_init(void);
void ipoib_debugfs_exit(void);
void ipoib_debugfs_add(struct ipoib_dev *priv);
void ipoib_debugfs_del(struct ipoib_dev *priv);
void ipoib_debugfs_rename(struct ipoib_dev *priv);

#endif /* _IPOIB_H */
