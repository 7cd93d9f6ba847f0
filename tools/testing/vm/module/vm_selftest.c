// SPDX-License-Identifier: GPL-2.0
/*
 * vm_selftest - a tiny module that lets the VM bench prove it catches
 * kernel reports. Writing anything to a debugfs file in "vm_selftest/"
 * does something wrong on purpose; the runner must then report the test
 * that did it as failed:
 *
 *   warn      a WARN()
 *   leak      leaks a few allocations (kmemleak on a debug kernel)
 *   lockdep   takes two mutexes in both orders (a lockdep splat)
 *   uaf       reads freed memory (KASAN; only ever on a KASAN kernel)
 *
 * Never load this outside the test VM.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#define VMST_LEAKS 8

static struct dentry *vmst_dir;
/* Two locks with no data: only their order matters, to lockdep. */
static DEFINE_MUTEX(vmst_lock_a);
static DEFINE_MUTEX(vmst_lock_b);

static ssize_t vmst_warn_write(struct file *file, const char __user *buf,
			       size_t count, loff_t *ppos)
{
	WARN(1, "vm_selftest: warning requested from userspace\n");
	return count;
}

static ssize_t vmst_leak_write(struct file *file, const char __user *buf,
			       size_t count, loff_t *ppos)
{
	int i;

	/* Several, so that a stale copy of one pointer cannot hide them all. */
	for (i = 0; i < VMST_LEAKS; i++)
		if (!kmalloc(128, GFP_KERNEL))
			return -ENOMEM;
	return count;
}

static ssize_t vmst_lockdep_write(struct file *file, const char __user *buf,
				  size_t count, loff_t *ppos)
{
	mutex_lock(&vmst_lock_a);
	mutex_lock(&vmst_lock_b);
	mutex_unlock(&vmst_lock_b);
	mutex_unlock(&vmst_lock_a);

	mutex_lock(&vmst_lock_b);
	mutex_lock(&vmst_lock_a);
	mutex_unlock(&vmst_lock_a);
	mutex_unlock(&vmst_lock_b);
	return count;
}

static ssize_t vmst_uaf_write(struct file *file, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	kfree(p);
	pr_info("vm_selftest: read %d after free\n", READ_ONCE(p[8]));
	return count;
}

#define VMST_FOPS(name)						\
static const struct file_operations vmst_##name##_fops = {	\
	.owner = THIS_MODULE,					\
	.open = simple_open,					\
	.write = vmst_##name##_write,				\
	.llseek = noop_llseek,					\
}

VMST_FOPS(warn);
VMST_FOPS(leak);
VMST_FOPS(lockdep);
VMST_FOPS(uaf);

static int __init vmst_init(void)
{
	vmst_dir = debugfs_create_dir("vm_selftest", NULL);
	debugfs_create_file("warn", 0200, vmst_dir, NULL, &vmst_warn_fops);
	debugfs_create_file("leak", 0200, vmst_dir, NULL, &vmst_leak_fops);
	debugfs_create_file("lockdep", 0200, vmst_dir, NULL,
			    &vmst_lockdep_fops);
	debugfs_create_file("uaf", 0200, vmst_dir, NULL, &vmst_uaf_fops);
	return 0;
}

static void __exit vmst_exit(void)
{
	debugfs_remove_recursive(vmst_dir);
}

module_init(vmst_init);
module_exit(vmst_exit);
MODULE_DESCRIPTION("VM bench self-test helper: kernel reports on request");
MODULE_LICENSE("GPL");
