#!/bin/sh
# The benchmark's guest half (busybox sh, PID 1's child in the test VM):
# runs every VM case of bench/README.md, alternating the contenders run
# by run, and sends one line per measurement to the results port (fd 3):
#
#   @@BENCH CASE SIZE CONTENDER RUN NS RSS_KB EXIT
#   @@BINFO CASE SIZE CONTENDER KEY VALUE...     (checks: counts, writes)
#   @@BMETA KEY VALUE...                         (machine, kernel)
#
# bench/report.py turns them into the table. Settings come from
# /tests/bench.env: RUNS, CASES (which of 1..5,7 to run), SIZES_SET,
# SIZES_READ.
# shellcheck disable=SC2154
# shellcheck source-path=SCRIPTDIR/../../tests/vm source=../../tests/vm/lib.sh
. /tests/lib.sh
. /tests/bench.env

S=/usr/bin/sriovctl
NSIM_DEV=/sys/bus/netdevsim/devices/netdevsim$NSIM_ID
NS=$(netdev_of "$NSIM_DEV")
IGB=$(netdev_of "$PCI/$IGB_PF")
T=/tmp/bench
mkdir -p $T

meta() { _report "@@BMETA $*"; }
info() { _report "@@BINFO $*"; }
has_case() { case " $CASES " in *" $1 "*) return 0 ;; esac; return 1; }
has_verb() { $S "$1" help 2>/dev/null | grep -q "$1 $2"; }

# M CASE SIZE CONTENDER RUN CMD...: one timed run; output in $T/o.CONTENDER
# (busybox sh has no local variables: each function's names are its own)
M() {
	_mc=$1 _ms=$2 _mn=$3 _mr=$4
	shift 4
	# shellcheck disable=SC2046
	set -- $(btime -o "$T/o.$_mn" -e "$T/e.$_mn" "$@")
	_report "@@BENCH $_mc $_ms $_mn $_mr $1 $2 $3"
	if [ "$3" != 0 ]; then
		echo "bench: $_mc $_ms $_mn run $_mr exited $3:"
		tail -n 3 "$T/e.$_mn"
		[ "$_mr" != 1 ] || info "$_mc" "$_ms" "$_mn" error "$(tail -n 1 "$T/e.$_mn" | head -c 160)"
	fi
}

# System calls of one more (untimed) run: "total name:count ..." (top 6),
# and with PROFILE=1 the whole trace with timestamps on the console.
# $PRE, when set, is evaluated before each traced run (to reset state).
profile() { # case size contender cmd...
	_pc=$1 _ps=$2 _pn=$3
	shift 3
	[ -z "${PRE:-}" ] || eval "$PRE"
	strace -f -c -o $T/strace-c "$@" >/dev/null 2>&1
	info "$_pc" "$_ps" "$_pn" syscalls "$(awk '$NF == "total" { print $4 }' $T/strace-c)" \
		"$(awk '$NF != "total" && $4 ~ /^[0-9]+$/ { print $4, $NF }' $T/strace-c |
			sort -rn | head -n 6 | awk '{ printf "%s:%s ", $2, $1 }')"
	if [ "${PROFILE:-0}" = 1 ]; then
		echo "--- profile $_pc $_ps $_pn: $*"
		[ -z "${PRE:-}" ] || eval "$PRE"
		strace -f -r -s 48 -o $T/strace-r "$@" >/dev/null 2>&1
		cat $T/strace-r
		echo "--- end profile"
	fi
}

runs() { seq 1 "$RUNS"; }

meta guest_kernel "$(uname -r)"
meta guest_cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1) x$(grep -c ^processor /proc/cpuinfo)"
meta guest_iproute2 "$(/usr/bin/ip -V)"
meta guest_sriovctl "$($S --version 2>&1 | head -n1)"
meta guest_verbs "vfio-bind:$(has_verb vfio bind && echo yes || echo no) apply:$($S help 2>/dev/null | grep -q '^  apply' && echo yes || echo no)"
HAS_APPLY=0
$S help 2>/dev/null | grep -q '^  apply' && HAS_APPLY=1
HAS_VFIO=0
has_verb vfio bind && HAS_VFIO=1

