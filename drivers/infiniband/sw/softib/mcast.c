// SPDX-License-Identifier: GPL-2.0
/*
 * The SA's multicast group table.
 *
 * A group (struct softib_mc_group) is keyed by MGID and owns an MLID; its
 * members (struct softib_mc_member) are port GIDs with the OR of the join
 * states the port asked for.  Broadcast groups, one per P_Key, are
 * permanent: they are created before anyone joins and survive their last
 * member.  Other groups are created by a join that carries enough
 * components and die with their last member.
 *
 * The SA changes the table from its ordered workqueue (and the port
 * knobs for broadcast groups and ports going down), under one spinlock;
 * allocations are done before taking it.  As the embedded SM, every
 * change of a group's receivers rewrites the group's row in the switch's
 * MFT (softib_mc_route()), which is what the packet engine forwards by.
 * The engine reads the table itself, under RCU, only for the MGID of a
 * packet sent without a GRH: groups and members are unlinked with
 * list_del_rcu() and freed after a grace period, and a group keeps its
 * MLID until then, so an MLID a walker still sees is not yet another
 * group's.  debugfs dumps the table under the lock.  Lock order:
 * mc_lock, then the switch's sw_lock.
 */
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <rdma/ib_sa.h>

#include "softib.h"

struct softib_mc_member {
	struct list_head list;
	struct rcu_head rcu;
	union ib_gid gid;
	u32 lid;
	u8 join_state;
};

struct softib_mc_group {
	struct list_head list;
	struct rcu_head rcu;
	struct softib_mc_rec rec;
	bool permanent;
	struct list_head members;
	u16 tree[SOFTIB_SW_MFT_POSITIONS];
};

/*
 * Serialises changes to softib_mc_groups and to the member list of every
 * group; readers of the lists that do not change them may use RCU instead.
 */
static DEFINE_SPINLOCK(softib_mc_lock);
static LIST_HEAD(softib_mc_groups);

static struct softib_mc_group *softib_mc_by_mgid(const union ib_gid *mgid)
{
	struct softib_mc_group *grp;

	lockdep_assert_held(&softib_mc_lock);
	list_for_each_entry(grp, &softib_mc_groups, list)
		if (!memcmp(&grp->rec.mgid, mgid, sizeof(*mgid)))
			return grp;
	return NULL;
}

static struct softib_mc_member *
softib_mc_member(struct softib_mc_group *grp, const union ib_gid *gid)
{
	struct softib_mc_member *m;

	lockdep_assert_held(&softib_mc_lock);
	list_for_each_entry(m, &grp->members, list)
		if (!memcmp(&m->gid, gid, sizeof(*gid)))
			return m;
	return NULL;
}

/*
 * The embedded SM's spanning tree of a group: its MFT row sends it to the
 * switch ports of the members that receive, and nowhere else.  As an SM
 * does, the switch is written only when the tree changes; a join that
 * adds no receiver leaves the row as it is.
 */
static void softib_mc_route(struct softib_mc_group *grp)
{
	u16 row[SOFTIB_SW_MFT_POSITIONS] = {};
	struct softib_mc_member *m;
	struct softib_port *port;
	u8 n;

	lockdep_assert_held(&softib_mc_lock);
	rcu_read_lock();
	list_for_each_entry(m, &grp->members, list) {
		port = softib_fabric_port(m->lid);
		n = port ? READ_ONCE(port->sw_port) : 0;
		if (n && (m->join_state & SOFTIB_JOIN_RECEIVE))
			row[n / 16] |= BIT(n % 16);
	}
	rcu_read_unlock();
	if (!memcmp(row, grp->tree, sizeof(row)))
		return;
	memcpy(grp->tree, row, sizeof(row));
	softib_switch_mft_write(grp->rec.mlid, row);
}

/* Free a group that no one can see any more, and its MLID. */
static void softib_mc_free(struct softib_mc_group *grp)
{
	if (!grp)
		return;
	softib_fabric_free_mlid(grp->rec.mlid);
	kfree(grp);
}

static void softib_mc_free_rcu(struct rcu_head *head)
{
	softib_mc_free(container_of(head, struct softib_mc_group, rcu));
}

