#!/bin/bash
# Fill the real-kernel tier's cache from Debian's archive, outside the
# checkout (${SRIOVCTL_VM_CACHE:-$HOME/.cache/sriovctl-vm}):
#   host/          QEMU 10 from <suite>-backports, unpacked with dpkg -x
#   vmlinux        Debian's kernel, uncompressed ELF (boots via PVH)
#   base.cpio      static part of the initramfs: busybox, modules (with an
#                  out-of-tree netdevsim), systemd-udevd, iproute2, gojq,
#                  QEMU 7.2 for the guest, and every library they load
#   debs/          the downloaded packages, kept so a rebuild needs no network
#   systemd/       systemd.cpio: systemd, its units and libraries, laid over
#                  base.cpio for the systemd-booted guest; its own debs/
#   kernel-bpo/    <suite>-backports' kernel (6.12): vmlinux, modules.cpio
#                  (laid over base.cpio), kernel-release; its own debs/
#
# Versions are resolved at run time through a private apt configuration;
# the system's apt sources are only read, for the mirror's address.
# Each part has its own stamp, a digest of the code and package lists it
# is built from: a change to one part rebuilds that part only, and once
# every part is in place later runs return at once without touching the
# network; --refresh resolves versions again. A lock on the cache keeps
# two runs from building it at the same time.
#
# Usage: tests/vm/fetch.sh [--refresh]
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

# Guest packages: their binaries go into the image, and the packages of
# their dependency closure supply the libraries those binaries load.
GUEST_PKGS=(busybox-static udev iproute2 gojq pci.ids qemu-system-x86 qemu-system-common
	qemu-system-data seabios)

# Modules the guest's /init loads (listed in /etc/sriovctl-vm/modules);
# their dependencies come along. netdevsim is built from source.
GUEST_MODULES=(igb igbvf nvme vfio vfio_iommu_type1 vfio_pci pci-pf-stub psample netdevsim)

APT_DIR=$CACHE/apt
DEB_DIR=$CACHE/debs
WORK=$CACHE/work

refresh=0
case ${1-} in
--refresh) refresh=1 ;;
'') ;;
*)
	echo "usage: $0 [--refresh]" >&2
	exit 2
	;;
esac

# A part's stamp: the digest of the functions that build it and of its
# inputs. Changing them rebuilds that part, reusing the downloaded packages.
part_id() { # function... -- input...
	{
		while [ $# -gt 0 ] && [ "$1" != -- ]; do
			declare -f "$1"
			shift
		done
		echo "$@" "$SUITE"
	} | sha256sum | cut -d' ' -f1
}
BASE_FUNCS=(system_source write_sources apt_setup candidate simulate resolve_versions deb_file
	download unpack extract_vmlinux build_netdevsim usr_path ship find_lib ship_libraries
	ship_modules ship_busybox_links build_base check_host_qemu build_main)
stamp_id() { part_id "${BASE_FUNCS[@]}" -- "${GUEST_PKGS[@]}" "${GUEST_MODULES[@]}"; }
# The stamp of the base part written before the parts had stamps of their
# own (a digest of the whole of fetch.sh then); its base part was built by
# the code above, unchanged.
LEGACY_STAMP=68a4c0b4f0a080214340f599779212b254ec6de900f9cdebdaa804bf38773737

# --- apt, privately -----------------------------------------------------

# Print "URI<TAB>KEYRING" of the first enabled deb source for suite $1 found in
# the system's apt configuration (deb822 .sources and one-line .list files).
system_source() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk -v want="$1" '
			function flush() {
				if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " want " ") &&
				    enabled != "no" && uri != "") {
					print uri "\t" key; found = 1; exit
				}
				types = suites = uri = key = enabled = ""
			}
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			{
				field = tolower($1); sub(/:$/, "", field)
				value = $0; sub(/^[^:]*:[ \t]*/, "", value); gsub(/\t/, " ", value)
				if (field == "types") types = value
				else if (field == "suites") suites = value
				else if (field == "uris") { split(value, u, " "); uri = u[1] }
				else if (field == "signed-by" && value ~ /^\//) key = value
				else if (field == "enabled") enabled = tolower(value)
			}
			END { if (!found) flush() }
		' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		awk -v want="$1" '
			$1 != "deb" { next }
			{
				key = ""; i = 2
				if ($2 ~ /^\[/) {
					for (; i <= NF; i++) {
						if ($i ~ /^\[?signed-by=/) { key = $i; sub(/.*signed-by=/, "", key); sub(/\]$/, "", key) }
						if ($i ~ /\]$/) { i++; break }
					}
				}
				if ($(i + 1) == want) { print $i "\t" key; exit }
			}
		' "$f"
	done
}