# --- 7: start-up ---------------------------------------------------------
if has_case 7; then
	case_begin start-up
	for r in $(runs); do
		M startup vm true "$r" /usr/bin/true
		M startup vm ip-V "$r" /usr/bin/ip -V
		M startup vm sriovctl-version "$r" $S --version
		M startup vm sriovctl-pf-list "$r" $S pf list
	done
	profile startup vm sriovctl-pf-list $S pf list
	profile startup vm sriovctl-version $S --version
fi

# --- 5: enable and disable VFs ------------------------------------------
# sriovctl pf set (which waits until the VFs are ready) against the bare
# sysfs write followed by udevadm settle (the kernel and udev done).
lifecycle() { # label pf-dir count sriovctl-pf-name [autoprobe-off]
	_l=$1 _d=$2 _n=$3 _pf=$4 _ap=${5:-}
	if [ -n "$_ap" ]; then
		_sh_en="echo 0 > $_d/sriov_drivers_autoprobe && echo $_n > $_d/sriov_numvfs && udevadm settle"
		_s_en="$S pf set $_pf num-vfs $_n autoprobe off"
	else
		_sh_en="echo $_n > $_d/sriov_numvfs && udevadm settle"
		_s_en="$S pf set $_pf num-vfs $_n"
	fi
	_sh_dis="echo 0 > $_d/sriov_numvfs && udevadm settle"
	sysfs_write 0 "$_d/sriov_numvfs" >/dev/null
	udevadm settle
	for r in $(runs); do
		# shellcheck disable=SC2086
		M enable "$_l" sriovctl "$r" $_s_en
		info enable "$_l" sriovctl numvfs "$(cat "$_d/sriov_numvfs")"
		M disable "$_l" sriovctl "$r" $S pf disable "$_pf"
		info disable "$_l" sriovctl numvfs "$(cat "$_d/sriov_numvfs")"
		udevadm settle
		M enable "$_l" shell "$r" sh -c "$_sh_en"
		info enable "$_l" shell numvfs "$(cat "$_d/sriov_numvfs")"
		M disable "$_l" shell "$r" sh -c "$_sh_dis"
		info disable "$_l" shell numvfs "$(cat "$_d/sriov_numvfs")"
		udevadm settle
	done
	# shellcheck disable=SC2086
	PRE="$S pf disable $_pf >/dev/null 2>&1; udevadm settle"
	profile enable "$_l" sriovctl $_s_en
	PRE="$S pf set $_pf num-vfs $_n >/dev/null 2>&1; udevadm settle"
	profile disable "$_l" sriovctl $S pf disable "$_pf"
	PRE=
	udevadm settle
}
if has_case 5; then
	case_begin lifecycle
	lifecycle igb-7 "$PCI/$IGB_PF" 7 "$IGB_PF"
	lifecycle nvme-4 "$PCI/$NVME_PF" 4 "$NVME_PF" off
	lifecycle nsim-64 "$NSIM_DEV" 64 "$NS"
	lifecycle nsim-128 "$NSIM_DEV" 128 "$NS"
	lifecycle nsim-1024 "$NSIM_DEV" 1024 "$NS"
	# the test tier expects autoprobe back on
	echo 1 >"$PCI/$NVME_PF/sriov_drivers_autoprobe"
fi

# --- 4: bind VFs to vfio-pci and back ----------------------------------
vf_addrs() { # pf-address
	for _v in "$PCI/$1"/virtfn*; do link_name "$_v"; done | sort
}
drivers_of() { # addresses... -> "driver driver ..."
	for _a in "$@"; do link_name "$PCI/$_a/driver"; done | tr '\n' ' '
}
# Shell writes, as the kernel documentation and most scripts do them.
cat >$T/bind-shell.sh <<'SH'
for a; do
	d=/sys/bus/pci/devices/$a
	echo vfio-pci > $d/driver_override
	[ -e $d/driver ] && echo $a > $d/driver/unbind
	echo $a > /sys/bus/pci/drivers_probe
done
SH
cat >$T/back-shell.sh <<'SH'
# $1: probe (rebind the host driver) or none (leave unbound)
p=$1; shift
for a; do
	d=/sys/bus/pci/devices/$a
	echo > $d/driver_override
	[ -e $d/driver ] && echo $a > $d/driver/unbind
	[ $p = probe ] && echo $a > /sys/bus/pci/drivers_probe
