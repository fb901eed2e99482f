#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Keeps the man pages and the shell completions in step with sriovctl:
# objects and verbs come from "sriovctl help", global options from
# cli/main.c, exported functions from libsriov/libsriov.map. Pages must
# lint clean, completions must load and complete in real bash, zsh and
# fish, with live values from a fake sysfs tree when build/fakesys exists.
#
#   tests/check-docs.sh BUILD/sriovctl      (from the repository root)
#
# Prints one line per failed check, then "docs: N passed, N failed".
set -u

case ${1-} in
'') echo "usage: tests/check-docs.sh BUILD/sriovctl" >&2; exit 2 ;;
/*) sriovctl=$1 ;;
*) sriovctl=$PWD/$1 ;;
esac
build=$(dirname "$sriovctl")
cd "$(dirname "$0")/.." || exit 2

passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() {
	failed=$((failed + 1))
	printf 'FAIL: %s\n' "$(printf '%s' "$*" | tr -s '\n\t' '  ')"
}
note() { printf 'note: %s\n' "$*"; }
# ok DESCRIPTION-OF-EXPECTATION COMMAND...: one check.
ok() {
	what=$1
	shift
	if "$@"; then pass; else fail "$what"; fi
}
finish() {
	echo "docs: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' INT TERM
# shells started below keep their history and settings in here
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" \
	XDG_DATA_HOME="$tmp/home/.local/share" XDG_CACHE_HOME="$tmp/home/.cache"
mkdir -p "$HOME"
PATH=$build:$PATH
export PATH
unset SRIOVCTL_SYSFS_ROOT SRIOVCTL_DEV_ROOT SRIOVCTL_STATE_DIR

comp_bash=completions/sriovctl.bash
comp_zsh=completions/_sriovctl
comp_fish=completions/sriovctl.fish

# --- what the tool says it has -------------------------------------------

if ! "$sriovctl" help >"$tmp/help" 2>"$tmp/help.err"; then
	fail "\"$sriovctl help\" runs and exits 0: $(head -n1 "$tmp/help.err")"
	finish
fi
# "Objects:" lists every object; each object with verbs has a section
# "sriovctl OBJECT - summary" of "  OBJECT VERB ARGS  summary" lines.
objects=$(awk '/^Objects:/ { f = 1; next } f && /^$/ { f = 0 } f { print $1 }' \
	"$tmp/help")
awk '/^sriovctl [a-z]+ - / { obj = $2; next } /^$/ { obj = "" }
	obj != "" && $1 == obj && NF >= 2 { print obj, $2 }' \
	"$tmp/help" >"$tmp/verbs"
verbs_of() { awk -v o="$1" '$1 == o { print $2 }' "$tmp/verbs"; }
ok "\"sriovctl help\" lists objects and their verbs" \
	test -n "$objects" -a -s "$tmp/verbs"

# Each verb's argument synopsis, from the verb tables in cli/*.c:
# "OBJECT VERB ARGS..." lines, such as "pf show PF".
cat cli/*.c | awk '
	/^const struct verb [a-z]+_verbs\[\] *= *\{/ {
		obj = $4; sub(/_verbs.*/, "", obj); text = ""; next
	}
	obj != "" && /^};/ {
		while (match(text, /\{ *"[a-z-]+", *-?[0-9]+, *-?[0-9]+, *[a-z_]+, *"[^"]*"/)) {
			e = substr(text, RSTART, RLENGTH)
			text = substr(text, RSTART + RLENGTH)
			split(e, q, "\"")
			print obj, q[2], q[4]
		}
		obj = ""
	}
	obj != "" { text = text " " $0 }' >"$tmp/synopses"
args_of() { awk -v o="$1" -v v="$2" '$1 == o && $2 == v {
	$1 = ""; $2 = ""; sub(/^ +/, ""); print }' "$tmp/synopses"; }
# Literal words of a synopsis: keywords and --flags, not placeholders.
keywords_of() {
	args_of "$1" "$2" | tr '[]|' '   ' | tr ' ' '\n' |
		grep -E '^(--)?[a-z][a-z0-9-]*$' | sort -u
}
while read -r obj verb; do
	[ "$verb" = help ] && continue # every object has it, from cli_dispatch()
	ok "cli/*.c has a verb table entry for \"$obj $verb\" (as \"sriovctl help\" lists it)" \
		grep -q "^$obj $verb" "$tmp/synopses"
done <"$tmp/verbs"

# Long options from the getopt table, short ones from the option string.
long_opts=$(awk '/global_options\[\] *= *\{/ { f = 1; next } f && /^};/ { f = 0 }
	f' cli/main.c | sed -n 's/^[[:space:]]*{ *"\([a-z][a-z-]*\)".*/\1/p')
short_opts=$(sed -n 's/.*getopt_long(argc, argv, "+\{0,1\}:\{0,1\}\([A-Za-z]*\)".*/\1/p' \
	cli/main.c | sed 's/./& /g')
ok "cli/main.c has a global_options[] table and a getopt string" \
	test -n "$long_opts" -a -n "$short_opts"

# The roff spelling of a word: "-" is "\-".
roff() { printf '%s' "$1" | sed 's/-/\\-/g'; }
# has_line FILE ERE: some line of FILE matches.
# shellcheck disable=SC2317 # called through ok
has_line() { grep -Eq -- "$2" "$1" 2>/dev/null; }
# has_word_line FILE ERE: some line of FILE, with "\-" read as "-", matches.
# shellcheck disable=SC2317 # called through ok
has_word_line() { sed 's/\\-/-/g' "$1" 2>/dev/null | grep -Eq -- "$2"; }
# An awk program: does a .TP entry's tag line (.B, .BR, .BI) hold the
# word in $o?
# shellcheck disable=SC2016 # awk, not shell
tp_entry='tp && /^\.B[IR]? / && (index($0 " ", o " ") || index($0, o "\"")) {
		found = 1
	}
	{ tp = ($0 == ".TP") }
	BEGIN { o = ENVIRON["o"] }
	END { exit !found }'

for opt in $long_opts; do
	ok "\"sriovctl help\" describes --$opt" grep -q -- "--$opt" "$tmp/help"
	ok "man/sriovctl.8 has an entry for --$opt (.TP, then .B[IR] with \\-\\-$(roff "$opt"))" \
		env o="\\-\\-$(roff "$opt")" awk "$tp_entry" man/sriovctl.8
	ok "$comp_bash completes --$opt" grep -qF -- "--$opt" "$comp_bash"
	ok "$comp_zsh completes --$opt" grep -qF -- "--$opt" "$comp_zsh"
	ok "$comp_fish completes --$opt (complete ... -l $opt)" \
		has_line "$comp_fish" "-l $opt( |\$)"
done
for opt in $short_opts; do
	ok "man/sriovctl.8 documents -$opt" grep -qF -- ".BR \\-$opt \", \"" \
		man/sriovctl.8
done

# --- man pages -------------------------------------------------------------

for obj in $objects; do
	[ "$obj" = help ] && continue
	page=man/sriovctl-$obj.8
	ok "man page $page for object \"$obj\"" test -f "$page"
	ok "man/sriovctl.8 lists object \"$obj\" under OBJECTS" \
		has_line man/sriovctl.8 "^\\.B $obj\$"
	ok "man/sriovctl.8 refers to sriovctl-$obj(8)" \
		has_line man/sriovctl.8 "^\\.BR (\\\\%)?sriovctl\\\\-$obj \\(8\\)"
	[ -f "$page" ] || continue
	upper=$(printf '%s' "$obj" | tr '[:lower:]' '[:upper:]')
	ok "$page has the title SRIOVCTL-$upper (.TH SRIOVCTL\\-$upper 8)" \
		has_line "$page" "^\\.TH SRIOVCTL\\\\-$upper 8 "
	for verb in $(verbs_of "$obj"); do
		ok "$page shows \"$obj $verb\" in its SYNOPSIS" \
			has_word_line "$page" "^\\.B .*\\<$obj $verb\\>"
		# shellcheck disable=SC2016 # an awk program
		ok "$page describes verb \"$verb\" (a .TP entry starting .B $verb)" \
			awk -v v="$verb" 'tp && $1 ~ /^\.B[IR]?$/ {
					w = $2; gsub(/"/, "", w); gsub(/\\-/, "-", w)
					if (w == v) found = 1
				}
				{ tp = ($0 == ".TP") }
				END { exit !found }' "$page"
		for kw in $(keywords_of "$obj" "$verb"); do
			ok "$page mentions \"$kw\" of \"$obj $verb $(args_of "$obj" "$verb")\"" \
				grep -qF -- "$(roff "$kw")" "$page"
		done
	done
done
for page in man/*.[1-9]; do
	out=$(mandoc -Tlint -W warning "$page" 2>&1)
	ok "mandoc -Tlint -W warning $page is clean: $out" test -z "$out"
	if command -v man >/dev/null 2>&1; then
		out=$(MANWIDTH=80 man -l "$page" 2>&1 >/dev/null)
		ok "man -l $page renders without warnings: $out" test -z "$out"
	fi
	# every sriovctl/libsriov page it refers to exists
	sed -n 's/^\.BR \(\\%\)\{0,1\}\(sriovctl[a-z\\-]*\|libsriov\) (\([0-9]\)).*/\2.\3/p' \
		"$page" | sed 's/\\-/-/g' | sort -u >"$tmp/refs"
	while read -r ref; do
		ok "$page refers to ${ref%.*}(${ref##*.}): expected man/$ref to exist" \
			test -f "man/$ref"
	done <"$tmp/refs"
done

# The JSON examples of the pages against "sriovctl help --schema" of their
# command, and the examples marked as output of the demo host against
# sriovctl on that host (tests/json-schema.py); one check each.
if ! /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	fail "python3-jsonschema is installed (make deps): the JSON examples are not checked"
elif [ ! -x "$build/fakesys" ]; then
	fail "$build/fakesys exists: the examples are not checked"
else
	/usr/bin/python3 tests/json-schema.py man "$sriovctl" "$build/fakesys" \
		man/sriovctl*.8 >"$tmp/examples" 2>"$tmp/examples.err" ||
		echo "FAIL tests/json-schema.py: $(tail -n1 "$tmp/examples.err")" >>"$tmp/examples"
	while IFS= read -r line; do
		case $line in
		"ok "*) pass ;;
		"FAIL "*) fail "${line#FAIL }" ;;
		*) fail "$line" ;;
		esac
	done <"$tmp/examples"
	ok "the pages show JSON examples of at least 10 commands" \
		test "$(grep -c '^ok .*schema' "$tmp/examples")" -ge 10
