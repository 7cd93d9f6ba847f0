// SPDX-License-Identifier: GPL-2.0
/*
 * The softib bus and the module's entry points.
 *
 * Like netdevsim, tests create and delete devices by writing to bus
 * attributes: "ID NPORTS [OFFLOADS]" to /sys/bus/softib/new_device (the
 * IPoIB offloads of offload.c: "none" or a comma list of csum and tso;
 * both when left out; shown in the bus device's offloads attribute) and
 * "ID" to /sys/bus/softib/del_device.  /sys/bus/softib/embedded_sm (1,
 * the default, or 0) chooses who runs the subnet (fabric.c), and may be
 * written only while no device exists.  Each ID gets a bus device softib<ID>
 * (struct softib_bus_dev) with the InfiniBand device softib<ID> under it.
 * softib_bus_lock serialises changes to and walks of the device list; a
 * device is fully registered before it is listed.  Deletion marks the
 * device dying under the lock and tears it down without it, since
 * unregistering waits for every user-space verbs user to let go: walks
 * skip a dying device, and its ID stays listed, so taken, until the bus
 * device is gone.  Module unload deletes what is left and waits for the
 * deletions under way.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "softib.h"

/* protects softib_bus_devs, softib_bus_open and each bus device's dying */
static DEFINE_MUTEX(softib_bus_lock);
static LIST_HEAD(softib_bus_devs);
static bool softib_bus_open = true;
/* woken when a deletion has unlisted its device */
static DECLARE_WAIT_QUEUE_HEAD(softib_bus_unlisted);

static void softib_bus_dev_release(struct device *dev)
{
	kfree(container_of(dev, struct softib_bus_dev, dev));
}

static const char *const softib_offload_names[] = { "csum", "tso" };

/* offloads: the device's IPoIB offloads, "none" or a comma list */
static ssize_t offloads_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct softib_bus_dev *bdev = container_of(dev, struct softib_bus_dev,
						   dev);
	u32 offloads = bdev->offloads;
	int len = 0, i;

	for (i = 0; i < ARRAY_SIZE(softib_offload_names); i++)
		if (offloads & BIT(i))
			len += sysfs_emit_at(buf, len, "%s%s", len ? "," : "",
					     softib_offload_names[i]);
	return len + sysfs_emit_at(buf, len, "%s\n", len ? "" : "none");
}
static DEVICE_ATTR_RO(offloads);

static struct attribute *softib_bus_dev_attrs[] = {
	&dev_attr_offloads.attr,
	NULL
};
ATTRIBUTE_GROUPS(softib_bus_dev);

static const struct device_type softib_bus_dev_type = {
	.name = SOFTIB_NAME,
	.release = softib_bus_dev_release,
	.groups = softib_bus_dev_groups,
};

/* "none", or a comma list of offload names, each at most once */
static int softib_parse_offloads(char *list, u32 *offloads)
{
	char *name;
	int i;

	*offloads = 0;
	if (!strcmp(list, "none"))
		return 0;
	while ((name = strsep(&list, ","))) {
		i = match_string(softib_offload_names,
				 ARRAY_SIZE(softib_offload_names), name);
		if (i < 0 || (*offloads & BIT(i)))
			return -EINVAL;
		*offloads |= BIT(i);
	}
	return 0;
}

static struct softib_bus_dev *softib_bus_find(u32 id)
{
	struct softib_bus_dev *bdev;

	lockdep_assert_held(&softib_bus_lock);
	list_for_each_entry(bdev, &softib_bus_devs, list)
		if (bdev->id == id)
			return bdev;
	return NULL;
}

static int softib_bus_dev_new(u32 id, u32 nports, u32 offloads);

