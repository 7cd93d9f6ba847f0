// SPDX-License-Identifier: GPL-2.0
/*
 * ethtool operations: driver info, link settings derived from the IB port
 * (read only), statistics (netdev counters followed by the driver's own
 * enum ipoib_counter), receive CQ moderation and ring sizes (ring.c).
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>

#include "ipoib.h"

#define IPOIB_COAL_MAX	0xffff

static const char ipoib_stat_names[][ETH_GSTRING_LEN] = {
	"rx_packets", "tx_packets", "rx_bytes", "tx_bytes",
	"rx_errors", "tx_errors", "rx_dropped", "tx_dropped", "multicast",
	/* enum ipoib_counter, in order */
	"path_queries", "path_failures", "mcast_joins", "mcast_join_failures",
	"mcast_sendonly_joins", "mcast_leaves", "umcast_ignored_groups",
	"tx_queue_stops", "rx_alloc_failures", "qp_recoveries", "tx_timeouts",
	"mcast_rejoins",
};

#define IPOIB_NETDEV_STATS	(ARRAY_SIZE(ipoib_stat_names) - IPOIB_CNT_MAX)

static void ipoib_ethtool_drvinfo(struct net_device *ndev,
				  struct ethtool_drvinfo *info)
{
	struct ipoib_dev *priv = ipoib_priv(ndev);
	struct device *parent = priv->ca->dev.parent;

	strscpy(info->driver, IPOIB_DRV_NAME, sizeof(info->driver));
	ib_get_device_fw_str(priv->ca, info->fw_version);
	strscpy(info->bus_info, parent ? dev_name(parent) : dev_name(&priv->ca->dev),
		sizeof(info->bus_info));
}

/* Per-lane rate in Mb/s, indexed by the bit number of enum ib_port_speed. */
static const u32 ipoib_lane_mbps[] = {
	2500, 5000, 10000, 10000, 14000, 25000, 50000, 100000, 200000,
};

static u32 ipoib_lane_speed(u16 speed)
{
	unsigned int bit = ffs(speed);

	if (!bit || bit > ARRAY_SIZE(ipoib_lane_mbps))
		return SPEED_UNKNOWN;
	return ipoib_lane_mbps[bit - 1];
}

static int ipoib_ethtool_link(struct net_device *ndev,
			      struct ethtool_link_ksettings *ks)
{
	struct ipoib_dev *priv = ipoib_priv(ndev);
	struct ib_port_attr pa;
	bool up;
	u32 lane;
	int ret;

	ret = ib_query_port(priv->ca, priv->port, &pa);
	if (ret)
		return ret;
	ethtool_link_ksettings_zero_link_mode(ks, supported);
	ethtool_link_ksettings_zero_link_mode(ks, advertising);
	lane = ipoib_lane_speed(pa.active_speed);
	up = netif_carrier_ok(ndev) && lane != SPEED_UNKNOWN;
	ks->base.speed = up ? lane * ib_width_enum_to_int(pa.active_width) :
			      SPEED_UNKNOWN;
	ks->base.duplex = netif_carrier_ok(ndev) ? DUPLEX_FULL : DUPLEX_UNKNOWN;
	ks->base.port = PORT_OTHER;	/* neither copper nor fibre */
	ks->base.autoneg = AUTONEG_DISABLE;
	return 0;
}

static int ipoib_ethtool_coal_get(struct net_device *ndev,
				  struct ethtool_coalesce *ec,
				  struct kernel_ethtool_coalesce *kec,
				  struct netlink_ext_ack *extack)
{
	struct ipoib_dev *priv = ipoib_priv(ndev);

	ec->rx_coalesce_usecs = priv->coal_usecs;
	ec->rx_max_coalesced_frames = priv->coal_frames;
	return 0;
}

static int ipoib_ethtool_coal_set(struct net_device *ndev,
				  struct ethtool_coalesce *ec,
				  struct kernel_ethtool_coalesce *kec,
				  struct netlink_ext_ack *extack)
{
	struct ipoib_dev *priv = ipoib_priv(ndev);
	u16 frames, usecs;
	int ret;

