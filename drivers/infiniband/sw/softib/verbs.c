// SPDX-License-Identifier: GPL-2.0
/*
 * The glue between softib and rdmavt.
 *
 * rdmavt implements the verbs; it refuses to register a device unless the
 * driver provides a set of callbacks (see check_support() in rdmavt) and
 * its own ib_device_ops with port_groups and modify_device.  Those are
 * filled in here, with the device attributes: limits, and an identity
 * (vendor ID, part, hardware and firmware versions) that tools such as
 * rdma-core's pyverbs tests expect of any device.  driver_id is
 * RDMA_DRIVER_QIB so that rdma-core's libipathverbs, which speaks
 * rdmavt's user ABI, serves softib devices.
 *
 * Only UD (and QP0/QP1) is a transport softib has.  rdmavt would create
 * RC and UC QPs and let them fail later, at RTR or at the first send;
 * softib refuses them at creation with -EOPNOTSUPP, where a device
 * without the transport refuses them, so that no ULP believes it has a
 * connection.  SRQs are created: UD QPs can receive through them.
 *
 * QP creation is rdmavt's, but for IB_QP_CREATE_IPOIB_UD_LSO, which gives
 * a UD QP the offloads of offload.c: softib_create_qp() takes the flag off
 * for rdmavt, and is put in front of rdmavt's create_qp when the device
 * is enabled (registered, no client yet).  Posting IB_WR_LSO is checked
 * in setup_wqe.
 *
 * CQs are rdmavt's, but for one step of their teardown: rdmavt calls a
 * CQ's completion handler from a work item, and ib_free_cq() cancels the
 * core's poll work before rdmavt's destroy_cq flushes that item, whose
 * handler can queue the poll work again on a CQ about to be freed.
 * pre_destroy_cq, which ib_free_cq() calls first, flushes the item while
 * the poll work can still be cancelled.
 */
#include <linux/log2.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <rdma/ib_mad.h>
#include <rdma/rdmavt_cq.h>

#include "softib.h"

/* rdmavt prints through a PCI device; softib has none, so lend it one */
static struct pci_dev softib_pdev = {
	.dev.init_name = SOFTIB_NAME,
};

#define SOFTIB_UD_QPTS (BIT(IB_QPT_UD) | BIT(IB_QPT_SMI) | BIT(IB_QPT_GSI))

/* softib's part number under SOFTIB_VENDOR_ID, its revision and firmware */
#define SOFTIB_PART_ID		1
#define SOFTIB_HW_VER		1
#define SOFTIB_FW_MAJOR		1
#define SOFTIB_FW_MINOR		0
#define SOFTIB_FW_SUBMINOR	0
/* packed as libibverbs unpacks it: major.minor.subminor, 16 bits each */
#define SOFTIB_FW_VER	((u64)SOFTIB_FW_MAJOR << 32 |			\
			 SOFTIB_FW_MINOR << 16 | SOFTIB_FW_SUBMINOR)

static const struct rvt_operation_params softib_post_parms[RVT_OPERATION_MAX] = {
	[IB_WR_SEND] = {
		.length = sizeof(struct ib_send_wr),
		.qpt_support = SOFTIB_UD_QPTS,
	},
	[IB_WR_SEND_WITH_IMM] = {
		.length = sizeof(struct ib_send_wr),
		.qpt_support = SOFTIB_UD_QPTS,
	},
	/* only on QPs with offloads: softib_setup_wqe() */
	[IB_WR_LSO] = {
		.length = sizeof(struct ib_ud_wr),
		.qpt_support = BIT(IB_QPT_UD),
	},
};

static const enum ib_wc_opcode softib_wc_opcode[RVT_OPERATION_MAX] = {
	[IB_WR_SEND] = IB_WC_SEND,
	[IB_WR_SEND_WITH_IMM] = IB_WC_SEND,
	[IB_WR_LSO] = IB_WC_LSO,
};

/* rdmavt's create_qp, which softib_create_qp() wraps */
static int (*softib_rvt_create_qp)(struct ib_qp *ibqp,
				   struct ib_qp_init_attr *attr,
				   struct ib_udata *udata);

