// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs ground truth: /sys/kernel/debug/ipoib/<if>_mcg lists multicast
 * groups, <if>_path lists unicast paths. Files follow interface renames.
 * umcast_owner says how the umcast policy learns who else holds a group:
 * "exact" (ib_core's member lookup, owner.c) or "merged" (the fallback
 * of out-of-tree builds, which reads the merged group record).
 * Not ABI: for tests and debugging only. Creation failures (no debugfs, a
 * same-named interface in another namespace) are ignored.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "ipoib.h"

static struct dentry *ipoib_dbg_root;

DEFINE_SHOW_ATTRIBUTE(ipoib_mcast);
DEFINE_SHOW_ATTRIBUTE(ipoib_path);

static int ipoib_owner_show(struct seq_file *m, void *unused)
{
	seq_puts(m, ipoib_owner_exact ? "exact\n" : "merged\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ipoib_owner);

/**
 * ipoib_debugfs_init - create the ipoib debugfs directory
 *
 * Return: 0.
 */
int ipoib_debugfs_init(void)
{
	ipoib_dbg_root = debugfs_create_dir("ipoib", NULL);
	debugfs_create_file("umcast_owner", 0400, ipoib_dbg_root, NULL,
			    &ipoib_owner_fops);
	return 0;
}

/**
 * ipoib_debugfs_exit - remove the ipoib debugfs directory
 */
void ipoib_debugfs_exit(void)
{
	debugfs_remove_recursive(ipoib_dbg_root);
}

/**
 * ipoib_debugfs_add - create the files of an interface
 * @priv: interface, named
 */
void ipoib_debugfs_add(struct ipoib_dev *priv)
{
	char name[IFNAMSIZ + 8];

	snprintf(name, sizeof(name), "%s_mcg", priv->ndev->name);
	priv->dbg_mcg = debugfs_create_file(name, 0400, ipoib_dbg_root, priv,
					    &ipoib_mcast_fops);
	snprintf(name, sizeof(name), "%s_path", priv->ndev->name);
	priv->dbg_path = debugfs_create_file(name, 0400, ipoib_dbg_root, priv,
					     &ipoib_path_fops);
}

/**
 * ipoib_debugfs_del - remove the files of an interface
 * @priv: interface
 */
void ipoib_debugfs_del(struct ipoib_dev *priv)
{
	debugfs_remove(priv->dbg_mcg);
	debugfs_remove(priv->dbg_path);
	priv->dbg_mcg = NULL;
	priv->dbg_path = NULL;
}

/**
 * ipoib_debugfs_rename - follow an interface rename
 * @priv: interface with its new name
 */
void ipoib_debugfs_rename(struct ipoib_dev *priv)
{
	ipoib_debugfs_del(priv);
	ipoib_debugfs_add(priv);
}