/* Unlink and free a group if nothing keeps it. */
static void softib_mc_reap(struct softib_mc_group *grp)
{
	lockdep_assert_held(&softib_mc_lock);
	if (grp->permanent || !list_empty(&grp->members))
		return;
	list_del_rcu(&grp->list);
	call_rcu(&grp->rcu, softib_mc_free_rcu);
}

static void softib_mc_unlink(struct softib_mc_member *m)
{
	lockdep_assert_held(&softib_mc_lock);
	list_del_rcu(&m->list);
	kfree_rcu(m, rcu);
}

static struct softib_mc_group *softib_mc_group_new(const struct softib_mc_rec *rec,
						   bool permanent)
{
	struct softib_mc_group *grp;
	int mlid;

	grp = kzalloc(sizeof(*grp), GFP_KERNEL);
	if (!grp)
		return ERR_PTR(-ENOMEM);
	mlid = softib_fabric_alloc_mlid();
	if (mlid < 0) {
		kfree(grp);
		return ERR_PTR(mlid);
	}
	grp->rec = *rec;
	grp->rec.mlid = mlid;
	grp->permanent = permanent;
	INIT_LIST_HEAD(&grp->members);
	/* an empty tree, whatever an SM left in the row of a reused MLID */
	softib_switch_mft_write(mlid, grp->tree);
	return grp;
}

static int softib_mc_insert(const struct softib_mc_rec *rec, bool permanent)
{
	struct softib_mc_group *grp = softib_mc_group_new(rec, permanent);

	if (IS_ERR(grp))
		return PTR_ERR(grp);
	spin_lock(&softib_mc_lock);
	if (softib_mc_by_mgid(&rec->mgid)) {
		spin_unlock(&softib_mc_lock);
		softib_mc_free(grp);
		return -EEXIST;
	}
	list_add_tail_rcu(&grp->list, &softib_mc_groups);
	spin_unlock(&softib_mc_lock);
	return 0;
}

/**
 * softib_mc_add_broadcast - create the IPoIB broadcast group of a P_Key
 * @pkey: the P_Key; the full-membership bit is forced on
 *
 * Return: 0 (also if the group exists) or a negative errno.
 */
int softib_mc_add_broadcast(u16 pkey)
{
	struct softib_mc_rec rec = {
		.qkey = SOFTIB_IPOIB_QKEY,
		.mtu = IB_MTU_2048,
		.rate = IB_RATE_100_GBPS,
		.scope = 2,
	};
	int ret;

	pkey |= 0x8000;
	rec.pkey = pkey;
	rec.mgid.raw[0] = 0xff;
	rec.mgid.raw[1] = 0x12;
	rec.mgid.raw[2] = 0x40;
	rec.mgid.raw[3] = 0x1b;
	rec.mgid.raw[4] = pkey >> 8;
	rec.mgid.raw[5] = pkey & 0xff;
	memset(&rec.mgid.raw[12], 0xff, 4);
	ret = softib_mc_insert(&rec, true);
	return ret == -EEXIST ? 0 : ret;
}

/**
 * softib_mc_find - look a group up by MGID
 * @mgid: multicast GID
 * @rec: filled with the group's attributes
 *
 * Return: 0 or -ENOENT.
 */
int softib_mc_find(const union ib_gid *mgid, struct softib_mc_rec *rec)
{
	struct softib_mc_group *grp;
	int ret = -ENOENT;

	spin_lock(&softib_mc_lock);
	grp = softib_mc_by_mgid(mgid);
	if (grp) {
		*rec = grp->rec;
		ret = 0;
	}
	spin_unlock(&softib_mc_lock);
	return ret;
}

/* Add join state bits for a port, taking @new if it is not yet a member. */
static void softib_mc_add_member(struct softib_mc_group *grp,
				 struct softib_mc_member **new,
				 const struct softib_port_ref *who,
				 u8 *join_state)
{
	struct softib_mc_member *m = softib_mc_member(grp, &who->gid);

	if (m) {
		WRITE_ONCE(m->lid, who->lid);
		WRITE_ONCE(m->join_state, m->join_state | *join_state);
	} else {
		m = *new;
		*new = NULL;
		m->gid = who->gid;
		m->lid = who->lid;
		m->join_state = *join_state;
		list_add_tail_rcu(&m->list, &grp->members);
	}
	*join_state = m->join_state;
}