static struct pci_dev *softib_get_pci_dev(struct rvt_dev_info *rdi)
{
	return &softib_pdev;
}

/* rdmavt's first call for a new QP, before it allocates anything more */
static void *softib_qp_priv_alloc(struct rvt_dev_info *rdi, struct rvt_qp *qp)
{
	struct softib_qp_priv *priv;

	/* rdmavt lets only RC, UC, UD and the special QPs get here */
	if (qp->ibqp.qp_type == IB_QPT_RC || qp->ibqp.qp_type == IB_QPT_UC)
		return ERR_PTR(-EOPNOTSUPP);
	/* a fault knob: the device is out of QP resources */
	if (atomic_dec_if_positive(&softib_faults.fail_qp_creates) >= 0)
		return ERR_PTR(-ENOMEM);
	priv = kzalloc(sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return ERR_PTR(-ENOMEM);
	priv->buf = kmalloc(SOFTIB_MAX_PAYLOAD, GFP_KERNEL);
	if (!priv->buf) {
		kfree(priv);
		return ERR_PTR(-ENOMEM);
	}
	softib_ud_init_qp(priv, qp);
	return priv;
}

static void softib_qp_priv_free(struct rvt_dev_info *rdi, struct rvt_qp *qp)
{
	struct softib_qp_priv *priv = qp->priv;

	softib_ud_stop(qp);
	kvfree(priv->lso_buf);
	kfree(priv->buf);
	kfree(priv);
}

/*
 * IB_QP_CREATE_IPOIB_UD_LSO gives a UD QP offloads (offload.c), on a
 * device with the tso offload, as mlx5 does; rdmavt knows no such flag, so
 * it is taken off for rdmavt's create_qp and the QP gets its LSO buffer
 * after.  Any other use of the flag is refused, as on mlx5.
 */
static int softib_create_qp(struct ib_qp *ibqp, struct ib_qp_init_attr *attr,
			    struct ib_udata *udata)
{
	struct softib_dev *sdev = softib_from_ibdev(ibqp->device);
	struct softib_qp_priv *priv;
	u8 *lso_buf;
	int ret;

	if (!(attr->create_flags & IB_QP_CREATE_IPOIB_UD_LSO))
		return softib_rvt_create_qp(ibqp, attr, udata);
	if (attr->qp_type != IB_QPT_UD || udata ||
	    !(sdev->offloads & SOFTIB_OFFLOAD_TSO))
		return -EOPNOTSUPP;
	lso_buf = kvmalloc(SOFTIB_LSO_MAX_PAYLOAD, GFP_KERNEL);
	if (!lso_buf)
		return -ENOMEM;
	attr->create_flags &= ~IB_QP_CREATE_IPOIB_UD_LSO;
	ret = softib_rvt_create_qp(ibqp, attr, udata);
	attr->create_flags |= IB_QP_CREATE_IPOIB_UD_LSO;
	if (ret) {
		kvfree(lso_buf);
		return ret;
	}
	/* nobody can post to the QP before this returns */
	priv = ibqp_to_rvtqp(ibqp)->priv;
	priv->lso_buf = lso_buf;
	priv->csum = sdev->offloads & SOFTIB_OFFLOAD_CSUM;
	return 0;
}

/*
 * Runs when the device is registered, before any client has it: the
 * last moment to put softib_create_qp() in front of rdmavt's create_qp,
 * which rdmavt sets at registration.
 */
static int softib_enable_driver(struct ib_device *ibdev)
{
	WRITE_ONCE(softib_rvt_create_qp, ibdev->ops.create_qp);
	ibdev->ops.create_qp = softib_create_qp;
	return 0;
}

/* Posting: IB_WR_LSO only on a QP with offloads, with a usable header. */
static int softib_setup_wqe(struct rvt_qp *qp, struct rvt_swqe *wqe,
			    bool *call_send)
{
	struct softib_qp_priv *priv = qp->priv;

	if (wqe->wr.opcode != IB_WR_LSO)
		return 0;
	if (!priv->lso_buf)
		return -EINVAL;
	return softib_lso_check(&wqe->ud_wr.wr, wqe->length);
}

static unsigned int softib_free_all_qps(struct rvt_dev_info *rdi)
{
	return 0;
}

/* Nothing to do: the send work is the only activity a QP has. */
static void softib_qp_noop(struct rvt_qp *qp)
{
}

static void softib_notify_restart_rc(struct rvt_qp *qp, u32 psn, int wait)
{
}

static void softib_cap_mask_chg(struct rvt_dev_info *rdi, u32 port_num)
{
}

static void softib_do_send(struct rvt_qp *qp)
{
	softib_ud_schedule(qp);
}

static int softib_get_pmtu_from_attr(struct rvt_dev_info *rdi,
				     struct rvt_qp *qp,
				     struct ib_qp_attr *attr)
{
	struct softib_port *port = &softib_from_rdi(rdi)->ports[qp->port_num - 1];

	if (attr->path_mtu < IB_MTU_256 || attr->path_mtu > IB_MTU_4096)
		return -EINVAL;
	return min(attr->path_mtu, softib_port_mtu(port));
}

static u32 softib_mtu_from_qp(struct rvt_dev_info *rdi, struct rvt_qp *qp,
			      u32 pmtu)
{
	return ib_mtu_enum_to_int(pmtu);
}

static int softib_mtu_to_path_mtu(u32 mtu)
{
	return ib_mtu_int_to_enum(mtu);
}

static void softib_notify_new_ah(struct ib_device *ibdev,
				 struct rdma_ah_attr *attr, struct rvt_ah *ah)
{
	struct softib_dev *sdev = softib_from_ibdev(ibdev);
	struct softib_port *port = &sdev->ports[rdma_ah_get_port_num(attr) - 1];

	ah->log_pmtu = ilog2(ib_mtu_enum_to_int(softib_port_mtu(port)));
}

static int softib_modify_device(struct ib_device *ibdev, int mask,
				struct ib_device_modify *props)
{
	if (mask & ~IB_DEVICE_MODIFY_NODE_DESC)
		return -EOPNOTSUPP;
	if (mask & IB_DEVICE_MODIFY_NODE_DESC)
		memcpy(ibdev->node_desc, props->node_desc,
		       IB_DEVICE_NODE_DESC_MAX);
	return 0;
}

/* The firmware version in sysfs, as ibv_devinfo shows it */
static void softib_get_dev_fw_str(struct ib_device *ibdev, char *str)
{
	snprintf(str, IB_FW_VERSION_NAME_MAX, "%u.%u.%u", SOFTIB_FW_MAJOR,
		 SOFTIB_FW_MINOR, SOFTIB_FW_SUBMINOR);
}

/*
 * A kernel CQ has no QP left, so nothing queues its completion work any
 * more: run the last one now, before ib_free_cq() cancels the poll work
 * that it may queue.
 */
static int softib_pre_destroy_cq(struct ib_cq *ibcq)
{
	flush_work(&ibcq_to_rvtcq(ibcq)->comptask);
	return 0;
}

static const struct ib_device_ops softib_dev_ops = {
	.owner = THIS_MODULE,
	.driver_id = RDMA_DRIVER_QIB,
	.port_groups = softib_port_groups,
	.modify_device = softib_modify_device,
	.process_mad = softib_process_mad,
	.get_dev_fw_str = softib_get_dev_fw_str,
	.pre_destroy_cq = softib_pre_destroy_cq,
	.enable_driver = softib_enable_driver,
};

static const struct rvt_driver_provided softib_driver_f = {
	.get_pci_dev = softib_get_pci_dev,
	.qp_priv_alloc = softib_qp_priv_alloc,
	.qp_priv_free = softib_qp_priv_free,
	.free_all_qps = softib_free_all_qps,
	.notify_qp_reset = softib_qp_noop,
	.flush_qp_waiters = softib_qp_noop,
	.stop_send_queue = softib_ud_stop,
	.quiesce_qp = softib_qp_noop,
	.notify_error_qp = softib_qp_noop,
	.notify_restart_rc = softib_notify_restart_rc,
	.schedule_send = softib_ud_schedule,
	.schedule_send_no_lock = softib_ud_schedule,
	.do_send = softib_do_send,
	.get_pmtu_from_attr = softib_get_pmtu_from_attr,
	.mtu_from_qp = softib_mtu_from_qp,
	.mtu_to_path_mtu = softib_mtu_to_path_mtu,
	.query_port_state = softib_port_query,
	.get_guid_be = softib_port_guid,
	.shut_down_port = softib_port_shut_down,
	.cap_mask_chg = softib_cap_mask_chg,
	.notify_new_ah = softib_notify_new_ah,
	.setup_wqe = softib_setup_wqe,
};

static void softib_verbs_limits(struct ib_device_attr *props, u32 offloads)
{
	props->vendor_id = SOFTIB_VENDOR_ID;
	props->vendor_part_id = SOFTIB_PART_ID;
	props->hw_ver = SOFTIB_HW_VER;
	props->fw_ver = SOFTIB_FW_VER;
	props->device_cap_flags = IB_DEVICE_BAD_PKEY_CNTR |
				  IB_DEVICE_BAD_QKEY_CNTR |
				  IB_DEVICE_SHUTDOWN_PORT |
				  IB_DEVICE_SYS_IMAGE_GUID |
				  IB_DEVICE_PORT_ACTIVE_EVENT;
	if (offloads & SOFTIB_OFFLOAD_CSUM)
		props->device_cap_flags |= IB_DEVICE_UD_IP_CSUM;
	if (offloads & SOFTIB_OFFLOAD_TSO)
		props->kernel_cap_flags |= IBK_UD_TSO;
	/* rdmavt maps fast-registered MRs in pages of PAGE_SIZE only */
	props->page_size_cap = PAGE_SIZE;
	props->max_mr_size = ~0ULL;
	props->max_qp = 16384;
	props->max_qp_wr = 16383;
	props->max_send_sge = 16;
	props->max_recv_sge = 16;
	props->max_sge_rd = 16;
	props->max_cq = 16384;
	props->max_cqe = 65535;
	props->max_mr = 65536;
	props->max_pd = 16384;
	props->max_ah = 65536;
	props->max_srq = 4096;
	props->max_srq_wr = 16383;
	props->max_srq_sge = 16;
	props->max_pkeys = SOFTIB_NPKEYS;
	props->max_mcast_grp = 16384;
	props->max_mcast_qp_attach = 1024;
	props->max_total_mcast_qp_attach = 1024 * 16384;
	props->atomic_cap = IB_ATOMIC_NONE;
}

/**
 * softib_verbs_setup - fill in what rdmavt needs before registration
 * @sdev: a device whose ports are initialised
 */
void softib_verbs_setup(struct softib_dev *sdev)
{
	struct rvt_dev_info *rdi = &sdev->rdi;
	struct rvt_driver_params *dp = &rdi->dparms;

	softib_verbs_limits(&dp->props, sdev->offloads);
	dp->props.sys_image_guid = rdi->ibdev.node_guid;
	dp->lkey_table_size = 16;
	dp->qp_table_size = 256;
	dp->qpn_start = 0;
	dp->qpn_inc = 1;
	dp->qos_shift = 0;
	/* QPN 0 and 1 are the special QPs */
	dp->qpn_res_start = 0;
	dp->qpn_res_end = 1;
	dp->nports = sdev->nports;
	dp->npkeys = SOFTIB_NPKEYS;
	dp->node = 0;
	dp->psn_mask = 0xffffff;
	dp->psn_shift = 8;
	dp->psn_modify_mask = 0xffffff;
	dp->core_cap_flags = RDMA_CORE_PORT_IBA_IB;
	dp->max_mad_size = IB_MGMT_MAD_SIZE;
	dp->sge_copy_mode = RVT_SGE_COPY_MEMCPY;
	rdi->post_parms = softib_post_parms;
	rdi->wc_opcode = softib_wc_opcode;
	rdi->driver_f = softib_driver_f;
	ib_set_device_ops(&rdi->ibdev, &softib_dev_ops);
}