fi

# Section 3: every exported function has a prototype and an entry in a
# page: libsriov(3) for those of <sriov/sriov.h>, any page for the others.
# Then the libsriov(3) example must build.
exports=$(awk '/global:/ { f = 1; next } /local:/ { f = 0 }
	f { gsub(/[;[:space:]]/, ""); if ($0 != "") print }' libsriov/libsriov.map)
for fn in $exports; do
	header=$(grep -lE "(^|[ *])$fn\\(" libsriov/include/sriov/*.h | head -n1)
	case $header in
	'' | */sriov.h) pages=man/libsriov.3 where="man/libsriov.3" ;;
	*) pages=$(echo man/*.3) where="a man/*.3 page (it is in ${header#libsriov/include/})" ;;
	esac
	# shellcheck disable=SC2086 # a list of pages
	ok "$where has $fn() in its SYNOPSIS" \
		grep -Eq "[ *\"]$fn\\(" $pages
	# shellcheck disable=SC2086 # a list of pages
	ok "$where describes $fn() (.BR $fn ())" \
		grep -Eq "^\\.BR .*$fn (\\(\\)|\"\\(\\))" $pages
done
awk '/^\.SH EXAMPLES/ { f = 1 } f && /^\.EX/ { n++; next } f && /^\.EE/ { exit }
	f && n == 1' man/libsriov.3 |
	sed -e 's/^\\&//' -e 's/\\e/\\/g' -e 's/\\-/-/g' >"$tmp/example.c"
if ! command -v cc >/dev/null 2>&1; then
	note "no cc: the libsriov(3) example is not compiled"
elif [ ! -e "$build/libsriov.so" ]; then
	note "no $build/libsriov.so: the libsriov(3) example is not compiled"
else
	ok "the libsriov(3) example compiles and links: $(
		cc -std=c99 -Wall -Wextra -pedantic -Werror -Ilibsriov/include \
			-o "$tmp/example" "$tmp/example.c" -L"$build" -lsriov \
			-Wl,-rpath,"$build" 2>&1 | head -n3)" test -x "$tmp/example"
fi

# --- completions: they load --------------------------------------------------

for f in "$comp_bash" "$comp_zsh" "$comp_fish"; do
	ok "completion file $f exists" test -f "$f"
done
for obj in $objects; do
	for f in "$comp_bash" "$comp_zsh" "$comp_fish"; do
		ok "$f names object \"$obj\"" grep -qw -- "$obj" "$f"
	done
	for verb in $(verbs_of "$obj"); do
		for f in "$comp_bash" "$comp_zsh" "$comp_fish"; do
			ok "$f names verb \"$obj $verb\"" grep -qw -- "$verb" "$f"
			for kw in $(keywords_of "$obj" "$verb"); do
				ok "$f offers \"$kw\" of \"$obj $verb $(args_of "$obj" "$verb")\"" \
					grep -qF -- "$kw" "$f"
			done
		done
	done
done

have() { command -v "$1" >/dev/null 2>&1; }
for sh in bash zsh fish; do
	ok "$sh is installed (make deps)" have "$sh"
done

if have bash; then
	out=$(bash --norc --noprofile -c '. "$1" && complete -p sriovctl' _ \
		"$comp_bash" 2>&1)
	ok "bash loads $comp_bash and registers sriovctl: $out" \
		test "${out#complete -F }" != "$out"
fi
if have shellcheck; then
	out=$(shellcheck -s bash "$comp_bash" 2>&1 | head -n5)
	ok "shellcheck $comp_bash is clean: $out" test -z "$out"
fi
if have zsh; then
	out=$(zsh -f -c 'autoload -U compinit && compinit -u -D &&
		source "$1" && (( $+functions[_sriovctl] )) && print loaded' \
		_ "$comp_zsh" 2>&1)
	ok "zsh loads $comp_zsh after compinit and defines _sriovctl: $out" \
		test "$out" = loaded
fi
if have fish; then
	# shellcheck disable=SC2016 # fish code
	out=$(fish --no-config -c 'source $argv[1]; and complete -c sriovctl |
		count' "$comp_fish" 2>&1)
	ok "fish loads $comp_fish and registers completions: $out" \
		test "${out:-0}" -gt 0 2>/dev/null
fi

# --- completions: they complete -----------------------------------------------

# A sysfs root to complete against: a fake host when fakesys exists.
root=$tmp/sys
live=
if [ -x "$build/fakesys" ]; then
	if "$build/fakesys" --preset demo "$root" >"$tmp/fakesys.out" 2>&1; then
		live=1
	else
		fail "build/fakesys --preset demo builds a tree: $(tail -n1 "$tmp/fakesys.out")"
	fi
else
	note "no $build/fakesys: completion of PF names, VF specifications and IOMMU groups is not checked"
fi
[ -n "$live" ] || mkdir -p "$root"

# Values the completions should offer, from the tool itself.
first_value() { # KEY: the first string or number value of KEY in stdin
	sed -n "s/^[^{]*{\"$1\":\"\{0,1\}\([^\",]*\).*/\1/p;
		s/.*[{,]\"$1\":\"\{0,1\}\([^\",]*\).*/\1/p" | head -n1
}
pf_addr='' vf_spec='' vf_pf='' group='' vf_name='' vf_last='' vf_typed=''
if [ -n "$live" ]; then
	pf_addr=$("$sriovctl" --sysfs-root "$root" -j pf list | sed 's/},{/}\n{/g' |
		first_value pci)
	vf_line=$("$sriovctl" --sysfs-root "$root" -j vf list | sed 's/},{/}\n{/g' |
		head -n1)
	vf_pf=$(printf '%s\n' "$vf_line" | first_value pf)
	vf_spec=$vf_pf\#$(printf '%s\n' "$vf_line" | first_value vf)
	group=$("$sriovctl" --sysfs-root "$root" -j iommu list | sed 's/},{/}\n{/g' |
		first_value group)
	ok "the fake tree has a PF, a VF and an IOMMU group (got \"$pf_addr\", \"$vf_spec\", \"$group\")" \
		test -n "$pf_addr" -a -n "$vf_pf" -a -n "$group"
	# the same PF by its network device name, and its last VF
	vf_name=$("$sriovctl" --sysfs-root "$root" -j pf list | sed 's/},{/}\n{/g' |
		grep -F "\"pci\":\"$vf_pf\"" | first_value netdev)
	[ "$vf_name" = null ] && vf_name=
	vf_last=$("$sriovctl" --sysfs-root "$root" -j vf list "$vf_pf" |
		sed 's/},{/}\n{/g' | sed -n 's/.*"vf":\([0-9]*\).*/\1/p' | tail -n1)
	ok "the fake tree's PF $vf_pf has a network device name and VFs (got \"$vf_name\", last VF \"$vf_last\")" \
		test -n "$vf_name" -a -n "$vf_last"
	# typed as far as it names that PF alone
	vf_typed=${vf_name%?}
	[ "$("$sriovctl" --sysfs-root "$root" -j pf list |
		grep -o "\"${vf_typed}[^\"]*\"" | sort -u | wc -l)" -eq 1 ] ||
		vf_typed=$vf_name
fi

# The questions: "LINE<TAB>EXPECTED WORD..."; the expected words must all
# be among the completions of LINE (the text before the cursor), and those
# written !WORD must not be. Every shell answers every question.
r="--sysfs-root $root"
{
	printf 'sriovctl \t%s\n' "$(printf '%s' "$objects" | tr '\n' ' ')"
	printf 'sriovctl --\t%s\n' "$(for o in $long_opts; do printf -- '--%s ' "$o"; done)"
	printf 'sriovctl %s pf sh\tshow\n' "$r"
	for obj in $objects; do
		v=$(verbs_of "$obj")
		[ -n "$v" ] && printf 'sriovctl %s \t%s\n' "$obj" \
			"$(printf '%s' "$v" | tr '\n' ' ')"
	done
	# the first argument of each verb, as its synopsis names it
	while read -r obj verb first _; do
		[ -n "$live" ] || break
		case $first in
		PF | '[PF]') want=$pf_addr ;;
		VFSPEC) want=$vf_spec ;;
		GROUP*) want=$group ;;
		*) continue ;;
		esac
		printf 'sriovctl %s %s %s \t%s\n' "$r" "$obj" "$verb" "$want"
	done <"$tmp/synopses"
	if [ -n "$live" ]; then
		printf 'sriovctl %s vf show %s#\t%s\n' "$r" "$vf_pf" "$vf_spec"
		# a PCI address being typed
		printf 'sriovctl %s pf show %s\t%s\n' "$r" \
			"$(printf '%s' "$pf_addr" | cut -c1-8)" "$pf_addr"
	fi
	# global options after the object and the verb, as sriovctl takes them
	printf 'sriovctl vf -j \t%s !-j\n' "$(verbs_of vf | tr '\n' ' ')"
	printf 'sriovctl pf --sysfs-root %s/none \t%s\n' "$tmp" \
		"$(verbs_of pf | tr '\n' ' ')"
	printf 'sriovctl vf set PF#0 -j \tmac vlan trust !list\n'
	printf 'sriovctl vf set -p PF#0 mac 02:00:00:00:00:01 --quiet \tvlan !mac\n'
	printf 'sriovctl vf set PF#0 spoofchk -n \ton off !mac\n'
	printf 'sriovctl pf list --\t--json --sysfs-root --help\n'
	printf 'sriovctl vfio bind PF#0 --\t--owner --timeout --json\n'
	if [ -n "$live" ]; then
		printf 'sriovctl vf --sysfs-root %s set \t%s !list\n' "$root" "$vf_spec"
		printf 'sriovctl vf set -j --sysfs-root=%s \t%s\n' "$root" "$vf_spec"
		printf 'sriovctl -j pf show --sysfs-root %s -p \t%s\n' "$root" "$pf_addr"
		printf 'sriovctl iommu -q show --sysfs-root %s \t%s\n' "$root" "$group"
		# the last --sysfs-root counts
		printf 'sriovctl --sysfs-root %s/none vfio bind --sysfs-root %s \t%s\n' \
			"$tmp" "$root" "$vf_spec"
	fi
	if [ -n "$vf_name" ]; then
		# a PF by name in a VF specification: its PF#N forms in sight,
		# the VF numbers after "#", and after "," or "-" of a list
		n=$vf_name
		printf 'sriovctl %s vf set %s\t%s %s#0 %s#%s\n' "$r" "$vf_typed" \
			"$n" "$n" "$n" "$vf_last"
		printf 'sriovctl %s vf set %s#\t%s#0 %s#%s\n' "$r" "$n" "$n" "$n" "$vf_last"
		printf 'sriovctl %s vf show %s#0,\t%s#0,%s\n' "$r" "$n" "$n" "$vf_last"
		printf 'sriovctl %s vfio bind %s#0-\t%s#0-%s !%s#0-0\n' "$r" "$n" \
			"$n" "$vf_last" "$n"
	fi
} >"$tmp/questions"