	if (ec->rx_coalesce_usecs > IPOIB_COAL_MAX ||
	    ec->rx_max_coalesced_frames > IPOIB_COAL_MAX) {
		NL_SET_ERR_MSG_FMT(extack, "values must not exceed %u",
				   IPOIB_COAL_MAX);
		return -EINVAL;
	}
	frames = ec->rx_max_coalesced_frames;
	usecs = ec->rx_coalesce_usecs;
	ret = rdma_set_cq_moderation(priv->recv_cq, frames, usecs);
	/* Devices without moderation keep the values for reporting only. */
	if (ret == -EOPNOTSUPP)
		ret = 0;
	if (ret) {
		NL_SET_ERR_MSG(extack, "the device refused the CQ moderation");
		return ret;
	}
	priv->coal_usecs = usecs;
	priv->coal_frames = frames;
	return 0;
}

static void ipoib_ethtool_ring_get(struct net_device *ndev,
				   struct ethtool_ringparam *rp,
				   struct kernel_ethtool_ringparam *krp,
				   struct netlink_ext_ack *extack)
{
	struct ipoib_dev *priv = ipoib_priv(ndev);

	rp->rx_max_pending = ipoib_ring_max(priv);
	rp->tx_max_pending = rp->rx_max_pending;
	rp->rx_pending = priv->rx_size;
	rp->tx_pending = priv->tx_size;
}

static int ipoib_ethtool_ring_set(struct net_device *ndev,
				  struct ethtool_ringparam *rp,
				  struct kernel_ethtool_ringparam *krp,
				  struct netlink_ext_ack *extack)
{
	return ipoib_ring_resize(ipoib_priv(ndev), rp->rx_pending,
				 rp->tx_pending, extack);
}

static int ipoib_ethtool_nstats(struct net_device *ndev, int sset)
{
	return sset == ETH_SS_STATS ? ARRAY_SIZE(ipoib_stat_names) : -EOPNOTSUPP;
}

static void ipoib_ethtool_strings(struct net_device *ndev, u32 sset, u8 *data)
{
	if (sset == ETH_SS_STATS)
		memcpy(data, ipoib_stat_names, sizeof(ipoib_stat_names));
}

static void ipoib_ethtool_stats(struct net_device *ndev,
				struct ethtool_stats *stats, u64 *data)
{
	struct ipoib_dev *priv = ipoib_priv(ndev);
	struct rtnl_link_stats64 s;
	unsigned int i;

	dev_get_stats(ndev, &s);
	*data++ = s.rx_packets;
	*data++ = s.tx_packets;
	*data++ = s.rx_bytes;
	*data++ = s.tx_bytes;
	*data++ = s.rx_errors;
	*data++ = s.tx_errors;
	*data++ = s.rx_dropped;
	*data++ = s.tx_dropped;
	*data++ = s.multicast;
	for (i = 0; i < IPOIB_CNT_MAX; i++)
		*data++ = atomic_long_read(&priv->counters[i]);
}

const struct ethtool_ops ipoib_ethtool_ops = {
	.supported_coalesce_params = ETHTOOL_COALESCE_RX_MAX_FRAMES |
				     ETHTOOL_COALESCE_RX_USECS,
	.get_link		= ethtool_op_get_link,	/* carrier */
	.get_drvinfo		= ipoib_ethtool_drvinfo,
	.get_link_ksettings	= ipoib_ethtool_link,
	.get_strings		= ipoib_ethtool_strings,
	.get_sset_count		= ipoib_ethtool_nstats,
	.get_ethtool_stats	= ipoib_ethtool_stats,
	.get_coalesce		= ipoib_ethtool_coal_get,
	.set_coalesce		= ipoib_ethtool_coal_set,
	.get_ringparam		= ipoib_ethtool_ring_get,
	.set_ringparam		= ipoib_ethtool_ring_set,
};
