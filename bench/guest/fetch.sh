#!/bin/bash
# The benchmark's extra guest image: what the peers sriovctl is compared
# with need in the VM, on top of the test tier's base image
# (tests/vm/fetch.sh): python3 and dpdk-devbind.py, driverctl and bash,
# pciutils (lspci, which dpdk-devbind.py runs), strace (to count system
# calls). All from Debian's archive, resolved through a private apt
# configuration like the test tier's; kept in its own cache folder
# ($CACHE/bench) so the test tier's image and boot stay as they are.
#
# Output: $CACHE/bench/bench.cpio (newc, uncompressed) and a stamp.
# Usage: bench/guest/fetch.sh [--refresh]
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../../tests/vm/common.sh
. "$BENCH_DIR/../tests/vm/common.sh"

BCACHE=$CACHE/bench
BENCH_CPIO=$BCACHE/bench.cpio
BENCH_READY=$BCACHE/ready
APT_DIR=$BCACHE/apt
DEB_DIR=$BCACHE/debs
WORK=$BCACHE/work

# Packages whose dependency closure supplies the binaries and libraries.
CLOSURE_PKGS=(python3-minimal libpython3.11-stdlib pciutils bash driverctl strace)
# Packages taken alone: only one script of dpdk is used (dpdk-devbind.py),
# not its hundred libraries.
ALONE_PKGS=(dpdk)

refresh=0
[ "${1-}" != --refresh ] || refresh=1

stamp_id() {
	{ grep -v '^[[:space:]]*#' "$0"; cat "$READY" 2>/dev/null; } | sha256sum | cut -d' ' -f1
}

apt_setup() {
	mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" "$APT_DIR/empty.d" "$DEB_DIR"
	: >"$APT_DIR/empty-status"
	# The test tier's cache already found the mirror in the system's sources.
	[ -s "$CACHE/apt/sources.list" ] || die "no $CACHE/apt/sources.list: run tests/vm/fetch.sh first"
	grep -v -- '-backports' "$CACHE/apt/sources.list" >"$APT_DIR/sources.list"
	APT_OPTS=(-q -o "Dir::Etc::SourceList=$APT_DIR/sources.list"
		-o "Dir::Etc::SourceParts=$APT_DIR/empty.d"
		-o "Dir::Etc::Preferences=/dev/null"
		-o "Dir::Etc::PreferencesParts=$APT_DIR/empty.d"
		-o "Dir::State::Lists=$APT_DIR/lists"
		-o "Dir::Cache=$APT_DIR/cache"
		-o "Dir::State::extended_states=$APT_DIR/extended_states"
		-o "Dir::State::status=$APT_DIR/empty-status"
		-o APT::Sandbox::User=root -o Debug::NoLocking=1
		-o Acquire::Languages=none)
	log "bench: apt update"
	apt-get "${APT_OPTS[@]}" --error-on=any update >"$APT_DIR/update.log" 2>&1 ||
		die "apt-get update failed: $(grep -E '^(E|W|Err):' "$APT_DIR/update.log" | head -n 5)"
}

simulate() {
	apt-get "${APT_OPTS[@]}" -s --no-install-recommends install "$@" |
		awk '/^Inst / { v = ($3 ~ /^\[/) ? $4 : $3; gsub(/[()]/, "", v); print $2 "=" v }'
}