/*
 * The part of a join done under the lock: check that the requester is
 * still there, find the group or publish @fresh as it, add the member.
 * What is used of @fresh and @new is taken (the pointers set to NULL).
 */
static int softib_mc_join_locked(struct softib_mc_rec *rec,
				 struct softib_mc_group **fresh,
				 struct softib_mc_member **new,
				 const struct softib_port_ref *who,
				 u8 *join_state)
{
	struct softib_mc_group *grp;
	bool created;

	lockdep_assert_held(&softib_mc_lock);
	/* softib_mc_port_gone() of the port would come after us, or before */
	if (!softib_port_ref_live(who))
		return -ENODEV;
	grp = softib_mc_by_mgid(&rec->mgid);
	if (grp && *fresh)
		return -EEXIST;
	if (!grp && !*fresh)
		return -ENOENT;
	created = !grp;
	if (created)
		grp = *fresh;
	softib_mc_add_member(grp, new, who, join_state);
	softib_mc_route(grp);
	if (created) {
		/* published with its member, so never seen empty */
		*fresh = NULL;
		rec->mlid = grp->rec.mlid;
		list_add_tail_rcu(&grp->list, &softib_mc_groups);
	}
	return 0;
}

/**
 * softib_mc_join - add join state bits for a port, creating the group
 * @rec: the group; with @create its attributes, and @rec->mlid is set
 * @create: create the group, which must not exist
 * @who: the joining port, as it was when it sent the join
 * @join_state: bits to add; on return the port's resulting join state
 *
 * Nothing changes if @who is no longer live (softib_port_ref_live()): a
 * join from a port that went down or away must not leave a member, or a
 * group, behind.
 *
 * Return: 0, -ENODEV if @who is gone, -ENOENT if the group does not
 * exist, -EEXIST if it exists and @create is set, or -ENOMEM.
 */
int softib_mc_join(struct softib_mc_rec *rec, bool create,
		   const struct softib_port_ref *who, u8 *join_state)
{
	struct softib_mc_group *fresh = NULL;
	struct softib_mc_member *new;
	int ret;

	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	if (create) {
		fresh = softib_mc_group_new(rec, false);
		if (IS_ERR(fresh)) {
			kfree(new);
			return PTR_ERR(fresh);
		}
	}
	spin_lock(&softib_mc_lock);
	ret = softib_mc_join_locked(rec, &fresh, &new, who, join_state);
	spin_unlock(&softib_mc_lock);
	softib_mc_free(fresh);
	kfree(new);
	return ret;
}

/**
 * softib_mc_leave - remove join state bits of a port
 * @mgid: the group
 * @who: the leaving port, as it was when it sent the leave
 * @join_state: bits to remove; on return the port's remaining join state
 *
 * The member goes when no bit is left, a non-permanent group with it.  A
 * leave from a port that went down or away changes nothing: its
 * memberships went with it, and a port now in its place is not bound by
 * what the old one asked.
 *
 * Return: 0, -ENODEV if @who is gone, or -ENOENT if the port is not a
 * member.
 */
int softib_mc_leave(const union ib_gid *mgid, const struct softib_port_ref *who,
		    u8 *join_state)
{
	struct softib_mc_member *m = NULL;
	struct softib_mc_group *grp;
	int ret = -ENOENT;

	spin_lock(&softib_mc_lock);
	grp = softib_mc_by_mgid(mgid);
	if (!softib_port_ref_live(who))
		ret = -ENODEV;
	else if (grp)
		m = softib_mc_member(grp, &who->gid);
	if (m) {
		WRITE_ONCE(m->join_state, m->join_state & ~*join_state);
		*join_state = m->join_state;
		if (!m->join_state)
			softib_mc_unlink(m);
		softib_mc_route(grp);
		softib_mc_reap(grp);
		ret = 0;
	}
	spin_unlock(&softib_mc_lock);
	return ret;
}

/**
 * softib_mc_port_gone - drop every membership of a port
 * @lid: the port's LID
 *
 * Called when a port goes down or away, as a subnet manager would.
 */
void softib_mc_port_gone(u32 lid)
{
	struct softib_mc_group *grp, *gtmp;
	struct softib_mc_member *m, *mtmp;

	spin_lock(&softib_mc_lock);
	list_for_each_entry_safe(grp, gtmp, &softib_mc_groups, list) {
		list_for_each_entry_safe(m, mtmp, &grp->members, list)
			if (m->lid == lid)
				softib_mc_unlink(m);
		softib_mc_route(grp);
		softib_mc_reap(grp);
	}
	spin_unlock(&softib_mc_lock);
}

