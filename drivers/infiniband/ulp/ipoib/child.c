// SPDX-License-Identifier: GPL-2.0
/*
 * P_Key child interfaces and the "ipoib" rtnl_link_ops.
 *
 * A child shares its parent's IB port but has its own P_Key, QP and
 * broadcast group. Children come from the parent's create_child sysfs file
 * (named <parent>.<pkey>, one per P_Key) or from "ip link add ... type
 * ipoib". They sit on the parent's children list (RTNL) and hold a
 * reference on it, so the parent always outlives them.
 *
 * Parents also carry these link ops so "ip -d link" reports their
 * attributes; they cannot be deleted through netlink. netns_refund sends
 * every IPoIB device back to init_net when its namespace dies instead of
 * destroying it.
 */
#include <net/rtnetlink.h>

#include "ipoib.h"

static bool ipoib_pkey_valid(u16 pkey)
{
	/* 0x0000 and 0x8000 are the invalid P_Key (IBA 10.9.1.2). */
	return pkey & ~IPOIB_PKEY_FULL;
}

static void ipoib_child_bind(struct net_device *parent, struct net_device *ndev,
			     u16 pkey)
{
	struct ipoib_dev *ppriv = ipoib_priv(parent);
	struct ipoib_dev *priv = ipoib_priv(ndev);

	ipoib_init_priv(priv, ppriv->ctx, ppriv->port, pkey);
	/* A child starts with its parent's ring sizes. */
	priv->rx_size = ppriv->rx_size;
	priv->tx_size = ppriv->tx_size;
	priv->parent = parent;
	SET_NETDEV_DEV(ndev, parent->dev.parent);
}

static struct ipoib_dev *ipoib_child_find(struct net_device *parent, u16 pkey)
{
	struct ipoib_dev *child;

	ASSERT_RTNL();
	pkey |= IPOIB_PKEY_FULL;
	list_for_each_entry(child, &ipoib_priv(parent)->children, child_node)
		if (child->sysfs_child && child->pkey == pkey)
			return child;
	return NULL;
}

static int ipoib_child_check_parent(struct net_device *parent)
{
	if (ipoib_priv(parent)->parent) {
		netdev_info(parent, "a child interface cannot have children\n");
		return -EOPNOTSUPP;
	}
	return 0;
}

/**
 * ipoib_child_create - create a P_Key child from the create_child file
 * @parent: parent interface
 * @pkey: P_Key as written by the user
 *
 * Called with RTNL held.
 *
 * Return: 0 or a negative errno.
 */
int ipoib_child_create(struct net_device *parent, u16 pkey)
{
	char name[IFNAMSIZ];
	struct net_device *ndev;
	int ret;

	ASSERT_RTNL();
	ret = ipoib_child_check_parent(parent);
	if (ret)
		return ret;
	if (!ipoib_pkey_valid(pkey))
		return -EINVAL;
	if (ipoib_child_find(parent, pkey))
		return -EEXIST;
	if (snprintf(name, sizeof(name), "%s.%04x", parent->name, pkey) >=
	    sizeof(name))
		return -ENAMETOOLONG;

	ndev = alloc_netdev(sizeof(struct ipoib_dev), name, NET_NAME_UNKNOWN,
			    ipoib_setup);
	if (!ndev)
		return -ENOMEM;
	ipoib_child_bind(parent, ndev, pkey);
	ipoib_priv(ndev)->sysfs_child = true;
	dev_net_set(ndev, dev_net(parent));
	ret = register_netdevice(ndev);
	if (ret)
		free_netdev(ndev);
	return ret;
}

/**
 * ipoib_child_delete - delete a child made by ipoib_child_create()
 * @parent: parent interface
 * @pkey: P_Key of the child
 *
 * Called with RTNL held.
 *
 * Return: 0, or -ENODEV if there is no such child.
 */
