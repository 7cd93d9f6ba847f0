// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs attributes of an IPoIB network device (see
 * Documentation/ABI/testing/sysfs-class-net-ipoib).
 *
 * The group is installed through net_device.sysfs_groups before
 * registration, so the files exist exactly while the device is registered.
 * Writers need CAP_NET_ADMIN in the device's network namespace. Files that
 * create or delete devices need RTNL; they only try it and restart the
 * system call otherwise, because unregistering a device under RTNL waits for
 * its sysfs writers to leave.
 */
#include <linux/capability.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "ipoib.h"

static struct net_device *ipoib_sysfs_ndev(struct device *dev)
{
	return container_of(dev, struct net_device, dev);
}

static bool ipoib_sysfs_may_write(struct net_device *ndev)
{
	return ns_capable(dev_net(ndev)->user_ns, CAP_NET_ADMIN);
}

/*
 * The parsers below stop at a NUL byte, so "1\0junk" would pass for "1":
 * refuse any input that contains one.
 */
static bool ipoib_sysfs_clean(const char *buf, size_t len)
{
	return !memchr(buf, '\0', len);
}

/* The words of kstrtobool(), whole: "1abc" or "on off" are not booleans. */
static const char * const ipoib_sysfs_false[] = {
	"0", "n", "N", "no", "off", "false",
};

static const char * const ipoib_sysfs_true[] = {
	"1", "y", "Y", "yes", "on", "true",
};

static int ipoib_sysfs_bool(const char *buf, size_t len, bool *on)
{
	if (!ipoib_sysfs_clean(buf, len))
		return -EINVAL;
	if (sysfs_match_string(ipoib_sysfs_false, buf) >= 0)
		*on = false;
	else if (sysfs_match_string(ipoib_sysfs_true, buf) >= 0)
		*on = true;
	else
		return -EINVAL;
	return 0;
}

static ssize_t ipoib_pkey_show(struct device *dev,
			       struct device_attribute *da, char *buf)
{
	struct ipoib_dev *priv = ipoib_priv(ipoib_sysfs_ndev(dev));

	return sysfs_emit(buf, "0x%04x\n", READ_ONCE(priv->pkey));
}

static ssize_t ipoib_mode_show(struct device *dev,
			       struct device_attribute *da, char *buf)
{
	return sysfs_emit(buf, "datagram\n");
}

static ssize_t ipoib_mode_store(struct device *dev,
				struct device_attribute *da,
				const char *buf, size_t len)
{
	struct net_device *ndev = ipoib_sysfs_ndev(dev);

	if (!ipoib_sysfs_may_write(ndev))
		return -EPERM;
	if (!ipoib_sysfs_clean(buf, len))
		return -EINVAL;
	if (sysfs_streq(buf, "datagram"))
		return len;
	if (sysfs_streq(buf, "connected")) {
		netdev_info(ndev, "connected mode is not supported\n");
		return -EOPNOTSUPP;
	}
	return -EINVAL;
}

static ssize_t ipoib_umcast_show(struct device *dev,
				 struct device_attribute *da, char *buf)
{
	struct ipoib_dev *priv = ipoib_priv(ipoib_sysfs_ndev(dev));

	return sysfs_emit(buf, "%d\n", test_bit(IPOIB_FLAG_UMCAST, &priv->flags));
}

static ssize_t ipoib_umcast_store(struct device *dev,
				  struct device_attribute *da,
				  const char *buf, size_t len)
{
	struct net_device *ndev = ipoib_sysfs_ndev(dev);
	struct ipoib_dev *priv = ipoib_priv(ndev);
	bool on;

	if (!ipoib_sysfs_may_write(ndev))
		return -EPERM;
	if (ipoib_sysfs_bool(buf, len, &on))
		return -EINVAL;
	ipoib_set_umcast(priv, on);
	return len;
}

static ssize_t ipoib_child_store(struct device *dev, const char *buf,
				 size_t len, bool create)
{
	struct net_device *ndev = ipoib_sysfs_ndev(dev);
	u16 pkey;
	int ret;

	if (!ipoib_sysfs_may_write(ndev))
		return -EPERM;
	if (!ipoib_sysfs_clean(buf, len) || kstrtou16(buf, 0, &pkey))
		return -EINVAL;
	if (!rtnl_trylock())
		return restart_syscall();
	if (ndev->reg_state != NETREG_REGISTERED)
		ret = -ENODEV;
	else if (create)
		ret = ipoib_child_create(ndev, pkey);
	else
		ret = ipoib_child_delete(ndev, pkey);
	rtnl_unlock();
	return ret ? ret : len;
}

static ssize_t ipoib_create_child_store(struct device *dev,
					struct device_attribute *da,
					const char *buf, size_t len)
{
	return ipoib_child_store(dev, buf, len, true);
}

static ssize_t ipoib_delete_child_store(struct device *dev,
					struct device_attribute *da,
					const char *buf, size_t len)
{
	return ipoib_child_store(dev, buf, len, false);
}

/* Only P_Key children have this file (see ipoib_sysfs_visible()). */
static ssize_t ipoib_parent_show(struct device *dev,
				 struct device_attribute *da, char *buf)
{
	struct ipoib_dev *priv = ipoib_priv(ipoib_sysfs_ndev(dev));

	return sysfs_emit(buf, "%s\n", priv->parent->name);
}

static struct device_attribute ipoib_attr_pkey =
	__ATTR(pkey, 0444, ipoib_pkey_show, NULL);
static struct device_attribute ipoib_attr_mode =
	__ATTR(mode, 0644, ipoib_mode_show, ipoib_mode_store);
static struct device_attribute ipoib_attr_umcast =
	__ATTR(umcast, 0644, ipoib_umcast_show, ipoib_umcast_store);
static struct device_attribute ipoib_attr_create_child =
	__ATTR(create_child, 0200, NULL, ipoib_create_child_store);
static struct device_attribute ipoib_attr_delete_child =
	__ATTR(delete_child, 0200, NULL, ipoib_delete_child_store);

static struct device_attribute ipoib_attr_parent =
	__ATTR(parent, 0444, ipoib_parent_show, NULL);

static struct attribute *ipoib_attrs[] = {
	&ipoib_attr_pkey.attr,
	&ipoib_attr_parent.attr,
	&ipoib_attr_mode.attr,
	&ipoib_attr_umcast.attr,
	&ipoib_attr_create_child.attr,
	&ipoib_attr_delete_child.attr,
	NULL,
};

static umode_t ipoib_sysfs_visible(struct kobject *kobj,
				   struct attribute *attr, int n)
{
	struct net_device *ndev = to_net_dev(kobj_to_dev(kobj));

	if (attr == &ipoib_attr_parent.attr && !ipoib_priv(ndev)->parent)
		return 0;
	return attr->mode;
}

const struct attribute_group ipoib_sysfs_group = {
	.attrs = ipoib_attrs,
	.is_visible = ipoib_sysfs_visible,
};
