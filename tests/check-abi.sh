#!/bin/sh
# The library exports exactly the symbols of its version script, and every
# public header compiles on its own as strict C99.
set -u
build=${1:?usage: check-abi.sh BUILD MAP}
map=${2:?usage: check-abi.sh BUILD MAP}
passed=0 failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

nm -D --defined-only "$build/libsriov.so.0" | awk '$2 == "T" || $2 == "D" || $2 == "B" {print $3}' |
	sed 's/@.*//' | sort -u > "$tmp/exported"
sed -n 's/^[[:space:]]*\(sriov_[a-z0-9_]*\);/\1/p' "$map" | sort -u > "$tmp/mapped"
if diff -u "$tmp/mapped" "$tmp/exported" > "$tmp/diff"; then
	passed=$((passed + 1))
else
	echo "FAIL exported symbols differ from $map:"; cat "$tmp/diff"
	failed=$((failed + 1))
fi
# every exported function is declared in a public header
for s in $(cat "$tmp/exported"); do
	if ! grep -qw "$s" libsriov/include/sriov/*.h; then
		echo "FAIL $s is exported but not declared in a public header"
		failed=$((failed + 1))
	fi
done
# the static library defines no global without the library's prefix, so
# that it links into any program
nm -g --defined-only "$build/libsriov.a" | awk 'NF == 3 {print $3}' |
	grep -v '^sriov_' | sort -u > "$tmp/unprefixed"
if [ -s "$tmp/unprefixed" ]; then
	echo "FAIL libsriov.a defines globals without the sriov_ prefix:"
	sed 's/^/  /' "$tmp/unprefixed"
	failed=$((failed + 1))
else
	passed=$((passed + 1))
fi
soname=$(readelf -d "$build/libsriov.so.0" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
if [ "$soname" = libsriov.so.0 ]; then
	passed=$((passed + 1))
else
	echo "FAIL soname is '$soname', expected libsriov.so.0"
	failed=$((failed + 1))
fi
for h in libsriov/include/sriov/*.h; do
	printf '#include <sriov/%s>\nint main(void) { return 0; }\n' "$(basename "$h")" > "$tmp/h.c"
	if ${CC:-cc} -std=c99 -Wall -Wextra -pedantic -Werror -Ilibsriov/include \
		-c "$tmp/h.c" -o "$tmp/h.o" 2> "$tmp/err"; then
		passed=$((passed + 1))
	else
		echo "FAIL $h does not compile alone as C99:"; cat "$tmp/err"
		failed=$((failed + 1))
	fi
done
# a C program links against the installed-style pkg-config description
if PKG_CONFIG_PATH="$build" pkg-config --exists libsriov; then
	passed=$((passed + 1))
else
	echo "FAIL $build/libsriov.pc is not usable by pkg-config"
	failed=$((failed + 1))
fi
# make install into a live root runs ldconfig (else the binary cannot find
# libsriov.so.0 right after it); into a DESTDIR staging tree it does not
make_install() { # MARKER ARGS...
	marker=$1
	shift
	${MAKE:-make} --no-print-directory -s BUILD="$build" LDCONFIG="touch $marker" "$@" \
		>"$tmp/install.log" 2>&1
}
if make_install "$tmp/ran-live" install PREFIX="$tmp/live" &&
	[ -x "$tmp/live/sbin/sriovctl" ] && [ -e "$tmp/ran-live" ]; then
	passed=$((passed + 1))
else
	echo "FAIL make install into a live root did not run ldconfig"; cat "$tmp/install.log"
	failed=$((failed + 1))
fi
if make_install "$tmp/ran-dest" install DESTDIR="$tmp/dest" PREFIX=/usr &&
	[ -x "$tmp/dest/usr/sbin/sriovctl" ] && [ ! -e "$tmp/ran-dest" ]; then
	passed=$((passed + 1))
else
	echo "FAIL make install DESTDIR=... ran ldconfig or installed nothing"; cat "$tmp/install.log"
	failed=$((failed + 1))
fi
rm -f "$tmp/ran-live"
if make_install "$tmp/ran-live" uninstall PREFIX="$tmp/live" && [ -e "$tmp/ran-live" ] &&
	[ -z "$(find "$tmp/live" -type f)" ]; then
	passed=$((passed + 1))
else
	echo "FAIL make uninstall left files or did not run ldconfig:"; find "$tmp/live" -type f
	failed=$((failed + 1))
fi
echo "abi: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