int ipoib_child_delete(struct net_device *parent, u16 pkey)
{
	struct ipoib_dev *child;

	ASSERT_RTNL();
	child = ipoib_child_find(parent, pkey);
	if (!child)
		return -ENODEV;
	unregister_netdevice(child->ndev);
	return 0;
}

static const struct nla_policy ipoib_policy[IFLA_IPOIB_MAX + 1] = {
	[IFLA_IPOIB_PKEY]	= { .type = NLA_U16 },
	[IFLA_IPOIB_MODE]	= { .type = NLA_U16 },
	[IFLA_IPOIB_UMCAST]	= { .type = NLA_U16 },
};

/*
 * rtnetlink parses IFLA_INFO_DATA leniently: it ignores unknown attribute
 * types and takes a u16 from an attribute of any size of at least two
 * bytes. Check the raw attributes strictly instead, so that such input is
 * refused with a message rather than half understood.
 */
static int ipoib_link_validate_strict(struct nlattr *tb[],
				      struct netlink_ext_ack *extack)
{
	const struct nlattr *info;

	if (!tb[IFLA_LINKINFO])
		return 0;
	info = nla_find_nested(tb[IFLA_LINKINFO], IFLA_INFO_DATA);
	if (!info)
		return 0;
	return nla_validate_nested(info, IFLA_IPOIB_MAX, ipoib_policy, extack);
}

static int ipoib_link_validate(struct nlattr *tb[], struct nlattr *data[],
			       struct netlink_ext_ack *extack)
{
	struct nlattr *attr;
	int ret;

	ret = ipoib_link_validate_strict(tb, extack);
	if (ret || !data)
		return ret;
	attr = data[IFLA_IPOIB_PKEY];
	if (attr && !ipoib_pkey_valid(nla_get_u16(attr))) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "invalid P_Key");
		return -EINVAL;
	}
	attr = data[IFLA_IPOIB_MODE];
	if (attr && nla_get_u16(attr) == IPOIB_MODE_CONNECTED) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "connected mode is not supported");
		return -EOPNOTSUPP;
	}
	if (attr && nla_get_u16(attr) != IPOIB_MODE_DATAGRAM) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "unknown IPoIB mode");
		return -EINVAL;
	}
	attr = data[IFLA_IPOIB_UMCAST];
	if (attr && nla_get_u16(attr) > 1) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "umcast must be 0 or 1");
		return -EINVAL;
	}
	return 0;
}

/*
 * Apply the attributes that act on a live interface: umcast, whose setter
 * kicks the multicast task. Only for a registered device: rtnetlink frees
 * one whose registration failed at once, work queued on it or not. The
 * P_Key is bound before registration (ndo_init needs it) and the mode is
 * only checked, so neither has a side effect to undo.
 */
static void ipoib_link_apply(struct net_device *ndev, struct nlattr *data[])
{
	struct ipoib_dev *priv = ipoib_priv(ndev);

	ASSERT_RTNL();
	if (WARN_ON_ONCE(ndev->reg_state != NETREG_REGISTERED))
		return;
	if (!data || !data[IFLA_IPOIB_UMCAST])
		return;
	ipoib_set_umcast(priv, nla_get_u16(data[IFLA_IPOIB_UMCAST]));
}

static struct net_device *ipoib_link_parent(struct net *net,
					    struct nlattr *tb[],
					    struct netlink_ext_ack *extack)
{
	struct net_device *parent;

	if (!tb[IFLA_LINK]) {
		NL_SET_ERR_MSG(extack, "an IPoIB parent link is required");
		return ERR_PTR(-EINVAL);
	}
	parent = __dev_get_by_index(net, nla_get_u32(tb[IFLA_LINK]));
	if (!parent) {
		NL_SET_ERR_MSG(extack, "parent link not found");
		return ERR_PTR(-ENODEV);
	}
	if (!ipoib_is_ipoib(parent) || ipoib_priv(parent)->parent) {
		NL_SET_ERR_MSG(extack, "parent must be an IPoIB parent interface");
		return ERR_PTR(-EINVAL);
	}
	return parent;
}