write_sources() {
	local main sec mirror key sec_mirror sec_key opt
	main=$(system_source "$SUITE" | head -n1)
	sec=$(system_source "$SUITE-security" | head -n1)
	mirror=${SRIOVCTL_VM_MIRROR:-${main%%$'\t'*}}
	key=${main#*$'\t'}
	[ "$key" != "$main" ] || key=
	[ -n "$mirror" ] ||
		die "no '$SUITE' deb source in /etc/apt (set SRIOVCTL_VM_MIRROR=URL of a Debian mirror)"
	opt=${key:+[signed-by=$key] }
	{
		echo "deb $opt$mirror $SUITE main"
		echo "deb $opt$mirror $SUITE-updates main"
		echo "deb $opt$mirror $SUITE-backports main"
		if [ -n "$sec" ]; then
			sec_mirror=${sec%%$'\t'*}
			sec_key=${sec#*$'\t'}
			echo "deb ${sec_key:+[signed-by=$sec_key] }$sec_mirror $SUITE-security main"
		fi
	} >"$APT_DIR/sources.list"
}

apt_setup() {
	mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" \
		"$APT_DIR/empty.d" "$DEB_DIR"
	: >"$APT_DIR/empty-status"
	write_sources
	# Nothing of the system's apt state or preferences takes part.
	APT_OPTS=(-q -o "Dir::Etc::SourceList=$APT_DIR/sources.list"
		-o "Dir::Etc::SourceParts=$APT_DIR/empty.d"
		-o "Dir::Etc::Preferences=/dev/null"
		-o "Dir::Etc::PreferencesParts=$APT_DIR/empty.d"
		-o "Dir::State::Lists=$APT_DIR/lists"
		-o "Dir::Cache=$APT_DIR/cache"
		-o "Dir::State::extended_states=$APT_DIR/extended_states"
		-o APT::Sandbox::User=root -o Debug::NoLocking=1
		-o Acquire::Languages=none)
	log "apt: updating package lists ($(awk '{print $(NF-1)}' "$APT_DIR/sources.list" | sort -u | tr '\n' ' '))"
	apt-get "${APT_OPTS[@]}" --error-on=any update >"$APT_DIR/update.log" 2>&1 ||
		die "apt-get update failed:"$'\n'"$(grep -E '^(E|W|Err):' "$APT_DIR/update.log" | head -n 5)"
}

candidate() { apt-cache "${APT_OPTS[@]}" policy "$1" | awk '/Candidate:/ {print $2}'; }

# "name=version" for each package 'apt-get install' would unpack.
simulate() {
	apt-get "${APT_OPTS[@]}" -s --no-install-recommends install "$@" |
		awk '/^Inst / { v = ($3 ~ /^\[/) ? $4 : $3; gsub(/[()]/, "", v); print $2 "=" v }'
}

resolve_versions() {
	local meta ver deps hdr_deps
	meta=$(candidate linux-image-amd64)
	if [ -z "$meta" ] || [ "$meta" = "(none)" ]; then
		die "linux-image-amd64 not found in $SUITE"
	fi
	deps=$(apt-cache "${APT_OPTS[@]}" show "linux-image-amd64=$meta" | sed -n 's/^Depends: //p')
	ABI=$(grep -oE 'linux-image-[0-9]+\.[0-9]+\.[0-9]+-[0-9]+-amd64' <<<"$deps" | head -n1)
	ABI=${ABI#linux-image-}
	[ -n "$ABI" ] || die "cannot read the kernel ABI from linux-image-amd64's Depends: $deps"
	ver=$(candidate "linux-image-$ABI")
	hdr_deps=$(apt-cache "${APT_OPTS[@]}" show "linux-headers-$ABI=$ver" | sed -n 's/^Depends: //p')
	{
		echo "linux-image-$ABI=$ver"
		echo "linux-headers-$ABI=$ver"
		grep -oE 'linux-(headers-[^ ,]+-common|kbuild-[0-9.]+)' <<<"$hdr_deps" | sed "s/\$/=$ver/"
		echo "linux-source-$(cut -d. -f1,2 <<<"$ABI")=$ver"
	} >"$WORK/kernel.list"
	# QEMU 10 for the host: whatever the host lacks to run it.
	simulate -t "$SUITE-backports" qemu-system-x86 >"$WORK/host.list"
	grep -q '^qemu-system-x86=.*bpo' "$WORK/host.list" ||
		die "no qemu-system-x86 in $SUITE-backports"
	# The guest: the full dependency closure (as if onto an empty system);
	# ship_libraries picks from it what the binaries really load.
	simulate -o "Dir::State::status=$APT_DIR/empty-status" "${GUEST_PKGS[@]}" >"$WORK/guest.list"
	log "resolved: kernel $ABI ($ver), host $(grep '^qemu-system-x86=' "$WORK/host.list")," \
		"$(wc -l <"$WORK/guest.list") guest packages"
}

deb_file() { # name=version -> path of the downloaded .deb (may not exist)
	local name=${1%%=*} ver=${1#*=}
	compgen -G "$DEB_DIR/${name}_${ver//:/%3a}_*.deb" | head -n1 || true
}

download() {
	local want=() p
	for p in "$@"; do
		[ -n "$(deb_file "$p")" ] || want+=("$p")
	done
	[ ${#want[@]} -gt 0 ] || return 0
	log "apt: downloading ${#want[@]} packages"
	(cd "$DEB_DIR" && apt-get "${APT_OPTS[@]}" download "${want[@]}") >"$WORK/download.log" 2>&1 ||
		die "apt-get download failed:"$'\n'"$(grep -E '^(E|W|Err):' "$WORK/download.log" | head -n 5)"
}

unpack() { # dest list-file
	local p f
	mkdir -p "$1"
	while read -r p; do
		f=$(deb_file "$p")
		[ -n "$f" ] || die "package $p missing from $DEB_DIR"
		dpkg-deb -x "$f" "$1"
	done <"$2"
}

# --- kernel ---------------------------------------------------------------

# Like the kernel's scripts/extract-vmlinux: try every compressed stream
# in the bzImage until one decompresses to an ELF file.
extract_vmlinux() { # bzImage out
	local magic tool off
	for magic in '\xfd7zXZ\x00:xz -dc --single-stream' '\x1f\x8b\x08:gzip -dc' \
		'\x28\xb5\x2f\xfd:zstd -dcq'; do
		tool=${magic#*:}
		command -v "${tool%% *}" >/dev/null || continue
		while read -r off; do
			tail -c +$((off + 1)) "$1" | $tool >"$2" 2>/dev/null || true
			if [ "$(head -c4 "$2")" = $'\x7fELF' ]; then
				return 0
			fi
		done < <(LC_ALL=C grep -aboP "${magic%%:*}" "$1" | cut -d: -f1)
	done
	die "no ELF kernel found inside $1"
}

build_netdevsim() { # kernel-root
	local src=$WORK/src hdr=$1/usr/src/linux-headers-$ABI
	local srcdeb
	srcdeb=$(deb_file "$(grep '^linux-source-' "$WORK/kernel.list")")
	log "netdevsim: extracting drivers/net/netdevsim from $(basename "$srcdeb")"
	mkdir -p "$src"
	dpkg-deb --fsys-tarfile "$srcdeb" | tar -xOf - --wildcards './usr/src/linux-source-*.tar.xz' |
		xz -dc | tar -x -C "$src" --strip-components=1 --wildcards '*/drivers/net/netdevsim/*'
	# Debian's headers include the common half by absolute path.
	sed -i "s|^include /usr/src/|include $1/usr/src/|" "$hdr/Makefile"
	log "netdevsim: building against linux-headers-$ABI"
	make -s -C "$hdr" M="$src/drivers/net/netdevsim" CONFIG_NETDEVSIM=m \
		-j"$(nproc)" modules >"$WORK/netdevsim.log" 2>&1 ||
		die "netdevsim build failed, see $WORK/netdevsim.log"
	cp "$src/drivers/net/netdevsim/netdevsim.ko" "$WORK/netdevsim.ko"
}

# --- guest image ------------------------------------------------------------

# Path inside the merged-/usr guest for a path of an unpacked package.
usr_path() {
	case $1 in
	bin/* | sbin/* | lib/* | lib64/*) echo "usr/$1" ;;
	*) echo "$1" ;;
	esac
}

# Copy paths (relative to the sysroot) into the image, keeping symlinks.
ship() {
	local p dst
	for p in "$@"; do
		dst=$STAGE/$(usr_path "$p")
		mkdir -p "$(dirname "$dst")"
		cp -a "$SYSROOT/$p" "$dst"
	done
}

find_lib() { # soname runpath... -> path relative to the sysroot
	local name=$1 d
	shift
	for d in "$@" "lib/$ARCH_TRIPLET" "usr/lib/$ARCH_TRIPLET" lib usr/lib; do
		if [ -e "$SYSROOT/$d/$name" ]; then
			echo "$d/$name"
			return 0
		fi
	done
	return 1
}

# Ship the libraries every ELF file in the image needs, transitively,
# taken from the sysroot only (never the host).
ship_libraries() {
	local queue seen='' f so rp lib
	mapfile -t queue < <(find "$STAGE" -type f -perm -u+x -o -type f -name '*.so*')
	while [ ${#queue[@]} -gt 0 ]; do
		f=${queue[0]}
		queue=("${queue[@]:1}")
		[ "$(head -c4 "$f")" = $'\x7fELF' ] || continue
		rp=$(readelf -d "$f" | sed -n 's/.*(\(RUNPATH\|RPATH\)).*\[\(.*\)\]/\2/p' | tr ':' ' ' | sed 's|^/||; s| /| |g')
		for so in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			case " $seen " in *" $so "*) continue ;; esac
			seen="$seen $so"
			# shellcheck disable=SC2086 # word-split the runpath list
			lib=$(find_lib "$so" $rp) || die "guest: $so (needed by ${f#"$STAGE"/}) is in no downloaded package"
			mkdir -p "$STAGE/$(usr_path "$(dirname "$lib")")"
			cp -L "$SYSROOT/$lib" "$STAGE/$(usr_path "$lib")"
			queue+=("$STAGE/$(usr_path "$lib")")
		done
	done
}

ship_modules() { # kernel-root
	local kdir=$1/lib/modules/$ABI dst=$STAGE/usr/lib/modules/$ABI m
	depmod -b "$1" "$ABI"
	mkdir -p "$dst/extra"
	cp "$kdir"/modules.builtin "$kdir"/modules.builtin.modinfo "$kdir"/modules.order "$dst/"
	for m in "${GUEST_MODULES[@]}"; do
		[ "$m" != netdevsim ] || continue
		# modules.dep: "kernel/x/y/name.ko: kernel/dep1.ko kernel/dep2.ko"
		awk -F'[: ]+' -v m="${m//-/_}" '{ b = $1; sub(/.*\//, "", b); sub(/\.ko$/, "", b); gsub(/-/, "_", b) }
			b == m { for (i = 1; i <= NF; i++) if ($i != "") print $i; found = 1 }
			END { exit !found }' "$kdir/modules.dep" ||
			die "module $m is not in linux-image-$ABI"
	done | sort -u | while read -r m; do
		mkdir -p "$dst/$(dirname "$m")"
		cp "$kdir/$m" "$dst/$m"
	done
	strip --strip-debug -o "$dst/extra/netdevsim.ko" "$WORK/netdevsim.ko"
	depmod -b "$STAGE" "$ABI"
}

ship_busybox_links() {
	local a dst
	for a in $("$STAGE/usr/bin/busybox" --list-full); do
		dst=$STAGE/$(usr_path "$a")
		# Real binaries win (iproute2's ip, not busybox's).
		[ -e "$STAGE/usr/bin/${a##*/}" ] || [ -e "$STAGE/usr/sbin/${a##*/}" ] && continue
		mkdir -p "$(dirname "$dst")"
		ln -s /usr/bin/busybox "$dst"
	done
}

build_base() { # kernel-root
	local d f
	STAGE=$WORK/base
	SYSROOT=$WORK/sysroot
	rm -rf "$STAGE" "$SYSROOT"
	log "guest: unpacking $(wc -l <"$WORK/guest.list") packages"
	unpack "$SYSROOT" "$WORK/guest.list"
	mkdir -p "$STAGE"/usr/bin "$STAGE"/usr/sbin "$STAGE"/usr/lib64 \
		"$STAGE"/dev "$STAGE"/proc "$STAGE"/sys "$STAGE"/run "$STAGE"/tmp \
		"$STAGE"/root "$STAGE"/etc "$STAGE"/var/tmp
	for d in bin sbin lib lib64; do ln -s "usr/$d" "$STAGE/$d"; done
	ln -s /run "$STAGE/var/run"
	for f in "$SYSROOT"/lib/udev/*; do # rules and helpers, not the hwdb sources
		[ "${f##*/}" = hwdb.d ] || ship "lib/udev/${f##*/}"
	done
	ship bin/busybox bin/ip sbin/devlink sbin/bridge bin/udevadm lib/systemd/systemd-udevd \
		lib/systemd/network etc/udev \
		usr/bin/gojq usr/share/misc/pci.ids usr/bin/qemu-system-x86_64 \
		"usr/lib/$ARCH_TRIPLET/qemu/accel-tcg-x86_64.so" \
		usr/share/seabios/bios-256k.bin usr/share/seabios/vgabios-stdvga.bin \
		usr/share/qemu/kvmvapic.bin usr/share/qemu/linuxboot_dma.bin usr/share/qemu/pvh.bin
	# gojq as jq: jq 1.6 compiles its builtins at every start, 1.3 s under TCG.
	ln -s gojq "$STAGE/usr/bin/jq"
	ln -sf ../seabios/bios-256k.bin "$STAGE/usr/share/qemu/bios-256k.bin"
	ln -sf ../seabios/vgabios-stdvga.bin "$STAGE/usr/share/qemu/vgabios-stdvga.bin"
	ship_libraries
	ln -s "../lib/$ARCH_TRIPLET/ld-linux-x86-64.so.2" "$STAGE/usr/lib64/ld-linux-x86-64.so.2"
	ship_busybox_links
	ship_modules "$1"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$STAGE/etc/passwd"
	printf '%s\n' root:x:0: tty:x:5: disk:x:6: kmem:x:15: dialout:x:20: cdrom:x:24: \
		tape:x:26: audio:x:29: video:x:44: input:x:105: kvm:x:106: render:x:107: \
		sgx:x:108: >"$STAGE/etc/group"
	echo 5b3f1e2c9d8a4f6e8c7b6a5d4e3f2a1b >"$STAGE/etc/machine-id"
	mkdir -p "$STAGE/etc/sriovctl-vm"
	echo "${GUEST_MODULES[*]}" >"$STAGE/etc/sriovctl-vm/modules"
	log "guest: packing the base image ($(du -sh "$STAGE" | cut -f1))"
	(cd "$STAGE" && find . | LC_ALL=C sort | sed 's|^\./||' | grep -v '^\.$' >"$BASE_LIST.new" &&
		cpio -o -H newc -R 0:0 --quiet <"$BASE_LIST.new") >"$BASE_CPIO.new"
	mv "$BASE_LIST.new" "$BASE_LIST"
	mv "$BASE_CPIO.new" "$BASE_CPIO"
}

# --- host QEMU ----------------------------------------------------------------

check_host_qemu() {
	local missing
	missing=$(LD_LIBRARY_PATH=$HOST_ROOT/usr/lib/$ARCH_TRIPLET:$HOST_ROOT/lib/$ARCH_TRIPLET \
		ldd "$HOST_ROOT/usr/bin/qemu-system-x86_64" | grep 'not found' || true)
	[ -z "$missing" ] || die "host QEMU lacks libraries:"$'\n'"$missing"
	host_qemu -version | head -n1 | grep -q 'QEMU emulator version' ||
		die "host QEMU does not start"
}

# The base part: kernel, host QEMU, the busybox guest (base.cpio).
build_main() {
	local f
	rm -f "$READY" "$CACHE/base.cpio.gz"
	rm -rf "$WORK"
	mkdir -p "$WORK"
	apt_setup
	resolve_versions
	# shellcheck disable=SC2046 # one package per word
	download $(cat "$WORK/kernel.list" "$WORK/host.list" "$WORK/guest.list")

	log "kernel: unpacking linux-image-$ABI and its headers"
	grep -v '^linux-source-' "$WORK/kernel.list" >"$WORK/kernel-bin.list"
	unpack "$WORK/kernel" "$WORK/kernel-bin.list"
	extract_vmlinux "$WORK/kernel/boot/vmlinuz-$ABI" "$VMLINUX.new"
	mv "$VMLINUX.new" "$VMLINUX"
	build_netdevsim "$WORK/kernel"
	build_base "$WORK/kernel"

	log "host: unpacking QEMU"
	rm -rf "$HOST_ROOT"
	unpack "$HOST_ROOT" "$WORK/host.list"
	check_host_qemu

	cat "$WORK/kernel.list" "$WORK/host.list" "$WORK/guest.list" | sort -u >"$CACHE/manifest"
	echo "$ABI" >"$CACHE/kernel-release"
	# Drop packages no longer in the manifest, and the work trees.
	for f in "$DEB_DIR"/*.deb; do
		grep -qxF "$(dpkg-deb -f "$f" Package)=$(dpkg-deb -f "$f" Version)" "$CACHE/manifest" ||
			rm -f "$f"
	done
	rm -rf "$WORK"
	stamp_id >"$READY"
}

base_ready() {
	local have
	[ "$refresh" = 0 ] && [ -f "$READY" ] || return 1
	have=$(cat "$READY")
	[ "$have" = "$(stamp_id)" ] || [ "$have" = "$LEGACY_STAMP" ] || return 1
	# The host QEMU relies on some of the host's libraries: recheck.
	(check_host_qemu) 2>/dev/null && return 0
	log "the cached QEMU no longer starts here: preparing the cache again"
	return 1
}

# --- the systemd layer ----------------------------------------------------------

# Debian's systemd as PID 1, with udev's units and kmod (which
# kmod-static-nodes.service runs), over the base image: the
# files of these packages (no documentation) and the libraries they load
# that base.cpio lacks. Own packages folder, own stamp.
SYSTEMD_PKGS=(systemd udev kmod)

# Files and symlinks a package installs, relative to /, documentation aside.
package_files() { # deb
	dpkg-deb --fsys-tarfile "$1" | tar -t --quoting-style=literal | sed 's|^\./||' |
		grep -vE '/$|^usr/share/(doc|man|locale|lintian|bash-completion|zsh|bug|polkit-1)/'
}

build_systemd() {
	local DEB_DIR=$SYSTEMD_DIR/debs WORK=$SYSTEMD_DIR/work STAGE SYSROOT p f
	rm -f "$SYSTEMD_READY"
	rm -rf "$WORK"
	mkdir -p "$WORK" "$DEB_DIR"
	[ -n "${APT_OPTS+set}" ] || apt_setup
	simulate -o "Dir::State::status=$APT_DIR/empty-status" "${SYSTEMD_PKGS[@]}" >"$WORK/systemd.list"
	# shellcheck disable=SC2046 # one package per word
	download $(cat "$WORK/systemd.list")
	STAGE=$WORK/stage
	SYSROOT=$WORK/sysroot
	log "systemd: unpacking $(wc -l <"$WORK/systemd.list") packages"
	unpack "$SYSROOT" "$WORK/systemd.list"
	mkdir -p "$STAGE"
	for p in "${SYSTEMD_PKGS[@]}"; do
		f=$(deb_file "$(grep "^$p=" "$WORK/systemd.list")")
		[ -n "$f" ] || die "package $p missing from $DEB_DIR"
		# shellcheck disable=SC2046 # one path per word (no blanks in them)
		ship $(package_files "$f")
	done
	ship_libraries
	# What base.cpio has stays as it is there.
	(cd "$STAGE" && find . ! -type d | sed 's|^\./||') | while read -r p; do
		if grep -qxF "$p" "$BASE_LIST"; then rm -f "${STAGE:?}/$p"; fi
	done
	log "systemd: packing the layer ($(du -sh "$STAGE" | cut -f1))"
	(cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) >"$SYSTEMD_CPIO.new"
	mv "$SYSTEMD_CPIO.new" "$SYSTEMD_CPIO"
	for f in "$DEB_DIR"/*.deb; do
		grep -qxF "$(dpkg-deb -f "$f" Package)=$(dpkg-deb -f "$f" Version)" "$WORK/systemd.list" ||
			rm -f "$f"
	done
	rm -rf "$WORK"
	systemd_id >"$SYSTEMD_READY"
}

systemd_id() {
	part_id package_files build_systemd ship usr_path find_lib ship_libraries unpack deb_file \
		-- "${SYSTEMD_PKGS[@]}" "$(cat "$READY")"
}

systemd_ready() {
	[ "$refresh" = 0 ] && [ -f "$SYSTEMD_READY" ] && [ "$(cat "$SYSTEMD_READY")" = "$(systemd_id)" ]
}

# --- the second kernel: <suite>-backports' ---------------------------------------

# The newest linux-image-amd64 of the backports suite (6.12 for bookworm),
# its headers and linux-source, as the base part does for the suite's own.
resolve_bpo_kernel() {
	local meta deps
	meta=$(apt-cache "${APT_OPTS[@]}" madison linux-image-amd64 |
		awk -F' *[|] *' -v s=" $SUITE-backports/" 'index($3, s) { print $2 }' | sort -V | tail -n1)
	[ -n "$meta" ] || die "no linux-image-amd64 in $SUITE-backports"
	deps=$(apt-cache "${APT_OPTS[@]}" show "linux-image-amd64=$meta" | sed -n 's/^Depends: //p')
	ABI=$(grep -oE 'linux-image-[0-9][^ ,]*-amd64' <<<"$deps" | head -n1)
	ABI=${ABI#linux-image-}
	[ -n "$ABI" ] || die "cannot read the kernel ABI from linux-image-amd64 $meta: $deps"
	deps=$(apt-cache "${APT_OPTS[@]}" show "linux-headers-$ABI=$meta" | sed -n 's/^Depends: //p')
	{
		echo "linux-image-$ABI=$meta"
		echo "linux-headers-$ABI=$meta"
		grep -oE 'linux-(headers-[^ ,]+-common|kbuild-[^ ,]+)' <<<"$deps" | sort -u | sed "s/\$/=$meta/"
		echo "linux-source-$(cut -d. -f1,2 <<<"$ABI")=$meta"
	} >"$WORK/kernel.list"
	log "resolved: kernel $ABI ($meta) from $SUITE-backports"
}

# This kernel's modules come compressed (.ko.xz), and busybox's modprobe
# and ship_modules take plain ones: keep only the modules the guests load
# and their dependencies, decompressed.
bpo_plain_modules() { # modules-dir
	local dir=$1 keep m
	depmod -b "${dir%/lib/modules/*}" "$ABI"
	keep=$(for m in "${GUEST_MODULES[@]}"; do
		[ "$m" != netdevsim ] || continue
		awk -F'[: ]+' -v m="${m//-/_}" '{ b = $1; sub(/.*\//, "", b); sub(/\.ko(\.xz|\.zst)?$/, "", b); gsub(/-/, "_", b) }
			b == m { for (i = 1; i <= NF; i++) if ($i != "") print $i; found = 1 }
			END { exit !found }' "$dir/modules.dep" || die "module $m is not in linux-image-$ABI"
	done | sort -u)
	find "$dir/kernel" -name '*.ko*' | while read -r m; do
		grep -qxF "${m#"$dir"/}" <<<"$keep" || rm -f "$m"
	done
	find "$dir/kernel" -name '*.ko.xz' -exec xz -d {} +
	find "$dir/kernel" -name '*.ko.zst' -exec zstd -dq --rm {} +
}

# vmlinux and modules.cpio (the modules the guests load, netdevsim built
# from linux-source) of the backports kernel, in $BPO_DIR with its own
# packages folder. The guests boot it with base.cpio, whose userland does
# not depend on the kernel, and modules.cpio laid over it.
build_bpo() {
	local DEB_DIR=$BPO_DIR/debs WORK=$BPO_DIR/work STAGE ABI f
	rm -f "$BPO_READY"
	rm -rf "$WORK"
	mkdir -p "$WORK" "$DEB_DIR"
	[ -n "${APT_OPTS+set}" ] || apt_setup
	resolve_bpo_kernel
	# shellcheck disable=SC2046 # one package per word
	download $(cat "$WORK/kernel.list")
	log "kernel: unpacking linux-image-$ABI and its headers"
	grep -v '^linux-source-' "$WORK/kernel.list" >"$WORK/kernel-bin.list"
	unpack "$WORK/kernel" "$WORK/kernel-bin.list"
	[ -e "$WORK/kernel/lib/modules" ] || ln -s usr/lib "$WORK/kernel/lib"
	extract_vmlinux "$WORK/kernel/boot/vmlinuz-$ABI" "$BPO_VMLINUX.new"
	mv "$BPO_VMLINUX.new" "$BPO_VMLINUX"
	# without BTF for netdevsim (pahole is not needed then)
	MAKEFLAGS="CONFIG_DEBUG_INFO_BTF_MODULES=" build_netdevsim "$WORK/kernel"
	bpo_plain_modules "$WORK/kernel/lib/modules/$ABI"
	STAGE=$WORK/stage
	mkdir -p "$STAGE"
	ln -s usr/lib "$STAGE/lib"
	ship_modules "$WORK/kernel"
	rm "$STAGE/lib"
	log "kernel: packing its modules ($(du -sh "$STAGE" | cut -f1))"
	(cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) >"$BPO_MODULES.new"
	mv "$BPO_MODULES.new" "$BPO_MODULES"
	echo "$ABI" >"$BPO_DIR/kernel-release"
	for f in "$DEB_DIR"/*.deb; do
		grep -qxF "$(dpkg-deb -f "$f" Package)=$(dpkg-deb -f "$f" Version)" "$WORK/kernel.list" ||
			rm -f "$f"
	done
	rm -rf "$WORK"
	bpo_id >"$BPO_READY"
}

bpo_id() {
	part_id resolve_bpo_kernel bpo_plain_modules build_bpo extract_vmlinux build_netdevsim ship_modules unpack \
		deb_file download -- "${GUEST_MODULES[@]}"
}

bpo_ready() {
	[ "$refresh" = 0 ] && [ -f "$BPO_READY" ] && [ "$(cat "$BPO_READY")" = "$(bpo_id)" ]
}

main() {
	mkdir -p "$CACHE" "$SYSTEMD_DIR" "$BPO_DIR"
	exec 9>"$CACHE/lock"
	if ! flock -n 9; then
		log "waiting for another run that prepares $CACHE"
		flock 9
	fi
	if base_ready && systemd_ready && bpo_ready; then
		exit 0
	fi
	need_cmd apt-get apt-cache dpkg-deb tar xz zstd cpio depmod make gcc readelf strip ldd sha256sum
	base_ready || build_main
	systemd_ready || build_systemd
	bpo_ready || build_bpo
	log "cache ready in $CACHE ($(du -sh "$CACHE" | cut -f1)), kernel $(cat "$CACHE/kernel-release")"
}

main
