// SPDX-License-Identifier: GPL-2.0
/*
 * The network device face of an interface: setup, header_ops and the ndo
 * callbacks, plus bringing the IB side up and down.
 *
 * header_ops.create pushes the 4-byte encapsulation header and, in front of
 * it, the 20-byte destination hardware address; ndo_start_xmit reads that
 * pseudo header to pick a path or a multicast group and strips it just
 * before posting. Neighbour resolution therefore works with 20-byte addresses
 * without any private neighbour table.
 *
 * Lifetime: ndo_init creates the verbs resources, ndo_uninit unhooks the
 * interface from event delivery and from its parent, and the destructor
 * (called without RTNL once the last reference is gone) cancels the work
 * items and frees everything.
 */
#include <linux/if_arp.h>

#include "ipoib.h"

/* 00ffffff, then MGID ff12:401b:<pkey>::ffff:ffff (RFC 4391 section 4). */
static const u8 ipoib_bcast_template[INFINIBAND_ALEN] = {
	0x00, 0xff, 0xff, 0xff, 0xff, 0x12, 0x40, 0x1b,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xff, 0xff, 0xff,
};

/**
 * ipoib_bcast_mgid - the broadcast MGID of an interface's partition
 * @priv: interface
 * @mgid: filled with ff12:401b:<P_Key>::ffff:ffff
 *
 * Built from @priv->pkey, not from the device's broadcast address, which
 * follows a parent's new P_Key only once RTNL is taken (events.c).
 */
void ipoib_bcast_mgid(const struct ipoib_dev *priv, union ib_gid *mgid)
{
	u16 pkey = READ_ONCE(priv->pkey);

	memcpy(mgid->raw, ipoib_bcast_template + 4, sizeof(mgid->raw));
	mgid->raw[4] = pkey >> 8;
	mgid->raw[5] = pkey & 0xff;
}

/**
 * ipoib_is_bcast_mgid - is @mgid the broadcast MGID of @priv's partition?
 * @priv: interface
 * @mgid: 16 bytes of a GID
 *
 * Return: true if it is.
 */
bool ipoib_is_bcast_mgid(const struct ipoib_dev *priv, const u8 *mgid)
{
	union ib_gid bcast;

	ipoib_bcast_mgid(priv, &bcast);
	return !memcmp(mgid, bcast.raw, sizeof(bcast.raw));
}

static int ipoib_header_create(struct sk_buff *skb, struct net_device *ndev,
			       unsigned short type, const void *daddr,
			       const void *saddr, unsigned int len)
{
	struct ipoib_encap *encap;
	u8 *pseudo;

	encap = skb_push(skb, IPOIB_ENCAP_LEN);
	encap->proto = htons(type);
	encap->reserved = 0;

	pseudo = skb_push(skb, IPOIB_PSEUDO_LEN);
	if (daddr)
		memcpy(pseudo, daddr, IPOIB_PSEUDO_LEN);
	else
		memset(pseudo, 0, IPOIB_PSEUDO_LEN);
	return IPOIB_HARD_LEN;
}

static const struct header_ops ipoib_header_ops = {
	.create = ipoib_header_create,
};

static void ipoib_gc_start(struct ipoib_dev *priv)
{
	queue_delayed_work(ipoib_wq, &priv->gc_work, IPOIB_GC_INTERVAL);
}

/**
 * ipoib_ib_up - start the QP and multicast for an administratively up device
 * @priv: interface
 *
 * Return: 0, or a negative errno if the port or P_Key is not usable yet; a
 * later port event retries.
 */
int ipoib_ib_up(struct ipoib_dev *priv)
{
	int ret;

	lockdep_assert_held(&priv->state_mutex);
	ret = ipoib_query_port(priv);
	if (ret) {
		netdev_info(priv->ndev, "P_Key 0x%04x not usable yet (%d)\n",
			    priv->pkey, ret);
		return ret;
	}
	ret = ipoib_qp_start(priv);
	if (ret) {
		netdev_warn(priv->ndev, "cannot start the QP (%d)\n", ret);
		return ret;
	}
	set_bit(IPOIB_FLAG_RUNNING, &priv->flags);
	netif_wake_queue(priv->ndev);
	ipoib_mcast_start(priv);
	ipoib_gc_start(priv);
	return 0;
}

