#!/bin/sh
# The README's quick start: works on a fresh Debian 12 as root, where not
# even make is installed yet.
#   ./dev.sh demo    the emulated SR-IOV host, driven by sriovctl
#   ./dev.sh check   every test
#   ./dev.sh deps    only install what the build and the tests need
set -eu
cd "$(dirname "$0")"
target=${1:-check}
case "$target" in
demo|check|deps) ;;
*) echo "usage: ./dev.sh demo|check|deps" >&2; exit 2 ;;
esac
if ! command -v make >/dev/null 2>&1; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends make
fi
make deps
[ "$target" = deps ] && exit 0
exec make -j"$(nproc)" WERROR=1 "$target"
