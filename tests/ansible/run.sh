#!/bin/sh
# The Ansible tier: the sriovctl.sriov collection (contrib/ansible) with
# Debian's ansible-core.
#
# 1. Playbooks: each tests/ansible/NAME.yml runs against localhost on a
#    built sysfs tree (tests/cli/host.topo), or, when NAME.hosts exists,
#    against that inventory: every host in it names a fakesys preset
#    (fakesys_preset=...), and run.sh builds one tree per host under the
#    directory passed as the variable fleet. Each task named "check: ..."
#    is one test; it passes when it was ok on every host.
# 2. ansible-doc renders both modules and the role's argument spec; the
#    example playbook parses.
#
# Usage: tests/ansible/run.sh BUILD_DIR   (with sriovctl and fakesys)
# Prints "ansible: N passed, N failed"; exit 1 when a test failed or did
# not run, 0 otherwise.
set -u
build=${1:?usage: tests/ansible/run.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
coll=$top/contrib/ansible
case $build in /*) ;; *) build=$PWD/$build ;; esac
if ! command -v ansible-playbook >/dev/null 2>&1; then
	echo "FAIL ansible-playbook is not installed (make deps)"
	echo "ansible: 0 passed, 1 failed"
	exit 1
fi
tmp=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

# builds a tree per host of the inventory $1 under $2/HOST/sys
build_fleet() {
	sed -n 's/^\([A-Za-z0-9_.-]*\) .*fakesys_preset=\([A-Za-z0-9_-]*\).*/\1 \2/p' "$1" |
	while read -r host preset; do
		mkdir -p "$2/$host/state" "$2/$host/etc" &&
		"$build/fakesys" --preset "$preset" "$2/$host/sys" >/dev/null || return 1
	done
}

for book in "$here"/*.yml; do
	rm -rf "$tmp/sys" "$tmp/state" "$tmp/fleet"
	mkdir -p "$tmp/state/etc" "$tmp/fleet"
	want=$(grep -c 'name: "check:' "$book")
	inventory=localhost,
	if [ -f "${book%.yml}.hosts" ]; then
		inventory=${book%.yml}.hosts
		build_fleet "$inventory" "$tmp/fleet" ||
			{ fail "$(basename "$book"): fakesys"; failed=$((failed + want - 1)); continue; }
	else
		"$build/fakesys" "$top/tests/cli/host.topo" "$tmp/sys" >/dev/null ||
			{ fail "$(basename "$book"): fakesys"; failed=$((failed + want - 1)); continue; }
	fi
	ANSIBLE_COLLECTIONS_PATH=$coll \
	ANSIBLE_LOCAL_TEMP=$tmp/ansible-local ANSIBLE_REMOTE_TEMP=$tmp/ansible-remote \
	ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_DISPLAY_SKIPPED_HOSTS=0 \
	ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_LOCALHOST_WARNING=0 \
	ANSIBLE_INVENTORY_UNPARSED_WARNING=0 ANSIBLE_FORKS=3 \
		ansible-playbook -i "$inventory" "$book" \
		-e "sriovctl=$build/sriovctl sysfs=$tmp/sys state=$tmp/state fleet=$tmp/fleet" \
		>"$tmp/out" 2>&1
	rc=$?
	# a "TASK [check: ...]" passes with an "ok: [HOST]" and no failure
	# on any host
	awk 'function flush() {
			if (check && bad == "" && ok) n++
			else if (check) { print "FAIL " task; if (bad != "") print "    " bad > "/dev/stderr" }
			bad = ""; ok = 0; check = 0
		}
		/^\.\.\.ignoring/ { bad = ""; next }
		/^TASK \[/ { flush(); task = $0; check = index($0, "TASK [check:") == 1; next }
		/^PLAY / { flush(); next }
		check && /^ok: \[/ { ok = 1 }
		/^(fatal|failed): / { bad = $0 }
		END { flush(); print n + 0 }' "$tmp/out" >"$tmp/count" 2>"$tmp/why"
	grep '^FAIL' "$tmp/count"
	sed -i '/^FAIL/d' "$tmp/count"
	cut -c1-400 "$tmp/why"
	got=$(cat "$tmp/count")
	if [ "$rc" -ne 0 ] && [ "$got" -ge "$want" ]; then
		got=$((want - 1))   # the play failed outside a check
	fi
	if [ "$rc" -ne 0 ]; then
		echo "FAIL $(basename "$book"): ansible-playbook exit $rc"
		grep -E '^(fatal|failed): ' "$tmp/out" | cut -c1-400 | head -n 5
	fi
	printf '%-28s %3d passed, %d failed\n' "$(basename "$book")" "$got" $((want - got))
	passed=$((passed + got)) failed=$((failed + want - got))
done

# the documentation renders (modules and the role's argument spec); the
# shipped example playbook parses
for doc in sriov_apply sriov_facts; do
	if ANSIBLE_COLLECTIONS_PATH=$coll ansible-doc "sriovctl.sriov.$doc" 2>&1 |
		grep -q "^> SRIOVCTL.SRIOV.$(echo "$doc" | tr a-z A-Z) "; then
		pass
	else
		fail "ansible-doc sriovctl.sriov.$doc does not render"
	fi
done
if ANSIBLE_COLLECTIONS_PATH=$coll ansible-doc -t role sriovctl.sriov.sriov 2>&1 |
	grep -q '^- sriov_sysfs_root'; then
	pass
else
	fail "ansible-doc -t role sriovctl.sriov.sriov shows no options"
fi
if ANSIBLE_COLLECTIONS_PATH=$coll ansible-playbook --syntax-check -i localhost, \
	"$coll/ansible_collections/sriovctl/sriov/playbooks/example.yml" >"$tmp/syntax" 2>&1; then
	pass
else
	fail "the example playbook does not parse:"
	tail -n 5 "$tmp/syntax"
fi

echo "ansible: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
