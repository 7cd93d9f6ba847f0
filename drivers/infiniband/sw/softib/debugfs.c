// SPDX-License-Identifier: GPL-2.0
/*
 * Ground truth and fault knobs in /sys/kernel/debug/softib/.
 *
 * Read-only files print one record per line as key=value fields, so shell
 * tests can grep them: "groups" (the SA group table), "attach" (rdmavt's
 * multicast attachments of every QP) and "ports" (state and counters).
 * The knobs are plain numbers: sa_fail_joins, sa_drop_joins and
 * sa_delay_joins count down with each SA join they affect, sa_delay_ms is
 * the delay, sa_delay_leave_ms the delay of every SA leave while it is
 * not 0, and drop_rate the percentage of data packets lost.
 * qp_error_sends counts down with each data send it fails (and whose QP
 * it moves to the error state); stall_sends holds data sends while it is
 * 1, and a write to it kicks every QP's send work (ud.c); fail_qp_creates
 * counts down with each QP creation it fails (verbs.c).  "capture" and
 * "capture.pcap" record a port's packets (capture.c).
 */
#include <linux/debugfs.h>
#include <linux/rbtree.h>
#include <linux/seq_file.h>

#include "softib.h"

struct softib_faults softib_faults;
static struct dentry *softib_debugfs;

static int softib_groups_show(struct seq_file *s, void *unused)
{
	softib_mc_show(s);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(softib_groups);

static void softib_attach_port(struct seq_file *s, struct softib_port *port)
{
	struct rvt_ibport *rvp = &port->rvp;
	struct rvt_mcast_qp *p;
	struct rvt_mcast *mc;
	struct rb_node *n;

	spin_lock_irq(&rvp->lock);
	for (n = rb_first(&rvp->mcast_tree); n; n = rb_next(n)) {
		mc = rb_entry(n, struct rvt_mcast, rb_node);
		list_for_each_entry(p, &mc->qp_list, list)
			seq_printf(s, "dev=%s port=%u qpn=0x%06x mgid=%pI6 mlid=0x%04x\n",
				   dev_name(&port->sdev->rdi.ibdev.dev),
				   port->num, p->qp->ibqp.qp_num,
				   mc->mcast_addr.mgid.raw,
				   mc->mcast_addr.lid);
	}
	spin_unlock_irq(&rvp->lock);
}

static int softib_attach_dev(struct softib_dev *sdev, void *arg)
{
	u32 i;

	for (i = 0; i < sdev->nports; i++)
		softib_attach_port(arg, &sdev->ports[i]);
	return 0;
}

static int softib_attach_show(struct seq_file *s, void *unused)
{
	return softib_bus_for_each(softib_attach_dev, s);
}
DEFINE_SHOW_ATTRIBUTE(softib_attach);

static const char *softib_port_state_name(enum ib_port_state state)
{
	switch (state) {
	case IB_PORT_INIT:
		return "INIT";
	case IB_PORT_ARMED:
		return "ARMED";
	case IB_PORT_ACTIVE:
		return "ACTIVE";
	default:
		return "DOWN";
	}
}

static void softib_port_line(struct seq_file *s, struct softib_port *port)
{
	struct softib_port_stats *st = &port->stats;

	seq_printf(s, "dev=%s port=%u lid=0x%04x guid=0x%016llx state=%s mtu=%d tx_packets=%lld rx_packets=%lld tx_drops=%lld rx_drops=%lld sa_mads=%lld bad_csum=%lld lso_sends=%lld smps=%lld\n",
		   dev_name(&port->sdev->rdi.ibdev.dev), port->num, port->lid,
		   port->guid,
		   softib_port_state_name(READ_ONCE(port->state)),
		   ib_mtu_enum_to_int(softib_port_mtu(port)),
		   atomic64_read(&st->tx_packets),
		   atomic64_read(&st->rx_packets),
		   atomic64_read(&st->tx_drops),
		   atomic64_read(&st->rx_drops),
		   atomic64_read(&st->sa_mads),
		   atomic64_read(&st->bad_csum),
		   atomic64_read(&st->lso_sends),
		   atomic64_read(&st->smps));
}

static int softib_ports_dev(struct softib_dev *sdev, void *arg)
{
	u32 i;

	for (i = 0; i < sdev->nports; i++)
		softib_port_line(arg, &sdev->ports[i]);
	return 0;
}

static int softib_ports_show(struct seq_file *s, void *unused)
{
	return softib_bus_for_each(softib_ports_dev, s);
}
DEFINE_SHOW_ATTRIBUTE(softib_ports);

/*
 * A fault knob: a countdown (@count) or a plain value (@value), never
 * more than @max. Out-of-range writes fail instead of being clamped.
 * @written, if set, runs after every accepted write.
 */
struct softib_knob {
	const char *name;
	atomic_t *count;
	u32 *value;
	u32 max;
	void (*written)(void);
};

static struct softib_knob softib_knobs[] = {
	{ "sa_fail_joins", .count = &softib_faults.sa_fail_joins, .max = INT_MAX },
	{ "sa_drop_joins", .count = &softib_faults.sa_drop_joins, .max = INT_MAX },
	{ "sa_delay_joins", .count = &softib_faults.sa_delay_joins, .max = INT_MAX },
	{ "sa_delay_ms", .value = &softib_faults.sa_delay_ms,
	  .max = SOFTIB_MAX_DELAY_MS },
	{ "sa_delay_leave_ms", .value = &softib_faults.sa_delay_leave_ms,
	  .max = SOFTIB_MAX_DELAY_MS },
	{ "drop_rate", .value = &softib_faults.drop_rate, .max = 100 },
	{ "qp_error_sends", .count = &softib_faults.qp_error_sends,
	  .max = INT_MAX },
	{ "stall_sends", .value = &softib_faults.stall_sends, .max = 1,
	  .written = softib_ud_kick_all },
	{ "fail_qp_creates", .count = &softib_faults.fail_qp_creates,
	  .max = INT_MAX },
};

static int softib_knob_get(void *data, u64 *val)
{
	struct softib_knob *k = data;

	*val = k->count ? max(atomic_read(k->count), 0) : READ_ONCE(*k->value);
	return 0;
}

static int softib_knob_set(void *data, u64 val)
{
	struct softib_knob *k = data;

	if (!softib_may_control())
		return -EPERM;
	if (val > k->max)
		return -ERANGE;
	if (k->count)
		atomic_set(k->count, val);
	else
		WRITE_ONCE(*k->value, val);
	if (k->written)
		k->written();
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(softib_knob_fops, softib_knob_get, softib_knob_set,
			 "%llu\n");

/**
 * softib_debugfs_init - create /sys/kernel/debug/softib
 *
 * debugfs failures are not fatal; the files are simply missing.
 */
void softib_debugfs_init(void)
{
	struct dentry *d = debugfs_create_dir(SOFTIB_NAME, NULL);
	unsigned int i;

	softib_debugfs = d;
	debugfs_create_file("groups", 0444, d, NULL, &softib_groups_fops);
	debugfs_create_file("attach", 0444, d, NULL, &softib_attach_fops);
	debugfs_create_file("ports", 0444, d, NULL, &softib_ports_fops);
	softib_capture_init(d);
	for (i = 0; i < ARRAY_SIZE(softib_knobs); i++)
		debugfs_create_file_unsafe(softib_knobs[i].name, 0644, d,
					   &softib_knobs[i], &softib_knob_fops);
}

/**
 * softib_debugfs_exit - remove /sys/kernel/debug/softib
 */
void softib_debugfs_exit(void)
{
	debugfs_remove_recursive(softib_debugfs);
}