/**
 * ipoib_ib_down - undo ipoib_ib_up()
 * @priv: interface
 *
 * Leaves every multicast group, releases every posted buffer and forgets all
 * paths. Does nothing if the IB side is not running.
 */
void ipoib_ib_down(struct ipoib_dev *priv)
{
	lockdep_assert_held(&priv->state_mutex);
	if (!test_and_clear_bit(IPOIB_FLAG_RUNNING, &priv->flags))
		return;
	netif_carrier_off(priv->ndev);
	netif_tx_disable(priv->ndev);
	cancel_delayed_work_sync(&priv->gc_work);
	ipoib_mcast_stop(priv);
	ipoib_qp_stop(priv);
	ipoib_path_flush(priv);
}

static int ipoib_open(struct net_device *ndev)
{
	struct ipoib_dev *priv = ipoib_priv(ndev);

	mutex_lock(&priv->state_mutex);
	set_bit(IPOIB_FLAG_ADMIN_UP, &priv->flags);
	/* Failure is not fatal: a P_Key or port event brings the QP up. */
	ipoib_ib_up(priv);
	mutex_unlock(&priv->state_mutex);
	return 0;
}

static int ipoib_stop(struct net_device *ndev)
{
	struct ipoib_dev *priv = ipoib_priv(ndev);

	mutex_lock(&priv->state_mutex);
	clear_bit(IPOIB_FLAG_ADMIN_UP, &priv->flags);
	ipoib_ib_down(priv);
	mutex_unlock(&priv->state_mutex);
	return 0;
}

/**
 * ipoib_apply_mtu - make the device MTU and its limit follow the group
 * @priv: interface whose broadcast group set @priv->mcast_mtu
 *
 * The largest MTU the device advertises (max_mtu, which the core checks
 * before ndo_change_mtu) becomes the broadcast group's, so that what
 * "ip -d link" reports is what "ip link set mtu" accepts; the MTU becomes
 * the administrator's, within that limit. Called from the multicast task,
 * which must not block on RTNL.
 *
 * Return: 0, or -EAGAIN if RTNL was busy and the caller should retry.
 */
int ipoib_apply_mtu(struct ipoib_dev *priv)
{
	struct net_device *ndev = priv->ndev;
	unsigned int max = priv->mcast_mtu;
	unsigned int mtu = min(priv->admin_mtu, max);

	if (READ_ONCE(ndev->mtu) == mtu && READ_ONCE(ndev->max_mtu) == max)
		return 0;
	if (!rtnl_trylock())
		return -EAGAIN;
	if (ndev->reg_state == NETREG_REGISTERED) {
		WRITE_ONCE(ndev->max_mtu, max);
		priv->mtu_sync = true;
		dev_set_mtu(ndev, mtu);
		priv->mtu_sync = false;
	}
	rtnl_unlock();
	return 0;
}

static int ipoib_change_mtu(struct net_device *ndev, int new_mtu)
{
	struct ipoib_dev *priv = ipoib_priv(ndev);

	ASSERT_RTNL();
	if (!priv->mtu_sync) {
		if (new_mtu > priv->mcast_mtu) {
			netdev_err(ndev, "MTU %d exceeds the broadcast group's %u\n",
				   new_mtu, priv->mcast_mtu);
			return -EINVAL;
		}
		priv->admin_mtu = new_mtu;
	}
	WRITE_ONCE(ndev->mtu, new_mtu);
	return 0;
}

static void ipoib_set_rx_mode(struct net_device *ndev)
{
	/* Atomic context under the address lock: defer to the task. */
	ipoib_mcast_kick(ipoib_priv(ndev), 0);
}

/*
 * The send queue stayed full for watchdog_timeo without a transmit: the QP
 * completes nothing. Timer context, so the restart is left to the work.
 */