static int ipoib_link_newlink(struct net *src_net, struct net_device *ndev,
			      struct nlattr *tb[], struct nlattr *data[],
			      struct netlink_ext_ack *extack)
{
	struct net_device *parent;
	u16 pkey;
	int ret;

	parent = ipoib_link_parent(src_net, tb, extack);
	if (IS_ERR(parent))
		return PTR_ERR(parent);
	if (data && data[IFLA_IPOIB_PKEY])
		pkey = nla_get_u16(data[IFLA_IPOIB_PKEY]);
	else
		pkey = READ_ONCE(ipoib_priv(parent)->pkey);

	ipoib_child_bind(parent, ndev, pkey);
	ret = register_netdevice(ndev);
	if (ret)
		return ret;
	ipoib_link_apply(ndev, data);
	return 0;
}

static void ipoib_link_dellink(struct net_device *ndev, struct list_head *head)
{
	struct ipoib_dev *priv = ipoib_priv(ndev);

	if (!priv->parent) {
		netdev_info(ndev, "parent interfaces go away with their IB device\n");
		return;
	}
	unregister_netdevice_queue(ndev, head);
}

static int ipoib_link_changelink(struct net_device *ndev, struct nlattr *tb[],
				 struct nlattr *data[],
				 struct netlink_ext_ack *extack)
{
	struct ipoib_dev *priv = ipoib_priv(ndev);
	struct nlattr *attr = data ? data[IFLA_IPOIB_PKEY] : NULL;

	if (attr && (nla_get_u16(attr) | IPOIB_PKEY_FULL) !=
		    READ_ONCE(priv->pkey)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "the P_Key cannot be changed");
		return -EOPNOTSUPP;
	}
	ipoib_link_apply(ndev, data);
	return 0;
}

static size_t ipoib_link_get_size(const struct net_device *ndev)
{
	return nla_total_size(sizeof(u16)) +	/* IFLA_IPOIB_PKEY */
	       nla_total_size(sizeof(u16)) +	/* IFLA_IPOIB_MODE */
	       nla_total_size(sizeof(u16));	/* IFLA_IPOIB_UMCAST */
}

static int ipoib_link_fill_info(struct sk_buff *skb,
				const struct net_device *ndev)
{
	struct ipoib_dev *priv = ipoib_priv(ndev);

	if (nla_put_u16(skb, IFLA_IPOIB_PKEY, READ_ONCE(priv->pkey)) ||
	    nla_put_u16(skb, IFLA_IPOIB_MODE, IPOIB_MODE_DATAGRAM) ||
	    nla_put_u16(skb, IFLA_IPOIB_UMCAST,
			test_bit(IPOIB_FLAG_UMCAST, &priv->flags)))
		return -EMSGSIZE;
	return 0;
}

struct rtnl_link_ops ipoib_link_ops = {
	.kind		= "ipoib",
	.netns_refund	= true,
	.maxtype	= IFLA_IPOIB_MAX,
	.policy		= ipoib_policy,
	.priv_size	= sizeof(struct ipoib_dev),
	.setup		= ipoib_setup,
	.validate	= ipoib_link_validate,
	.newlink	= ipoib_link_newlink,
	.dellink	= ipoib_link_dellink,
	.changelink	= ipoib_link_changelink,
	.get_size	= ipoib_link_get_size,
	.fill_info	= ipoib_link_fill_info,
};

/**
 * ipoib_link_register - register the "ipoib" link type
 *
 * Return: 0 or a negative errno.
 */
int ipoib_link_register(void)
{
	return rtnl_link_register(&ipoib_link_ops);
}

/**
 * ipoib_link_unregister - unregister the "ipoib" link type
 */
void ipoib_link_unregister(void)
{
	rtnl_link_unregister(&ipoib_link_ops);
}

MODULE_ALIAS_RTNL_LINK("ipoib");
