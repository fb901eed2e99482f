#!/bin/sh
# The Ansible tier: the sriovctl.sriov collection (contrib/ansible) with
# Debian's ansible-core, ansible-lint and ansible-test.
#
# 1. Playbooks: each tests/ansible/NAME.yml runs against localhost on a
#    built sysfs tree (tests/cli/host.topo), or, when NAME.hosts exists,
#    against that inventory: every host in it names a fakesys preset
#    (fakesys_preset=...), and run.sh builds one tree per host under the
#    directory passed as the variable fleet. Each task named "check: ..."
#    is one test; it passes when it was ok on every host.
# 2. ansible-doc renders both modules and the role's argument spec; the
#    example playbook parses.
# 3. ansible-lint (production profile) on the collection.
# 4. ansible-test sanity, each test on its own, one test each; see below.
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
		grep -q "^> SRIOVCTL.SRIOV.$(echo "$doc" | tr '[:lower:]' '[:upper:]') "; then
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

# ansible-lint and ansible-test write into the tree they check (caches,
# tests/output): both work on a copy, in the layout ansible-test needs
# (.../ansible_collections/NAMESPACE/NAME), with a HOME of their own.
copy=$tmp/lint/ansible_collections/sriovctl/sriov
mkdir -p "$copy" "$tmp/home"
(cd "$coll/ansible_collections/sriovctl/sriov" &&
	tar -c --exclude=tests/output --exclude=__pycache__ .) | tar -x -C "$copy"

# ansible-lint: --offline installs nothing; ansible-compat 2.2 takes the
# parent of ANSIBLE_COLLECTIONS_PATH as the collections root on
# ansible-core < 2.15, hence .../ansible_collections.
if ! command -v ansible-lint >/dev/null 2>&1; then
	fail "ansible-lint is not installed (make deps)"
elif (cd "$copy" && HOME=$tmp/home ANSIBLE_COLLECTIONS_PATH=$tmp/lint/ansible_collections \
	ansible-lint --offline --nocolor) >"$tmp/lint.out" 2>&1; then
	pass
else
	fail "ansible-lint:"
	grep -v '^$' "$tmp/lint.out" | head -n 30
fi

# ansible-test sanity, run on the controller (--local) with Debian's
# python3, each test alone so that each is a test of this tier.
#
# Tests with Python requirements (ansible-doc, import, pep8, pylint,
# runtime-metadata, validate-modules, yamllint) run in a virtual
# environment that ansible-test fills with pip from PyPI, which is out of
# reach here. So when ansible-test stops on a virtual environment it
# could not fill, run.sh makes that environment from Debian's packages
# (make deps: python3-yaml, python3-jinja2, python3-voluptuous,
# python3-pycodestyle, pylint, yamllint), marks it ready as ansible-test
# does and runs the test again. The import test keeps its isolation: its
# environments see only PyYAML (and Jinja2 and MarkupSafe for plugins),
# not the rest of the system. Debian's versions differ slightly from
# ansible-test's pins (pylint 2.16 for 2.15, pycodestyle 2.10 for 2.9,
# yamllint 1.29 for 1.28, voluptuous 0.12 for 0.13).
#
# Every test that ansible-test 2.14 lists for a collection runs. Some
# pass with nothing to check because the collection has no files of
# their kind: action-plugin-docs (no action plugins), changelog (no
# changelogs/ directory: the changelog is CHANGELOG.md, since the test
# would need antsibull-changelog, which Debian does not ship), pslint (no
# PowerShell; it would need pwsh and PSScriptAnalyzer, which Debian does
# not ship) and shellcheck (no shell scripts). What cannot run here:
# ansible-test sanity --docker and --venv (a container image or PyPI),
# and the Python versions other than Debian's.
seed_venv() {
	v=$1 py=$2
	label=$(basename "$(dirname "$(dirname "$v")")")
	rm -rf "$v"
	case $label in
	sanity.import*)
		"$py" -m venv --without-pip "$v" || return 1
		site=$("$v/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
		mods="yaml _yaml"
		[ "$label" = sanity.import.plugin ] && mods="$mods jinja2 markupsafe"
		for m in $mods; do
			src=$("$py" -c "import os, $m; print(os.path.dirname($m.__file__))") || return 1
			ln -s "$src" "$site/$m"
		done ;;
	*)
		"$py" -m venv --without-pip --system-site-packages "$v" || return 1 ;;
	esac
	"$v/bin/python" -c 'import yaml; print(str(yaml.__with_libyaml__).lower())' \
		>"$v/meta.yaml.json" 2>/dev/null || echo null >"$v/meta.yaml.json"
	echo '[]' >"$v/meta.install.json"
	touch "$v/marker.txt"
}
sanity() {
	for _ in 1 2 3 4; do   # a test may need several environments
		(cd "$copy" && HOME=$tmp/home timeout 600 ansible-test sanity --local \
			--python "$pyver" --python-interpreter "$py" --color no --test "$1") \
			>"$tmp/sanity.out" 2>&1
		rc=$?
		venv=$(sed -n 's/^FATAL: Python [0-9.]* at "\(.*\)\/bin\/python" does not have pip available\.$/\1/p' "$tmp/sanity.out")
		[ -n "$venv" ] || return $rc
		seed_venv "$venv" "$py" || return 1
	done
	return 1
}
py=/usr/bin/python3
if ! command -v ansible-test >/dev/null 2>&1; then
	fail "ansible-test is not installed (make deps)"
else
	pyver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
	tests=$(cd "$copy" && HOME=$tmp/home ansible-test sanity --list-tests 2>/dev/null)
	[ -n "$tests" ] || fail "ansible-test sanity --list-tests lists nothing"
	n=0 total=0
	for t in $tests; do
		total=$((total + 1))
		if sanity "$t"; then
			pass; n=$((n + 1))
		else
			fail "ansible-test sanity --test $t:"
			grep -E '^(ERROR|FATAL)' "$tmp/sanity.out" | cut -c1-300 | head -n 20
		fi
	done
	echo "ansible-test sanity: $n of $total tests passed"
fi
echo "ansible: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