done
true
SH
cat >$T/bind-driverctl.sh <<'SH'
for a; do driverctl set-override $a vfio-pci || exit 1; done
SH
cat >$T/back-driverctl.sh <<'SH'
for a; do driverctl unset-override $a || r=1; done
exit ${r:-0}
SH
bind_case() { # label pf-address host-driver|none [how-many-VFs]
	_l=$1 _pf=$2 _hd=$3 _nmax=${4:-}
	# shellcheck disable=SC2046
	set -- $(vf_addrs "$_pf")
	# shellcheck disable=SC2046
	[ -z "$_nmax" ] || set -- $(printf '%s\n' "$@" | head -n "$_nmax")
	_nv=$#
	_want_host=$(for _a in "$@"; do echo "$_hd"; done | sed 's/^none$/null/' | tr '\n' ' ')
	_want_vfio=$(for _a in "$@"; do echo vfio-pci; done | tr '\n' ' ')
	info bind "$_l" all vfs "$_nv"
	info bind "$_l" all before "$(drivers_of "$@")"
	_cs="shell dpdk-devbind driverctl"
	[ "$HAS_VFIO" = 1 ] && _cs="$_cs sriovctl"
	if [ "$_hd" = none ]; then _dpdk_back="-u"; _probe=none; else _dpdk_back="-b $_hd"; _probe=probe; fi
	for r in $(runs); do
		for c in $_cs; do
			case $c in
			shell) M bind "$_l" $c "$r" sh $T/bind-shell.sh "$@" ;;
			dpdk-devbind) M bind "$_l" $c "$r" dpdk-devbind.py -b vfio-pci "$@" ;;
			driverctl) M bind "$_l" $c "$r" sh $T/bind-driverctl.sh "$@" ;;
			sriovctl) M bind "$_l" $c "$r" $S vfio bind "$@" ;;
			esac
			_got=$(drivers_of "$@")
			[ "$_got" = "$_want_vfio" ] || info bind "$_l" $c wrong "run $r: $_got"
			udevadm settle
			case $c in
			shell) M unbind "$_l" $c "$r" sh $T/back-shell.sh $_probe "$@" ;;
			# shellcheck disable=SC2086
			dpdk-devbind) M unbind "$_l" $c "$r" dpdk-devbind.py $_dpdk_back "$@" ;;
			driverctl) M unbind "$_l" $c "$r" sh $T/back-driverctl.sh "$@" ;;
			sriovctl) M unbind "$_l" $c "$r" $S vfio release "$@" ;;
			esac
			_got=$(drivers_of "$@")
			[ "$_got" = "$_want_host" ] || info unbind "$_l" $c wrong "run $r: $_got"
			udevadm settle
		done
	done
	if [ "$HAS_VFIO" = 1 ]; then
		PRE="$S vfio release $* >/dev/null 2>&1; udevadm settle"
		profile bind "$_l" sriovctl $S vfio bind "$@"
		PRE="$S vfio bind $* >/dev/null 2>&1; udevadm settle"
		profile unbind "$_l" sriovctl $S vfio release "$@"
		PRE=
		$S vfio release "$@" >/dev/null 2>&1
		udevadm settle
	fi
}
if has_case 4; then
	case_begin bind
	set_numvfs "$IGB_PF" 7 >/dev/null
	bind_case igb-1 "$IGB_PF" igbvf 1
	bind_case igb-7 "$IGB_PF" igbvf
	set_numvfs "$IGB_PF" 0 >/dev/null
	echo 0 >"$PCI/$NVME_PF/sriov_drivers_autoprobe"
	set_numvfs "$NVME_PF" 4 >/dev/null
	bind_case nvme-4 "$NVME_PF" none
	set_numvfs "$NVME_PF" 0 >/dev/null
	echo 1 >"$PCI/$NVME_PF/sriov_drivers_autoprobe"
	rm -f /etc/driverctl.d/*
fi

# --- 1 and 2: configure N netdevsim VFs, and re-apply ---------------------
# Two states; every timed run goes from A to B, so each contender changes
# every field of every VF (sriovctl skips what is already right).
# Rates go as min_tx_rate 0 max_tx_rate R: iproute2 needs both past the
# VF list's 16-bit wrap (max_tx_rate alone re-reads the list per VF).
A_SET="vlan 10 qos 1 spoofchk on trust off rate 0 100"
nsim_vfs() { # count
	echo 0 >"$NSIM_DEV/sriov_numvfs"
	echo "$1" >"$NSIM_DEV/sriov_numvfs"
}
mac_of() { printf '02:00:00:0b:%02x:%02x' $(($1 >> 8)) $(($1 & 255)); }
# Files every contender reads: loop scripts, batch files, apply files.
make_inputs() { # count
	_n=$1 _last=$(($1 - 1))
	_ipset="vlan 20 qos 2 spoofchk off trust on min_tx_rate 0 max_tx_rate 200"
	cat >$T/loop-nomac.sh <<SH
i=0
while [ \$i -lt $_n ]; do
	/usr/bin/ip link set $NS vf \$i $_ipset
	i=\$((i + 1))
done
SH
	cat >$T/loop-mac.sh <<SH
i=0
while [ \$i -lt $_n ]; do
	/usr/bin/ip link set $NS vf \$i mac \$(printf '02:00:00:0b:%02x:%02x' \$((i >> 8)) \$((i & 255))) $_ipset
	i=\$((i + 1))
done
SH
	: >$T/batch-nomac
	: >$T/batch-mac
	{
		printf '{"pfs":[{"netdev":"%s","num_vfs":%d,"vfs":[' "$NS" "$_n"
		printf '{"vfs":"0-%d","vlan":20,"qos":2,"spoofchk":false,"trust":true,"max_tx_rate":200}]}]}\n' "$_last"
	} >$T/apply-nomac.json
	{
		printf '{"pfs":[{"netdev":"%s","num_vfs":%d,"vfs":[' "$NS" "$_n"
		printf '{"vfs":"0-%d","vlan":20,"qos":2,"spoofchk":false,"trust":true,"max_tx_rate":200}' "$_last"
	} >$T/apply-mac.json
	i=0
	while [ $i -lt "$_n" ]; do
		echo "link set $NS vf $i $_ipset" >>$T/batch-nomac
		echo "link set $NS vf $i mac $(mac_of $i) $_ipset" >>$T/batch-mac
		printf ',{"vf":%d,"mac":"%s"}' $i "$(mac_of $i)" >>$T/apply-mac.json
		i=$((i + 1))
	done
	echo ']}]}' >>$T/apply-mac.json
}
# How many VFs are in state B (with the per-VF MACs when $2 is mac).
count_b() { # count nomac|mac
	bench-getlink "$NS" | awk -v mac="$2" '
		$3 == 20 && $4 == 2 && $5 == 0 && $6 == 1 && $7 == 0 && $8 == 200 &&
		(mac != "mac" || $2 == sprintf("02:00:00:0b:%02x:%02x", int($1 / 256), $1 % 256)) { n++ }
		END { print n + 0 }'
}
configure_case() { # count variant
	_n=$1 _v=$2 _last=$(($1 - 1))
	_cs="ip-loop ip-batch floor floor-rwr"
	[ "$_v" = nomac ] && _cs="$_cs sriovctl"
	[ "$HAS_APPLY" = 1 ] && _cs="$_cs sriovctl-apply"
	for r in $(runs); do
		for c in $_cs; do
			# shellcheck disable=SC2086
			bench-setlink "$NS" 0 $_last mac 0a $A_SET || echo "bench: reset to A failed"
			# the ip loop takes minutes a run under TCG past 256 VFs: once there
			[ "$c" = ip-loop ] && [ "$_n" -gt 256 ] && [ "$r" -gt 1 ] && continue
			case $c in
			ip-loop) M "configure-$_v" "$_n" $c "$r" sh $T/loop-$_v.sh ;;
			ip-batch) M "configure-$_v" "$_n" $c "$r" /usr/bin/ip -batch $T/batch-$_v ;;
			floor)
				if [ "$_v" = mac ]; then
					M "configure-$_v" "$_n" $c "$r" bench-setlink "$NS" 0 $_last mac 0b vlan 20 qos 2 spoofchk off trust on rate 0 200
				else
					M "configure-$_v" "$_n" $c "$r" bench-setlink "$NS" 0 $_last vlan 20 qos 2 spoofchk off trust on rate 0 200
				fi
				;;
			floor-rwr)
				if [ "$_v" = mac ]; then
					M "configure-$_v" "$_n" $c "$r" bench-setlink -r "$NS" 0 $_last mac 0b vlan 20 qos 2 spoofchk off trust on rate 0 200
				else
					M "configure-$_v" "$_n" $c "$r" bench-setlink -r "$NS" 0 $_last vlan 20 qos 2 spoofchk off trust on rate 0 200
				fi
				;;
			sriovctl) M "configure-$_v" "$_n" $c "$r" $S -j vf set "$NS#0-$_last" vlan 20 qos 2 spoofchk off trust on max-tx-rate 200 ;;
			sriovctl-apply) M "configure-$_v" "$_n" $c "$r" $S -j apply $T/apply-$_v.json ;;
			esac
			_ok=$(count_b "$_n" "$_v")
			[ "$r" = 1 ] && info "configure-$_v" "$_n" $c verified "$_ok/$_n"
			[ "$_ok" = "$_n" ] || info "configure-$_v" "$_n" $c wrong "run $r: $_ok/$_n in state B"
		done
	done
	PRE="bench-setlink $NS 0 $_last mac 0a $A_SET"
	[ "$_v" = nomac ] && profile "configure-$_v" "$_n" sriovctl $S -j vf set "$NS#0-$_last" vlan 20 qos 2 spoofchk off trust on max-tx-rate 200
	[ "$HAS_APPLY" = 1 ] && profile "configure-$_v" "$_n" sriovctl-apply $S -j apply $T/apply-$_v.json
	PRE=
}
# Count the RTM_SETLINKs a command sends (one RTM_NEWLINK each) and, with
# strace, its netlink sends and its writes to files other than stdout/err.
writes_probe() { # case size contender cmd...
	_wc=$1 _ws=$2 _wn=$3
	shift 3
	[ -z "${PRE:-}" ] || eval "$PRE"
	info "$_wc" "$_ws" "$_wn" notifications "$(nlcount "$NS" "$@")"
	[ -z "${PRE:-}" ] || eval "$PRE"
	strace -f -qq -e trace=sendto,sendmsg,write,pwrite64,writev -o $T/strace "$@" >/dev/null 2>&1
	# RTM_SETLINK is 0x13 where strace cannot tell the socket's protocol
	info "$_wc" "$_ws" "$_wn" writes "setlink_msgs $(grep -cE 'RTM_SETLINK|nlmsg_type=0x13 ' $T/strace)" \
		"netlink_sends $(grep -cE 'send(to|msg)\(' $T/strace)" \
		"file_writes $(grep -E '(write|pwrite64|writev)\(' $T/strace | grep -cvE '(write|pwrite64|writev)\((1|2),')"
}
noop_case() { # count
	_n=$1 _last=$(($1 - 1))
	bench-setlink "$NS" 0 $_last mac 0b vlan 20 qos 2 spoofchk off trust on rate 0 200
	_cs="sriovctl-noop sriovctl-list floor-getlink"
	[ "$HAS_APPLY" = 1 ] && _cs="$_cs sriovctl-apply-noop"
	for r in $(runs); do
		for c in $_cs; do
			case $c in
			sriovctl-noop) M noop "$_n" $c "$r" $S -j vf set "$NS#0-$_last" vlan 20 qos 2 spoofchk off trust on max-tx-rate 200 ;;
			sriovctl-apply-noop) M noop "$_n" $c "$r" $S -j apply $T/apply-mac.json ;;
			sriovctl-list) M noop "$_n" $c "$r" $S -j vf list "$NS" ;;
			floor-getlink) M noop "$_n" $c "$r" bench-getlink "$NS" ;;
			esac
		done
	done
	info noop "$_n" sriovctl-noop changed "$(jq -c .changed $T/o.sriovctl-noop)"
	[ "$HAS_APPLY" = 1 ] && info noop "$_n" sriovctl-apply-noop changed "$(jq -c .changed $T/o.sriovctl-apply-noop 2>&1 | head -c 100)"
	profile noop "$_n" sriovctl-noop $S -j vf set "$NS#0-$_last" vlan 20 qos 2 spoofchk off trust on max-tx-rate 200
	[ "$HAS_APPLY" = 1 ] && profile noop "$_n" sriovctl-apply-noop $S -j apply $T/apply-mac.json
	writes_probe noop "$_n" sriovctl-noop $S -j vf set "$NS#0-$_last" vlan 20 qos 2 spoofchk off trust on max-tx-rate 200
	[ "$HAS_APPLY" = 1 ] && writes_probe noop "$_n" sriovctl-apply-noop $S -j apply $T/apply-mac.json
	# the same probes on commands that do write, to show they count
	writes_probe noop "$_n" control-floor-setlink bench-setlink "$NS" 0 $_last vlan 20 qos 2 spoofchk off trust on rate 0 200
	writes_probe noop "$_n" control-ip-batch /usr/bin/ip -batch $T/batch-nomac
	PRE="bench-setlink $NS 0 $_last mac 0a $A_SET"
	writes_probe noop "$_n" control-sriovctl-change $S -j vf set "$NS#0-$_last" vlan 20 qos 2 spoofchk off trust on max-tx-rate 200
	[ "$HAS_APPLY" = 1 ] && writes_probe noop "$_n" control-sriovctl-apply-change $S -j apply $T/apply-mac.json
	PRE=
}
if has_case 1 || has_case 2; then
	case_begin configure
	$IP link set "$NS" up
	for n in $SIZES_SET; do
		nsim_vfs "$n"
		make_inputs "$n"
		if has_case 1; then
			configure_case "$n" nomac
			configure_case "$n" mac
			# iproute2 as users type it: max_tx_rate alone
			_last=$((n - 1))
			sed 's/min_tx_rate 0 //' $T/batch-nomac >$T/batch-maxonly
			M configure-maxonly "$n" ip-batch 1 /usr/bin/ip -batch $T/batch-maxonly
			info configure-maxonly "$n" ip-batch stderr "$(head -n 2 $T/e.ip-batch | tr '\n' ' ' | head -c 200)"
		fi
		has_case 2 && noop_case "$n"
	done
fi

# --- 3: read back every VF ----------------------------------------------
if has_case 3; then
	case_begin readback
	for n in $SIZES_READ; do
		nsim_vfs "$n"
		_last=$((n - 1))
		bench-setlink "$NS" 0 $_last mac 0b vlan 20 qos 2 spoofchk off trust on rate 0 200
		for r in $(runs); do
			M readback "$n" sriovctl "$r" $S -j vf list "$NS"
			M readback "$n" ip "$r" /usr/bin/ip -j -d link show "$NS"
			M readback "$n" floor "$r" bench-getlink "$NS"
		done
		info readback "$n" sriovctl vfs "$(jq length $T/o.sriovctl 2>/dev/null || echo 0)"
		info readback "$n" sriovctl last_mac "$(jq -r '.[-1].mac' $T/o.sriovctl 2>/dev/null)"
		info readback "$n" ip vfs "$(jq '.[0].vfinfo_list // [] | length' $T/o.ip 2>/dev/null || echo 0)"
		info readback "$n" ip stderr "$(head -n 1 $T/e.ip | head -c 120)"
		info readback "$n" floor vfs "$(wc -l <$T/o.floor)"
		profile readback "$n" sriovctl $S -j vf list "$NS"
		profile readback "$n" ip /usr/bin/ip -j -d link show "$NS"
		profile readback "$n" floor bench-getlink "$NS"
		[ "$n" = 256 ] || continue
		# Where sriovctl's time goes: start-up, one VF, every VF, text.
		for r in $(runs); do
			M breakdown "$n" true "$r" /usr/bin/true
			M breakdown "$n" floor-getlink "$r" bench-getlink "$NS"
			M breakdown "$n" sriovctl-version "$r" $S --version
			M breakdown "$n" sriovctl-vf-show-1 "$r" $S -j vf show "$NS#0"
			M breakdown "$n" sriovctl-vf-list-json "$r" $S -j vf list "$NS"
			M breakdown "$n" sriovctl-vf-list-text "$r" $S vf list "$NS"
		done
	done
	echo 0 >"$NSIM_DEV/sriov_numvfs"
fi
case_end
scenario_done