/* "ID NPORTS [OFFLOADS]" */
static ssize_t new_device_store(const struct bus_type *bus, const char *buf,
				size_t count)
{
	u32 offloads = SOFTIB_OFFLOADS_ALL;
	unsigned int id, nports;
	char list[16], extra;
	int err, n;

	if (!softib_may_control())
		return -EPERM;
	if (!softib_input_clean(buf, count))
		return -EINVAL;
	n = sscanf(buf, "%u %u %15s %c", &id, &nports, list, &extra);
	if (n < 2 || n > 3 || id > SOFTIB_MAX_ID || !nports ||
	    nports > SOFTIB_MAX_PORTS ||
	    (n == 3 && softib_parse_offloads(list, &offloads)))
		return -EINVAL;
	mutex_lock(&softib_bus_lock);
	if (!softib_bus_open)
		err = -ENODEV;
	else if (softib_bus_find(id))
		err = -EEXIST;
	else
		err = softib_bus_dev_new(id, nports, offloads);
	mutex_unlock(&softib_bus_lock);
	return err ?: count;
}
static BUS_ATTR_WO(new_device);

/*
 * Tear down a device marked dying; no lock held, since unregistering may
 * wait for user space.  The ID is released only once the bus device is
 * gone, so a new device with the same ID cannot clash with it in sysfs.
 */
static void softib_bus_dev_del(struct softib_bus_dev *bdev)
{
	softib_dev_destroy(bdev->sdev);
	device_del(&bdev->dev);
	mutex_lock(&softib_bus_lock);
	list_del(&bdev->list);
	mutex_unlock(&softib_bus_lock);
	wake_up(&softib_bus_unlisted);
	put_device(&bdev->dev);
}

static ssize_t del_device_store(const struct bus_type *bus, const char *buf,
				size_t count)
{
	struct softib_bus_dev *bdev;
	unsigned int id;
	char extra;

	if (!softib_may_control())
		return -EPERM;
	if (!softib_input_clean(buf, count) ||
	    sscanf(buf, "%u %c", &id, &extra) != 1 || id > SOFTIB_MAX_ID)
		return -EINVAL;
	mutex_lock(&softib_bus_lock);
	bdev = softib_bus_find(id);
	/* a device another writer is deleting is as good as gone */
	if (bdev && !bdev->dying)
		bdev->dying = true;
	else
		bdev = NULL;
	mutex_unlock(&softib_bus_lock);
	if (!bdev)
		return -ENOENT;
	softib_bus_dev_del(bdev);
	return count;
}
static BUS_ATTR_WO(del_device);

static ssize_t embedded_sm_show(const struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%d\n", softib_sm_embedded());
}

/* "0" or "1", only while there is no device (a dying one counts) */
static ssize_t embedded_sm_store(const struct bus_type *bus, const char *buf,
				 size_t count)
{
	unsigned int on;
	char extra;
	int err = 0;

	if (!softib_may_control())
		return -EPERM;
	if (!softib_input_clean(buf, count) ||
	    sscanf(buf, "%u %c", &on, &extra) != 1 || on > 1)
		return -EINVAL;
	mutex_lock(&softib_bus_lock);
	if (!list_empty(&softib_bus_devs))
		err = -EBUSY;
	else if (on != softib_sm_embedded())
		softib_fabric_set_sm(on);
	mutex_unlock(&softib_bus_lock);
	return err ?: count;
}
static BUS_ATTR_RW(embedded_sm);

static struct attribute *softib_bus_attrs[] = {
	&bus_attr_new_device.attr,
	&bus_attr_del_device.attr,
	&bus_attr_embedded_sm.attr,
	NULL
};

static const struct attribute_group softib_bus_group = {
	.attrs = softib_bus_attrs,
};

static const struct attribute_group *softib_bus_groups[] = {
	&softib_bus_group,
	NULL
};

static const struct bus_type softib_bus = {
	.name = SOFTIB_NAME,
	.dev_name = SOFTIB_NAME,
	.bus_groups = softib_bus_groups,
};

