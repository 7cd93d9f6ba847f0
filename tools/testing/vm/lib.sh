# SPDX-License-Identifier: GPL-2.0
#
# Helpers for tests running in the VM; a bash test sources this file from
# $SRC (the repository tree inside the VM).
#
# Modules:  load_ours NAME      our module NAME (modprobe; ours shadow stock)
#           load_stock NAME     the stock Debian module, by path
# Hosts:    host_add NAME       a network namespace standing for one host
#           host_exec NAME CMD  run CMD in it
#           host_move IF NAME   move interface IF into it
# Everything made here is undone by vm_cleanup, which runs on EXIT (call it
# from your own EXIT trap if you set one).

VM_HOSTS=()

# Print the path of our module NAME (any directory under $SRC/drivers).
ours_path() {
	find "$SRC/drivers" -name "$1.ko" 2>/dev/null | head -n 1
}

# Ours live in updates/, which modprobe prefers.
load_ours() {
	[ -n "$(ours_path "$1")" ] || {
		echo "lib: our module $1 is not built" >&2
		return 1
	}
	modprobe "$1"
}

# Debian's own file, loaded by path so that ours cannot shadow it.
load_stock() {
	local ko dep

	ko=$(find "/lib/modules/$(uname -r)/kernel" -name "$1.ko*" | head -n 1)
	[ -n "$ko" ] || { echo "lib: no stock module $1" >&2; return 1; }
	for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do
		modprobe "$dep" || return 1
	done
	if grep -q "^$1 " /proc/modules; then
		module_is_file "$1" "$ko" && return 0
		echo "lib: a non-stock $1 is loaded" >&2
		return 1
	fi
	insmod "$ko"
}

# module_is_file NAME KO: the loaded module NAME was loaded from file KO
# (compressed or not). Our modules and Debian's have no srcversion, so
# compare the GNU build ID the kernel shows with the file's bytes. The
# note is an allocated section, laid out before the debug info, so the
# first 2 MiB hold it; hex-dumping all of a module with debug info takes
# seconds in the VM.
module_is_file() {
	local id hex note=/sys/module/$1/notes/.note.gnu.build-id

	[ -r "$note" ] || return 1
	id=$(od -An -tx1 -v "$note" | tr -d ' \n' | tail -c 40)
	[ ${#id} = 40 ] || return 1
	# (head closes the pipe early: only the dump's content counts.)
	hex=$(case $2 in
	      *.xz) xzcat "$2" ;;
	      *) cat "$2" ;;
	      esac 2>/dev/null | head -c 2097152 | od -An -tx1 -v | tr -d ' \n')
	[[ $hex == *"$id"* ]]
}

host_add() {
	ip netns add "$1" || return 1
	VM_HOSTS+=("$1")
	ip -n "$1" link set lo up
}

host_exec() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

host_move() {
	ip link set dev "$1" netns "$2"
}

# Two guests (a test with "# vm-guests: 2"): $VM_GUEST is a or b, and eth0
# is a virtio NIC cabled to the other guest's, nothing else.
VM_CABLE_PORT=7777

# guest_cable_up: eth0 up as 10.77.0.1 (a) or .2 (b); sets PEER to the
# other guest's address.
guest_cable_up() {
	local me=1 dev

	[ "${VM_GUEST:-}" = b ] && me=2
	PEER=10.77.0.$((3 - me))
	modprobe virtio_net || return 1
	for dev in $(seq 50); do
		[ -e /sys/class/net/eth0 ] && break
		sleep 0.1
	done
	ip addr add "10.77.0.$me/24" dev eth0 && ip link set eth0 up
}

# guest_sync NAME [SECONDS]: wait until the other guest reaches its
# guest_sync NAME too (a rendezvous over the cable; a listens, b calls).
guest_sync() {
	local t=$((${2:-60} * 5)) got

	if [ "$VM_GUEST" = a ]; then
		got=$(echo "$1" | timeout "${2:-60}" nc -l -p $VM_CABLE_PORT)
		[ "$got" = "$1" ]
		return
	fi
	while [ $t -gt 0 ]; do
		got=$(echo "$1" | timeout 2 nc "$PEER" $VM_CABLE_PORT 2>/dev/null)
		[ "$got" = "$1" ] && return 0
		t=$((t - 1))
		sleep 0.2
	done
	return 1
}

vm_cleanup() {
	local ns
	for ns in "${VM_HOSTS[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns delete "$ns" 2>/dev/null
	done
	VM_HOSTS=()
}
trap vm_cleanup EXIT
