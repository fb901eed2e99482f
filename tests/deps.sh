#!/bin/sh
# Installs every Debian package that building sriovctl and running all of
# its tests needs. Safe to run again: apt-get skips what is installed.
set -eu
here=$(dirname "$0")
packages="make gcc libc6-dev pkg-config
	libpci-dev libnl-3-dev libnl-route-3-dev libnl-genl-3-dev libudev-dev libkmod-dev
	libcmocka-dev libyaml-dev
	pciutils pci.ids iproute2 mandoc man-db bash zsh fish binutils jq shellcheck
	ansible-core systemd python3-jsonschema
	ansible-lint yamllint python3-pycodestyle pylint python3-voluptuous
	clang libclang-rt-14-dev
	qemu-system-x86 libvirt-clients libvirt0 libxml2-utils"
if [ -f "$here/vm/packages.txt" ]; then
	packages="$packages $(grep -v '^#' "$here/vm/packages.txt")"
fi
missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all packages present"
	exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# a fresh machine has no package lists yet
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