static int softib_bus_dev_new(u32 id, u32 nports, u32 offloads)
{
	struct softib_bus_dev *bdev;
	struct softib_dev *sdev;
	int err;

	lockdep_assert_held(&softib_bus_lock);
	bdev = kzalloc(sizeof(*bdev), GFP_KERNEL);
	if (!bdev)
		return -ENOMEM;
	bdev->id = id;
	bdev->offloads = offloads;
	bdev->dev.id = id;
	bdev->dev.bus = &softib_bus;
	bdev->dev.type = &softib_bus_dev_type;
	err = device_register(&bdev->dev);
	if (err)
		goto err_put;
	sdev = softib_dev_create(bdev, nports, offloads);
	if (IS_ERR(sdev)) {
		err = PTR_ERR(sdev);
		goto err_unregister;
	}
	bdev->sdev = sdev;
	list_add_tail(&bdev->list, &softib_bus_devs);
	return 0;

err_unregister:
	device_unregister(&bdev->dev);
	return err;
err_put:
	put_device(&bdev->dev);
	return err;
}

/**
 * softib_bus_for_each - call a function for every softib device
 * @fn: the function; a non-zero return stops the walk
 * @arg: passed to @fn
 *
 * Context: process context; takes softib_bus_lock.
 * Return: the first non-zero value @fn returned, or 0.
 */
int softib_bus_for_each(int (*fn)(struct softib_dev *sdev, void *arg),
			void *arg)
{
	struct softib_bus_dev *bdev;
	int ret = 0;

	mutex_lock(&softib_bus_lock);
	list_for_each_entry(bdev, &softib_bus_devs, list) {
		if (bdev->dying)
			continue;
		ret = fn(bdev->sdev, arg);
		if (ret)
			break;
	}
	mutex_unlock(&softib_bus_lock);
	return ret;
}

/* The first device nobody is deleting yet, marked dying; or NULL. */
static struct softib_bus_dev *softib_bus_claim(void)
{
	struct softib_bus_dev *bdev;

	lockdep_assert_held(&softib_bus_lock);
	list_for_each_entry(bdev, &softib_bus_devs, list) {
		if (!bdev->dying) {
			bdev->dying = true;
			return bdev;
		}
	}
	return NULL;
}

static void softib_bus_del_all(void)
{
	struct softib_bus_dev *bdev;

	mutex_lock(&softib_bus_lock);
	softib_bus_open = false;
	while ((bdev = softib_bus_claim())) {
		mutex_unlock(&softib_bus_lock);
		softib_bus_dev_del(bdev);
		mutex_lock(&softib_bus_lock);
	}
	mutex_unlock(&softib_bus_lock);
	/* no device can be added any more: wait for other deletions */
	wait_event(softib_bus_unlisted, list_empty_careful(&softib_bus_devs));
}

static int __init softib_init(void)
{
	int err;

	err = softib_switch_init();
	if (err)
		return err;
	err = softib_ud_init();
	if (err)
		goto err_switch;
	err = softib_sa_init();
	if (err)
		goto err_ud;
	err = softib_mc_init();
	if (err)
		goto err_sa;
	softib_debugfs_init();
	err = bus_register(&softib_bus);
	if (err)
		goto err_mc;
	return 0;

err_mc:
	softib_debugfs_exit();
	softib_mc_exit();
	softib_fabric_exit();
err_sa:
	softib_sa_exit();
err_ud:
	softib_ud_exit();
err_switch:
	softib_switch_exit();
	return err;
}

static void __exit softib_exit(void)
{
	softib_bus_del_all();
	bus_unregister(&softib_bus);
	softib_debugfs_exit();
	softib_sa_exit();
	softib_mc_exit();
	softib_fabric_exit();
	softib_ud_exit();
	softib_capture_exit();
	softib_switch_exit();
}

module_init(softib_init);
module_exit(softib_exit);
MODULE_DESCRIPTION("Software InfiniBand fabric for testing");
MODULE_LICENSE("GPL");
