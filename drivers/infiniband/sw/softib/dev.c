// SPDX-License-Identifier: GPL-2.0
/*
 * Creation and removal of a softib InfiniBand device.
 *
 * The device (struct softib_dev, ports included) is one rdmavt allocation
 * named softib<ID>, a child of its bus device.  Ports get their LIDs and
 * join the fabric before registration, because the core reads LID, SM LID
 * and state while registering; from then on the SA answers them and
 * packets reach their QP0 and QP1.  Packets for other QPs are routed
 * through rdmavt's QP table, which rdmavt allocates in registration and
 * frees in unregistration: the packet engine may use it (qpt_live) only
 * from the end of registration to the start of unregistration, which
 * first waits a grace period for lookups under way.  Removal then
 * unregisters, while the SA still answers the leaves the clients send on
 * their way out (which also destroys every QP, stopping its send work);
 * then the ports leave the fabric and the SA, and after a grace period,
 * when no packet engine can still be looking at them, the device is
 * freed.
 */
#include <linux/rcupdate.h>

#include "softib.h"

static void softib_dev_unplug(struct softib_dev *sdev, u32 nports)
{
	u32 i;

	for (i = 0; i < nports; i++) {
		softib_fabric_del(&sdev->ports[i]);
		softib_mc_port_gone(sdev->ports[i].lid);
	}
	synchronize_rcu();
}

/* rdmavt's QP table exists now: let the packet engine route through it. */
static void softib_dev_open_qpt(struct softib_dev *sdev)
{
	/* pairs with softib_fabric_qp(): lookups see the table set up */
	smp_store_release(&sdev->qpt_live, true);
}

/*
 * rdmavt is about to free its QP table: stop new lookups, and wait for
 * those under way (they run under RCU) to finish.
 */
static void softib_dev_close_qpt(struct softib_dev *sdev)
{
	WRITE_ONCE(sdev->qpt_live, false);
	synchronize_rcu();
}

/**
 * softib_dev_create - create and register a softib device
 * @bdev: its bus device, which gives the ID and becomes the parent
 * @nports: number of ports
 * @offloads: the SOFTIB_OFFLOAD_* it has
 *
 * Return: the device or an ERR_PTR().
 */
struct softib_dev *softib_dev_create(struct softib_bus_dev *bdev, u32 nports,
				     u32 offloads)
{
	struct softib_dev *sdev;
	struct rvt_dev_info *rdi;
	u32 i;
	int err;

	rdi = rvt_alloc_device(struct_size(sdev, ports, nports), nports);
	if (!rdi)
		return ERR_PTR(-ENOMEM);
	sdev = softib_from_rdi(rdi);
	sdev->nports = nports;
	sdev->offloads = offloads;
	sdev->bdev = bdev;
	sdev->id = bdev->id;
	mutex_init(&sdev->port_lock);
	rvt_set_ibdev_name(rdi, "%s%d", SOFTIB_NAME, bdev->id);
	rdi->ibdev.dev.parent = &bdev->dev;
	rdi->ibdev.node_guid = cpu_to_be64(SOFTIB_GUID_BASE |
					   (u64)bdev->id << 8);
	rdi->ibdev.phys_port_cnt = nports;
	rdi->ibdev.num_comp_vectors = 1;
	strscpy(rdi->ibdev.node_desc, dev_name(&rdi->ibdev.dev),
		sizeof(rdi->ibdev.node_desc));
	for (i = 0; i < nports; i++) {
		softib_port_init(sdev, &sdev->ports[i], i + 1);
		err = softib_fabric_add(&sdev->ports[i]);
		if (err)
			goto err_unplug;
	}
	softib_verbs_setup(sdev);
	err = rvt_register_device(rdi);
	if (err)
		goto err_unplug;
	softib_dev_open_qpt(sdev);
	softib_port_announce(sdev);
	return sdev;

err_unplug:
	softib_dev_unplug(sdev, i);
	mutex_destroy(&sdev->port_lock);
	rvt_dealloc_device(rdi);
	return ERR_PTR(err);
}

/**
 * softib_dev_destroy - unregister and free a softib device
 * @sdev: the device
 *
 * Context: process context; may sleep while clients let go.
 */
void softib_dev_destroy(struct softib_dev *sdev)
{
	softib_dev_close_qpt(sdev);
	rvt_unregister_device(&sdev->rdi);
	softib_dev_unplug(sdev, sdev->nports);
	mutex_destroy(&sdev->port_lock);
	rvt_dealloc_device(&sdev->rdi);
}