/**
 * softib_mc_port_moved - follow a port to its new LID
 * @old: the LID it had
 * @lid: the LID it has now
 *
 * Memberships belong to the port's GID, so they stay; only the LID the
 * packet engine delivers to changes.
 */
void softib_mc_port_moved(u32 old, u32 lid)
{
	struct softib_mc_group *grp;
	struct softib_mc_member *m;

	spin_lock(&softib_mc_lock);
	list_for_each_entry(grp, &softib_mc_groups, list)
		list_for_each_entry(m, &grp->members, list)
			if (m->lid == old)
				WRITE_ONCE(m->lid, lid);
	spin_unlock(&softib_mc_lock);
}

/**
 * softib_mc_mgid - the MGID of the group that has a multicast LID
 * @mlid: a multicast LID
 * @mgid: filled with the group's MGID
 *
 * Context: rcu_read_lock() held.
 * Return: true, or false if no group has @mlid.
 */
bool softib_mc_mgid(u32 mlid, union ib_gid *mgid)
{
	struct softib_mc_group *grp;

	list_for_each_entry_rcu(grp, &softib_mc_groups, list) {
		if (grp->rec.mlid == mlid) {
			*mgid = grp->rec.mgid;
			return true;
		}
	}
	return false;
}

/**
 * softib_mc_walk - visit every group and its members, for the SA's tables
 * @fn: called for each group with a NULL member GID, then for each of its
 *	members; it runs under the table's spinlock, so it must not sleep,
 *	and it returns false to end the walk
 * @arg: passed to @fn
 *
 * Return: false if @fn ended the walk, true if it saw everything.
 */
bool softib_mc_walk(softib_mc_visit_fn fn, void *arg)
{
	struct softib_mc_group *grp;
	struct softib_mc_member *m;
	bool more = true;

	spin_lock(&softib_mc_lock);
	list_for_each_entry(grp, &softib_mc_groups, list) {
		more = fn(arg, &grp->rec, NULL, 0);
		list_for_each_entry(m, &grp->members, list) {
			if (!more)
				break;
			more = fn(arg, &grp->rec, &m->gid, m->join_state);
		}
		if (!more)
			break;
	}
	spin_unlock(&softib_mc_lock);
	return more;
}

/**
 * softib_mc_show - dump the group table, one record per line
 * @s: debugfs seq_file
 */
void softib_mc_show(struct seq_file *s)
{
	struct softib_mc_group *grp;
	struct softib_mc_member *m;

	spin_lock(&softib_mc_lock);
	list_for_each_entry(grp, &softib_mc_groups, list) {
		seq_printf(s, "group mgid=%pI6 mlid=0x%04x qkey=0x%08x pkey=0x%04x mtu=%d permanent=%d\n",
			   grp->rec.mgid.raw, grp->rec.mlid, grp->rec.qkey,
			   grp->rec.pkey, ib_mtu_enum_to_int(grp->rec.mtu),
			   grp->permanent);
		list_for_each_entry(m, &grp->members, list)
			seq_printf(s, "member mgid=%pI6 port_gid=%pI6 lid=0x%04x join_state=0x%x\n",
				   grp->rec.mgid.raw, m->gid.raw, m->lid,
				   m->join_state);
	}
	spin_unlock(&softib_mc_lock);
}

/**
 * softib_mc_init - create the default broadcast group
 *
 * Return: 0 or a negative errno.
 */
int softib_mc_init(void)
{
	return softib_mc_add_broadcast(SOFTIB_DEFAULT_PKEY);
}

/**
 * softib_mc_exit - free the whole table
 */
void softib_mc_exit(void)
{
	struct softib_mc_group *grp, *gtmp;
	struct softib_mc_member *m, *mtmp;

	/* groups reaped earlier still have their MLID */
	rcu_barrier();
	list_for_each_entry_safe(grp, gtmp, &softib_mc_groups, list) {
		list_for_each_entry_safe(m, mtmp, &grp->members, list)
			kfree(m);
		list_del(&grp->list);
		softib_mc_free(grp);
	}
}