# Lines among the questions whose completions must not offer a word twice:
# live values, an IOMMU group's members listed once though named again as
# its blockers.
if [ -n "$live" ]; then
	for q in 'pf show' 'vf show' 'iommu show' 'vfio bind'; do
		printf 'sriovctl %s %s \n' "$r" "$q"
	done
fi >"$tmp/unique"

# Keys typed into each shell on a terminal ("<TAB>" is the Tab key), and
# the command line they must leave, to the last blank: "KEYS<TAB>LINE".
{
	printf 'sriovctl %s pf sh<TAB>\tsriovctl %s pf show \n' "$r" "$r"
	# a PF name where a VF specification goes: no blank after it, "#" may
	# follow
	if [ -n "$vf_name" ]; then
		for q in 'vf set' 'vfio bind'; do
			printf 'sriovctl %s %s %s<TAB>#\tsriovctl %s %s %s#\n' \
				"$r" "$q" "$vf_typed" "$r" "$q" "$vf_name"
		done
		printf 'sriovctl %s vf show %s<TAB>#\tsriovctl %s vf show %s#\n' \
			"$r" "$vf_pf" "$r" "$vf_pf"
		printf 'sriovctl vf -q --sysfs-root %s set %s<TAB>#\tsriovctl vf -q --sysfs-root %s set %s#\n' \
			"$root" "$vf_typed" "$root" "$vf_name"
	fi
	# a directory for a global option, before the object and after the verb
	printf 'sriovctl --sysfs-root complet<TAB>\tsriovctl --sysfs-root completions/\n'
	printf 'sriovctl vf set --sysfs-root complet<TAB>\tsriovctl vf set --sysfs-root completions/\n'
	printf 'sriovctl pf show -j --sysfs-root=complet<TAB>\tsriovctl pf show -j --sysfs-root=completions/\n'
} >"$tmp/typed"