static void ipoib_tx_timeout(struct net_device *ndev, unsigned int txqueue)
{
	struct ipoib_dev *priv = ipoib_priv(ndev);

	netdev_warn(ndev, "send queue stuck, %u sends outstanding: restarting the QP\n",
		    READ_ONCE(priv->tx_head) - READ_ONCE(priv->tx_tail));
	DEV_STATS_INC(ndev, tx_errors);
	ipoib_count(priv, IPOIB_CNT_TX_TIMEOUTS);
	ipoib_recover_queue(priv, true);
}

static int ipoib_get_iflink(const struct net_device *ndev)
{
	struct ipoib_dev *priv = ipoib_priv(ndev);

	return priv->parent ? READ_ONCE(priv->parent->ifindex) : ndev->ifindex;
}

static void ipoib_link_iface(struct ipoib_dev *priv)
{
	struct ipoib_ctx *ctx = priv->ctx;

	ASSERT_RTNL();
	if (priv->parent)
		list_add_tail(&priv->child_node,
			      &ipoib_priv(priv->parent)->children);
	spin_lock_irq(&ctx->ifaces_lock);
	list_add_tail(&priv->ctx_node, &ctx->ifaces);
	spin_unlock_irq(&ctx->ifaces_lock);
}

static void ipoib_unlink_iface(struct ipoib_dev *priv)
{
	struct ipoib_ctx *ctx = priv->ctx;

	ASSERT_RTNL();
	spin_lock_irq(&ctx->ifaces_lock);
	list_del(&priv->ctx_node);
	spin_unlock_irq(&ctx->ifaces_lock);
	if (priv->parent)
		list_del(&priv->child_node);
}

static int ipoib_ndo_init(struct net_device *ndev)
{
	struct ipoib_dev *priv = ipoib_priv(ndev);
	int ret;

	/* The P_Key may be missing yet; GID, LID and MTU are still known. */
	ipoib_query_port(priv);
	if (!priv->max_ib_mtu)
		return -ENODEV;
	priv->rx_buf_size = IPOIB_GRH_LEN + priv->max_ib_mtu;
	priv->mcast_mtu = priv->max_ib_mtu - IPOIB_ENCAP_LEN;
	priv->admin_mtu = priv->mcast_mtu;
	ndev->max_mtu = priv->mcast_mtu;
	/* Until the broadcast group answers, assume the usual 2048 bytes. */
	ndev->mtu = min_t(unsigned int, priv->mcast_mtu,
			  IPOIB_DEFAULT_IB_MTU - IPOIB_ENCAP_LEN);

	ret = ipoib_verbs_init(priv);
	if (ret)
		return ret;
	/* No carrier until the broadcast group is joined. */
	netif_carrier_off(ndev);

	netif_napi_add(ndev, &priv->rx_napi, ipoib_rx_poll);
	netif_napi_add_tx(ndev, &priv->tx_napi, ipoib_tx_poll);
	if (priv->parent)
		netdev_hold(priv->parent, &priv->dev_tracker, GFP_KERNEL);
	ipoib_link_iface(priv);
	ipoib_debugfs_add(priv);
	return 0;
}

static void ipoib_ndo_uninit(struct net_device *ndev)
{
	struct ipoib_dev *priv = ipoib_priv(ndev);

	ipoib_debugfs_del(priv);
	ipoib_unlink_iface(priv);
}

static void ipoib_destructor(struct net_device *ndev)
{
	struct ipoib_dev *priv = ipoib_priv(ndev);

	/* Nothing can queue work any more: no events, no sysfs, no traffic. */
	cancel_work_sync(&priv->event_work);
	cancel_delayed_work_sync(&priv->gc_work);
	cancel_delayed_work_sync(&priv->mcast_work);
	ipoib_mcast_free_all(priv);
	ipoib_path_flush(priv);
	ipoib_verbs_cleanup(priv);
	if (priv->parent)
		netdev_put(priv->parent, &priv->dev_tracker);
}

