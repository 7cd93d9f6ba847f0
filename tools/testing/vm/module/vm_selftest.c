// SPDX-License-Identifier: GPL-2.0
/*
 * vm_selftest - a tiny module that lets the VM bench prove it catches
 * kernel warnings. Writing anything to debugfs "vm_selftest/warn" fires a
 * WARN(); the runner must then report the test that did it as failed.
 * Never load this outside the test VM.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>

static struct dentry *vmst_dir;

static ssize_t vmst_warn_write(struct file *file, const char __user *buf,
			       size_t count, loff_t *ppos)
{
	WARN(1, "vm_selftest: warning requested from userspace\n");
	return count;
}

static const struct file_operations vmst_warn_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = vmst_warn_write,
	.llseek = noop_llseek,
};

static int __init vmst_init(void)
{
	vmst_dir = debugfs_create_dir("vm_selftest", NULL);
	debugfs_create_file("warn", 0200, vmst_dir, NULL, &vmst_warn_fops);
	return 0;
}

static void __exit vmst_exit(void)
{
	debugfs_remove_recursive(vmst_dir);
}

module_init(vmst_init);
module_exit(vmst_exit);
MODULE_DESCRIPTION("VM bench self-test helper: fires a WARN on request");
MODULE_LICENSE("GPL");