deb_file() {
	local name=${1%%=*} ver=${1#*=}
	compgen -G "$DEB_DIR/${name}_${ver//:/%3a}_*.deb" | head -n1 || true
}

download() {
	local want=() p
	for p in "$@"; do [ -n "$(deb_file "$p")" ] || want+=("$p"); done
	[ ${#want[@]} -gt 0 ] || return 0
	log "bench: downloading ${#want[@]} packages"
	(cd "$DEB_DIR" && apt-get "${APT_OPTS[@]}" download "${want[@]}") >"$WORK/download.log" 2>&1 ||
		die "apt-get download failed: $(grep -E '^(E|W|Err):' "$WORK/download.log" | head -n 5)"
}

usr_path() {
	case $1 in
	bin/* | sbin/* | lib/* | lib64/*) echo "usr/$1" ;;
	*) echo "$1" ;;
	esac
}

in_base() { grep -qxF "$1" "$BASE_LIST"; }

ship() { # sysroot-relative paths (files, links or whole folders)
	local p dst
	for p in "$@"; do
		[ -e "$SYSROOT/$p" ] || [ -L "$SYSROOT/$p" ] || die "bench: $p is in no package"
		dst=$STAGE/$(usr_path "$p")
		mkdir -p "$(dirname "$dst")"
		cp -a "$SYSROOT/$p" "$dst"
	done
}

find_lib() {
	local name=$1 d
	shift
	for d in "$@" "lib/$ARCH_TRIPLET" "usr/lib/$ARCH_TRIPLET" lib usr/lib; do
		[ -e "$SYSROOT/$d/$name" ] && { echo "$d/$name"; return 0; }
	done
	return 1
}

# Libraries the shipped ELF files load, unless the base image has them.
ship_libraries() {
	local queue seen='' f so lib
	mapfile -t queue < <(find "$STAGE" -type f \( -perm -u+x -o -name '*.so*' \))
	while [ ${#queue[@]} -gt 0 ]; do
		f=${queue[0]}
		queue=("${queue[@]:1}")
		[ "$(head -c4 "$f")" = $'\x7fELF' ] || continue
		for so in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			case " $seen " in *" $so "*) continue ;; esac
			seen="$seen $so"
			in_base "usr/lib/$ARCH_TRIPLET/$so" && continue
			lib=$(find_lib "$so") || die "bench: $so (needed by ${f#"$STAGE"/}) is in no package"
			mkdir -p "$STAGE/$(usr_path "$(dirname "$lib")")"
			cp -L "$SYSROOT/$lib" "$STAGE/$(usr_path "$lib")"
			queue+=("$STAGE/$(usr_path "$lib")")
		done
	done
}

build_image() {
	local py
	STAGE=$WORK/stage
	SYSROOT=$WORK/sysroot
	rm -rf "$STAGE" "$SYSROOT"
	mkdir -p "$STAGE" "$SYSROOT"
	while read -r p; do dpkg-deb -x "$(deb_file "$p")" "$SYSROOT"; done <"$WORK/all.list"
	py=$(cd "$SYSROOT/usr/lib" && ls -d python3.[0-9]* | head -n1)
	ship bin/bash usr/sbin/driverctl usr/bin/lspci usr/bin/strace \
		"usr/bin/$py" usr/bin/python3 "usr/lib/$py"
	# driverctl's udev rule, as installed with the package.
	for f in "$SYSROOT"/lib/udev/rules.d/*driverctl* "$SYSROOT"/usr/lib/udev/rules.d/*driverctl*; do
		[ -e "$f" ] && ship "${f#"$SYSROOT"/}"
	done
	f=$(cd "$SYSROOT" && find usr/bin usr/sbin usr/share -name 'dpdk-devbind*' -type f | head -n1)
	[ -n "$f" ] || die "bench: no dpdk-devbind.py in dpdk"
	ship "$f"
	[ "$f" = usr/bin/dpdk-devbind.py ] || ln -sf "/$f" "$STAGE/usr/bin/dpdk-devbind.py"
	# What python never loads here.
	(cd "$STAGE/usr/lib/$py" && rm -rf test idlelib tkinter turtledemo ensurepip lib2to3 \
		pydoc_data unittest/test config-* __pycache__/*.opt-*.pyc */__pycache__/*.opt-*.pyc)
	find "$STAGE/usr/lib/$py" -name '*.opt-?.pyc' -delete
	ship_libraries
	mkdir -p "$STAGE/etc/driverctl.d"
	(cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$BENCH_CPIO.new"
	mv "$BENCH_CPIO.new" "$BENCH_CPIO"
	log "bench: guest extras packed ($(du -sh "$STAGE" | cut -f1))"
}

main() {
	local id
	ensure_cache
	id=$(stamp_id)
	if [ "$refresh" = 0 ] && [ -f "$BENCH_READY" ] && [ "$(cat "$BENCH_READY")" = "$id" ] && [ -f "$BENCH_CPIO" ]; then
		exit 0
	fi
	need_cmd apt-get dpkg-deb cpio readelf
	mkdir -p "$BCACHE"
	rm -rf "$WORK" "$BENCH_READY"
	mkdir -p "$WORK"
	apt_setup
	simulate "${CLOSURE_PKGS[@]}" >"$WORK/all.list"
	for p in "${ALONE_PKGS[@]}"; do
		v=$(apt-cache "${APT_OPTS[@]}" policy "$p" | awk '/Candidate:/ {print $2}')
		[ -n "$v" ] && [ "$v" != "(none)" ] || die "bench: no $p in $SUITE"
		echo "$p=$v" >>"$WORK/all.list"
	done
	# shellcheck disable=SC2046
	download $(cat "$WORK/all.list")
	build_image
	sort -u "$WORK/all.list" >"$BCACHE/manifest"
	rm -rf "$WORK"
	echo "$id" >"$BENCH_READY"
}

main