static const struct net_device_ops ipoib_netdev_ops = {
	.ndo_init		= ipoib_ndo_init,
	.ndo_uninit		= ipoib_ndo_uninit,
	.ndo_open		= ipoib_open,
	.ndo_stop		= ipoib_stop,
	.ndo_start_xmit		= ipoib_start_xmit,
	.ndo_set_rx_mode	= ipoib_set_rx_mode,
	.ndo_change_mtu		= ipoib_change_mtu,
	.ndo_tx_timeout		= ipoib_tx_timeout,
	.ndo_get_iflink		= ipoib_get_iflink,
};

/**
 * ipoib_is_ipoib - tell whether a network device is one of ours
 * @ndev: any network device
 *
 * Return: true if @ndev was set up by ipoib_setup().
 */
bool ipoib_is_ipoib(const struct net_device *ndev)
{
	return ndev->netdev_ops == &ipoib_netdev_ops;
}

static void ipoib_init_works(struct ipoib_dev *priv)
{
	spin_lock_init(&priv->cache_lock);
	INIT_LIST_HEAD(&priv->paths);
	INIT_LIST_HEAD(&priv->groups);
	INIT_LIST_HEAD(&priv->mc_new);
	INIT_LIST_HEAD(&priv->children);
	mutex_init(&priv->state_mutex);
	mutex_init(&priv->mcast_mutex);
	INIT_DELAYED_WORK(&priv->mcast_work, ipoib_mcast_work);
	INIT_WORK(&priv->event_work, ipoib_event_work);
	INIT_WORK(&priv->recover_work, ipoib_recover_work);
	INIT_DELAYED_WORK(&priv->gc_work, ipoib_gc_work);
	INIT_WORK(&priv->ah_work, ipoib_ah_reap);
	init_llist_head(&priv->dead_ahs);
}

/**
 * ipoib_setup - rtnl_link_ops/alloc_netdev setup callback
 * @ndev: device being allocated
 */
void ipoib_setup(struct net_device *ndev)
{
	struct ipoib_dev *priv = ipoib_priv(ndev);

	priv->ndev = ndev;
	ipoib_init_works(priv);

	ndev->netdev_ops = &ipoib_netdev_ops;
	ndev->header_ops = &ipoib_header_ops;
	ndev->ethtool_ops = &ipoib_ethtool_ops;
	ndev->rtnl_link_ops = &ipoib_link_ops;
	ndev->sysfs_groups[0] = &ipoib_sysfs_group;
	ndev->needs_free_netdev = true;
	ndev->priv_destructor = ipoib_destructor;

	ndev->type = ARPHRD_INFINIBAND;
	ndev->addr_len = INFINIBAND_ALEN;
	ndev->hard_header_len = IPOIB_HARD_LEN;
	ndev->flags = IFF_BROADCAST | IFF_MULTICAST;
	ndev->min_mtu = ETH_MIN_MTU;
	ndev->tx_queue_len = IPOIB_SENDQ_SIZE * 2;
	ndev->watchdog_timeo = IPOIB_TX_TIMEOUT;
	ndev->features = NETIF_F_VLAN_CHALLENGED | NETIF_F_HIGHDMA;
	memcpy(ndev->broadcast, ipoib_bcast_template, INFINIBAND_ALEN);
}

/**
 * ipoib_init_priv - bind a freshly allocated interface to an IB port
 * @priv: interface, before registration
 * @ctx: client state of the IB device
 * @port: port number
 * @pkey: partition key; the full-membership bit is forced on
 */
void ipoib_init_priv(struct ipoib_dev *priv, struct ipoib_ctx *ctx, u32 port,
		     u16 pkey)
{
	struct net_device *ndev = priv->ndev;

	priv->ctx = ctx;
	priv->ca = ctx->ca;
	priv->port = port;
	priv->pkey = pkey | IPOIB_PKEY_FULL;
	priv->rx_size = min(IPOIB_RECVQ_SIZE, ipoib_ring_max(priv));
	priv->tx_size = min(IPOIB_SENDQ_SIZE, ipoib_ring_max(priv));
	ndev->broadcast[8] = priv->pkey >> 8;
	ndev->broadcast[9] = priv->pkey & 0xff;
	ndev->dev_port = port - 1;
}
