#!/bin/sh
# The Ansible tier: Debian's ansible-playbook runs the sriovctl.sriov
# collection (contrib/ansible) against localhost on a built sysfs tree.
# Each task named "check: ..." in tests/ansible/*.yml is one test.
# Usage: tests/ansible/run.sh BUILD_DIR   (with sriovctl and fakesys)
# Prints "ansible: N passed, N failed"; exit 1 when a test failed or did
# not run, 0 otherwise.
set -u
build=${1:?usage: tests/ansible/run.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
case $build in /*) ;; *) build=$PWD/$build ;; esac
if ! command -v ansible-playbook >/dev/null 2>&1; then
	echo "FAIL ansible-playbook is not installed (apt-get install ansible-core)"
	echo "ansible: 0 passed, 1 failed"
	exit 1
fi
tmp=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
for book in "$here"/*.yml; do
	rm -rf "$tmp/sys" "$tmp/state"
	mkdir -p "$tmp/state/etc"
	"$build/fakesys" "$top/tests/cli/host.topo" "$tmp/sys" >/dev/null ||
		{ echo "FAIL $book: fakesys"; failed=$((failed + 1)); continue; }
	want=$(grep -c 'name: "check:' "$book")
	ANSIBLE_COLLECTIONS_PATH=$top/contrib/ansible \
	ANSIBLE_LOCAL_TEMP=$tmp/ansible-local ANSIBLE_REMOTE_TEMP=$tmp/ansible-remote \
	ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_DISPLAY_SKIPPED_HOSTS=0 \
	ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_LOCALHOST_WARNING=0 \
	ANSIBLE_INVENTORY_UNPARSED_WARNING=0 \
		ansible-playbook -i localhost, "$book" \
		-e "sriovctl=$build/sriovctl sysfs=$tmp/sys state=$tmp/state" \
		>"$tmp/out" 2>&1
	rc=$?
	# "TASK [check: ...]" followed by "ok: [localhost]" is a pass
	awk 'function flush() { if (bad != "") { print "FAIL " task; print "    " bad > "/dev/stderr" } bad = "" }
		/^\.\.\.ignoring/ { bad = ""; next }
		/^TASK \[/ { flush(); task = $0; check = index($0, "TASK [check:") == 1; next }
		check && /^ok: \[localhost\]/ { n++; check = 0 }
		/^fatal: / { bad = $0 }
		END { flush(); print n + 0 }' "$tmp/out" >"$tmp/count" 2>"$tmp/why"
	grep '^FAIL' "$tmp/count"
	sed -i '/^FAIL/d' "$tmp/count"
	cut -c1-400 "$tmp/why"
	got=$(cat "$tmp/count")
	if [ "$rc" -ne 0 ] && [ "$got" -ge "$want" ]; then
		got=$((want - 1))   # the play failed outside a check
	fi
	[ "$rc" -eq 0 ] || echo "FAIL $(basename "$book"): ansible-playbook exit $rc"
	printf '%-28s %3d passed, %d failed\n' "$(basename "$book")" "$got" $((want - got))
	passed=$((passed + got)) failed=$((failed + want - got))
done
# the module's documentation renders; the shipped example playbook parses
coll=$top/contrib/ansible
if ANSIBLE_COLLECTIONS_PATH=$coll ansible-doc sriovctl.sriov.sriov_apply 2>&1 |
	grep -q '^> SRIOVCTL.SRIOV.SRIOV_APPLY'; then
	passed=$((passed + 1))
else
	echo "FAIL ansible-doc sriovctl.sriov.sriov_apply does not render"
	failed=$((failed + 1))
fi
if ANSIBLE_COLLECTIONS_PATH=$coll ansible-playbook --syntax-check -i localhost, \
	"$coll/ansible_collections/sriovctl/sriov/playbooks/example.yml" >"$tmp/syntax" 2>&1; then
	passed=$((passed + 1))
else
	echo "FAIL the example playbook does not parse:"
	tail -n 5 "$tmp/syntax"
	failed=$((failed + 1))
fi
echo "ansible: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