# bash: the completion function registered for sriovctl, given the
# variables bash sets. Prints "=== LINE" and then COMPREPLY, a word a line.
# bash replaces only the text after the last ':' of the word, so replies
# are compared after that too.
cat >"$tmp/bash-complete" <<'EOF'
. "$1" || exit 1
func=$(complete -p sriovctl | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
while IFS='	' read -r line expect; do
	echo "=== $line"
	read -ra COMP_WORDS <<<"$line"
	[[ $line == *' ' ]] && COMP_WORDS+=('')
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	if [[ $2 == line ]]; then
		COMP_LINE=$line COMP_POINT=${#line}
	else
		unset COMP_LINE COMP_POINT
	fi
	COMPREPLY=()
	"$func" sriovctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}"
done
EOF

# zsh: types each line into an interactive zsh on a pseudo-terminal and
# lists the choices (^D), the way a user would see them; prints the
# listing only, not the line typed. Each line is typed only once the
# prompt is back: zsh drops what is typed before.
cat >"$tmp/zsh-complete" <<'EOF'
zmodload zsh/zpty || exit 1
setopt extendedglob
zpty -b z zsh -f -i
zpty -w z "PS1='READY> '; LISTMAX=100000; COLUMNS=1000; fpath=(${(q)1:h} \$fpath);" \
	"autoload -U compinit; compinit -u -D; zstyle ':completion:*' list-separator '--';" \
	"bindkey '^D' list-choices; print SETUP-\$((40+2))"
zpty -r z out '*SETUP-42*' && zpty -r z out '*READY> *' || exit 1
while IFS=$'\t' read -r line expect; do
	print -r -- "=== $line"
	zpty -w -n z "$line"$'\C-d\C-e\C-u'
	zpty -w z "print DONE-\$((40+2))"
	zpty -r z out '*DONE-42*' || exit 1
	# the listing starts on the next line, after a "clear to the end of
	# the screen", and ends where the cursor moves back up to the line
	out=${out//$'\r'/}
	if [[ $out == *$'\n\e[J'* ]]; then
		out=${out#*$'\n\e[J'}
		print -r -- ${out%%$'\e['[0-9]#A*}
	fi
	zpty -r z out '*READY> *' || exit 1
done
zpty -d z
EOF

# SHELL FILE: types the keys of each "KEYS<TAB>LINE" into an interactive
# SHELL that loaded the completion FILE, and prints "=== KEYS" and then
# "BUF<LINE>" with the command line the keys left, read by a key binding.
cat >"$tmp/typed-drive" <<'EOF'
zmodload zsh/zpty || exit 1
case $1 in
bash)
	zpty -b z bash --norc --noprofile -i
	zpty -w z "PS1='READY> '; bind 'set bell-style none'; . ${(q)2};" \
		"bind -x '\"\\C-x\\C-b\": printf \"BUF<%s>END\\n\" \"\$READLINE_LINE\"';" \
		"echo SETUP-\$((40+2))"
	done='echo DONE-$((40+2))' ;;
zsh)
	zpty -b z zsh -f -i
	zpty -w z "PS1='READY> '; LISTMAX=100000; fpath=(${(q)2:h} \$fpath);" \
		"autoload -U compinit; compinit -u -D;" \
		"buf() { zle -I; print -r -- \"BUF<\$BUFFER>END\"; }; zle -N buf;" \
		"bindkey '^X^B' buf; print SETUP-\$((40+2))"
	done='print DONE-$((40+2))' ;;
fish)
	zpty -b z fish --no-config -i
	zpty -w z "function fish_prompt; echo 'READY> '; end; source ${(q)2};" \
		"bind \\cx\\cb 'echo BUF\\<(commandline)\\>END'; echo SETUP-(math 40 + 2)"
	done='echo DONE-(math 40 + 2)' ;;
esac
zpty -r z out '*SETUP-42*' && zpty -r z out '*READY> *' || exit 1
tab=$'\t'
while IFS=$'\t' read -r keys line; do
	print -r -- "=== $keys"
	zpty -w -n z "${keys//'<TAB>'/$tab}"$'\C-x\C-b'
	zpty -r z out '*BUF<*>END*' || exit 1
	out=${out//$'\r'/}
	out=${out##*BUF<}
	print -r -- "BUF<${out%%>END*}>"
	zpty -w -n z $'\C-e\C-u'
	zpty -w z "$done"
	zpty -r z out '*DONE-42*' || exit 1
	zpty -r z out '*READY> *' || exit 1
done
zpty -d z
EOF

# fish: "complete -C" for each line.
cat >"$tmp/fish-complete" <<'EOF'
source $argv[1]; or exit 1
while read -l line
	set -l parts (string split \t -- $line)
	echo "=== $parts[1]"
	complete -C"$parts[1]" | string replace -r '\t.*' ''
end
EOF

# answer_of FILE LINE: the answers to LINE in FILE, a word a line.
answer_of() {
	# zsh: terminal controls part words, and it shows # quoted
	sed 's/\x1b\[[0-9;?]*[a-zA-Z]/ /g; s/\r//g; s/\\#/#/g' "$1" |
		awk -v l="=== $2" '$0 == l { f = 1; next } /^=== / { f = 0 }
			f { for (i = 1; i <= NF; i++) print $i }'
}

# check_answers SHELL FILE: every expected word among each line's answers,
# no word written !WORD, and no word twice for the lines of "unique".
check_answers() {
	while IFS='	' read -r line expect; do
		answer_of "$2" "$line" >"$tmp/answer"
		got=$(tr '\n' ' ' <"$tmp/answer" | cut -c1-200)
		for word in $expect; do
			not=${word%%[!!]*}
			word=${word#!}
			if [ "${1%% *}" = bash ]; then
				# bash replaces the text after the last ':' only
				cur=${line##* }
				case $cur in *:*) word=${word#"${cur%:*}:"} ;; esac
			fi
			if [ -z "$not" ]; then
				ok "$1 completes \"$line\" with \"$word\"; got: $got" \
					grep -qxF -- "$word" "$tmp/answer"
			else
				ok "$1 does not offer \"$word\" for \"$line\"; got: $got" \
					test -z "$(grep -xF -- "$word" "$tmp/answer")"
			fi
		done
		if grep -qxF -- "$line" "$tmp/unique"; then
			twice=$(sort "$tmp/answer" | uniq -d | tr '\n' ' ')
			ok "$1 offers each word once for \"$line\"; twice: $twice" \
				test -z "$twice"
		fi
	done <"$tmp/questions"
}

# check_typed SHELL FILE: the line each "KEYS<TAB>LINE" left in FILE.
check_typed() {
	while IFS='	' read -r keys want; do
		got=$(awk -v k="=== $keys" '$0 == k { f = 1; next } f { print; exit }' "$2")
		ok "$1: typing \"$keys\" leaves \"$want\"; got \"${got#BUF}\"" \
			test "$got" = "BUF<$want>"
	done <"$tmp/typed"
}

if have bash; then
	bash --norc --noprofile "$tmp/bash-complete" "$comp_bash" words \
		<"$tmp/questions" >"$tmp/bash.words" 2>&1
	check_answers "bash (COMP_WORDS)" "$tmp/bash.words"
	bash --norc --noprofile "$tmp/bash-complete" "$comp_bash" line \
		<"$tmp/questions" >"$tmp/bash.line" 2>&1
	check_answers "bash (COMP_LINE)" "$tmp/bash.line"
fi
if have zsh; then
	if TERM=xterm timeout 120 zsh -f "$tmp/zsh-complete" "$PWD/$comp_zsh" \
		<"$tmp/questions" >"$tmp/zsh.out" 2>&1; then
		check_answers zsh "$tmp/zsh.out"
	else
		fail "zsh completes on a pseudo-terminal: $(tail -n2 "$tmp/zsh.out")"
	fi
fi
if have fish; then
	fish --no-config "$tmp/fish-complete" "$comp_fish" <"$tmp/questions" \
		>"$tmp/fish.out" 2>&1
	check_answers fish "$tmp/fish.out"
fi
# what the Tab key leaves on the command line, in each shell on a terminal
for sh in bash zsh fish; do
	have "$sh" || continue
	if ! have zsh; then
		note "no zsh: what the Tab key inserts is not checked"
		break
	fi
	case $sh in
	bash) comp=$comp_bash ;;
	zsh) comp=$comp_zsh ;;
	*) comp=$comp_fish ;;
	esac
	if TERM=xterm timeout 120 zsh -f "$tmp/typed-drive" "$sh" "$PWD/$comp" \
		<"$tmp/typed" >"$tmp/$sh.typed" 2>&1; then
		check_typed "$sh on a terminal" "$tmp/$sh.typed"
	else
		fail "$sh completes on a pseudo-terminal: $(tail -n2 "$tmp/$sh.typed")"
	fi
done

if [ -n "$live" ] && [ -x "$tmp/example" ]; then
	out=$(SRIOVCTL_SYSFS_ROOT=$root "$tmp/example" 2>&1)
	case $out in
	*"$pf_addr"*) pass ;;
	*) fail "the libsriov(3) example lists $pf_addr on the fake tree; got: $(echo "$out" | head -n2)" ;;
	esac
fi

finish
