// SPDX-License-Identifier: GPL-2.0
/*
 * Module entry points and the ib_client.
 *
 * For every IB device the client allocates a struct ipoib_ctx, registers
 * one async event handler, and creates a parent interface ("ib%d") per port
 * whose link layer is InfiniBand. Removal unregisters children before their
 * parents in one batch. get_net_dev_by_params lets rdma_cm map an incoming
 * connection (port, P_Key, GID, IP address) to one of our interfaces.
 */
#include <linux/inetdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <net/addrconf.h>

#include "ipoib.h"

MODULE_AUTHOR("IPoIB umcast project");
MODULE_DESCRIPTION("IP-over-InfiniBand net driver (datagram mode)");
MODULE_LICENSE("GPL");

struct ib_sa_client ipoib_sa_client;
struct workqueue_struct *ipoib_wq;

static struct ib_client ipoib_client;

static int ipoib_add_port(struct ipoib_ctx *ctx, u32 port)
{
	struct net_device *ndev;
	u16 pkey;
	int ret;

	ret = ib_query_pkey(ctx->ca, port, 0, &pkey);
	if (ret)
		return ret;
	ndev = alloc_netdev(sizeof(struct ipoib_dev), "ib%d", NET_NAME_UNKNOWN,
			    ipoib_setup);
	if (!ndev)
		return -ENOMEM;
	ipoib_init_priv(ipoib_priv(ndev), ctx, port, pkey);
	SET_NETDEV_DEV(ndev, ctx->ca->dev.parent);

	ret = register_netdev(ndev);
	if (ret)
		free_netdev(ndev);
	return ret;
}

static int ipoib_add_one(struct ib_device *ca)
{
	struct ipoib_ctx *ctx;
	unsigned int added = 0;
	u32 port;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->ca = ca;
	INIT_LIST_HEAD(&ctx->ifaces);
	spin_lock_init(&ctx->ifaces_lock);
	INIT_IB_EVENT_HANDLER(&ctx->event_handler, ca, ipoib_event_handler);
	ib_register_event_handler(&ctx->event_handler);

	rdma_for_each_port(ca, port) {
		if (!rdma_protocol_ib(ca, port))
			continue;
		if (ipoib_add_port(ctx, port))
			dev_warn(&ca->dev, "no IPoIB interface for port %u\n",
				 port);
		else
			added++;
	}
	if (!added) {
		ib_unregister_event_handler(&ctx->event_handler);
		kfree(ctx);
		return -EOPNOTSUPP;
	}
	ib_set_client_data(ca, &ipoib_client, ctx);
	return 0;
}

static void ipoib_remove_one(struct ib_device *ca, void *client_data)
{
	struct ipoib_ctx *ctx = client_data;
	struct ipoib_dev *priv, *child;
	LIST_HEAD(kill);

	ib_unregister_event_handler(&ctx->event_handler);
	rtnl_lock();
	/* Children first: each holds a reference on its parent. */
	list_for_each_entry(priv, &ctx->ifaces, ctx_node) {
		if (priv->parent)
			continue;
		list_for_each_entry(child, &priv->children, child_node)
			unregister_netdevice_queue(child->ndev, &kill);
		unregister_netdevice_queue(priv->ndev, &kill);
	}
	unregister_netdevice_many(&kill);
	rtnl_unlock();
	kfree(ctx);
}

static bool ipoib_owns_addr(struct net_device *ndev,
			    const struct sockaddr *addr)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)addr;

	switch (addr->sa_family) {
	case AF_INET:
		return __ip_dev_find(dev_net(ndev), sin->sin_addr.s_addr,
				     false) == ndev;
	case AF_INET6:
		return IS_ENABLED(CONFIG_IPV6) &&
		       ipv6_chk_addr(dev_net(ndev), &sin6->sin6_addr, ndev, 1);
	default:
		return false;
	}
}

static bool ipoib_matches(struct ipoib_dev *priv, u32 port, u16 pkey,
			  const union ib_gid *gid)
{
	return priv->port == port &&
	       (priv->pkey & ~IPOIB_PKEY_FULL) == (pkey & ~IPOIB_PKEY_FULL) &&
	       (!gid || !memcmp(gid, &priv->local_gid, sizeof(*gid)));
}

static struct net_device *ipoib_get_net_dev(struct ib_device *ca, u32 port,
					    u16 pkey, const union ib_gid *gid,
					    const struct sockaddr *addr,
					    void *client_data)
{
	struct net_device *found = NULL, *only = NULL;
	struct ipoib_ctx *ctx = client_data;
	unsigned int candidates = 0;
	struct ipoib_dev *priv;
	unsigned long flags;

	if (!ctx)
		return NULL;
	rcu_read_lock();
	spin_lock_irqsave(&ctx->ifaces_lock, flags);
	list_for_each_entry(priv, &ctx->ifaces, ctx_node) {
		if (!ipoib_matches(priv, port, pkey, gid))
			continue;
		candidates++;
		only = priv->ndev;
		if (addr && ipoib_owns_addr(priv->ndev, addr)) {
			found = priv->ndev;
			break;
		}
	}
	if (!found && candidates == 1)
		found = only;
	if (found)
		dev_hold(found);
	spin_unlock_irqrestore(&ctx->ifaces_lock, flags);
	rcu_read_unlock();
	return found;
}

static struct ib_client ipoib_client = {
	.name = "ipoib",
	.add = ipoib_add_one,
	.remove = ipoib_remove_one,
	.get_net_dev_by_params = ipoib_get_net_dev,
};

static int ipoib_netdev_event(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	struct net_device *ndev = netdev_notifier_info_to_dev(ptr);

	if (!ipoib_is_ipoib(ndev))
		return NOTIFY_DONE;
	if (event == NETDEV_CHANGENAME)
		ipoib_debugfs_rename(ipoib_priv(ndev));
	else if (event == NETDEV_CHANGE)
		ipoib_ring_announce(ipoib_priv(ndev));
	return NOTIFY_DONE;
}

static struct notifier_block ipoib_netdev_nb = {
	.notifier_call = ipoib_netdev_event,
};

static int __init ipoib_init(void)
{
	int ret;

	/*
	 * High priority: a join completes only when the multicast task has
	 * consumed the SA's answer and attached the QP, and a normal worker
	 * can wait a scheduler tick or more behind a busy sender.
	 */
	ipoib_wq = alloc_workqueue("ipoib", WQ_MEM_RECLAIM | WQ_HIGHPRI, 0);
	if (!ipoib_wq)
		return -ENOMEM;
	ipoib_debugfs_init();
	ib_sa_register_client(&ipoib_sa_client);
	ret = ipoib_link_register();
	if (ret)
		goto err_sa;
	ret = register_netdevice_notifier(&ipoib_netdev_nb);
	if (ret)
		goto err_link;
	ret = ib_register_client(&ipoib_client);
	if (ret)
		goto err_notifier;
	return 0;

err_notifier:
	unregister_netdevice_notifier(&ipoib_netdev_nb);
err_link:
	ipoib_link_unregister();
err_sa:
	ib_sa_unregister_client(&ipoib_sa_client);
	ipoib_debugfs_exit();
	destroy_workqueue(ipoib_wq);
	return ret;
}

static void __exit ipoib_exit(void)
{
	ib_unregister_client(&ipoib_client);
	unregister_netdevice_notifier(&ipoib_netdev_nb);
	ipoib_link_unregister();
	ib_sa_unregister_client(&ipoib_sa_client);
	ipoib_debugfs_exit();
	destroy_workqueue(ipoib_wq);
}

module_init(ipoib_init);
module_exit(ipoib_exit);
