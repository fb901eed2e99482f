# bash completion for sriovctl(8)                          -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Objects and verbs are listed here (tests/check-docs.sh keeps them in step
# with "sriovctl help"); PF names, VF specifications and IOMMU groups come
# live from "sriovctl -j ... list", parsed with awk so that no JSON tool is
# needed. Global options may stand after the object and verb too, until a
# "--", as sriovctl takes them; the last --sysfs-root typed on the line is
# passed on to those calls.

_sriovctl_objects=(pf vf iommu vfio qemu claim rate doctor recover apply restore help)
# Objects without verbs: their arguments follow the object directly.
_sriovctl_verbless=' doctor recover apply restore '
_sriovctl_options=(--json --pretty --dry-run --force --quiet --verbose
	--version --help --sysfs-root --dev-root --state-dir)

# Verbs of an object, "help" included.
_sriovctl_verbs()
{
	case $1 in
	pf) echo list show set disable help ;;
	vf) echo list show set help ;;
	iommu) echo list show help ;;
	vfio) echo bind release check vf-token help ;;
	qemu) echo args help ;;
	claim) echo add list show release gc help ;;
	rate) echo list set add del help ;;
	esac
}

# Options of the verbs that take options anywhere among their arguments:
# "VALUED..." that take a value in the next word, then "-- FLAGS...".
_sriovctl_opts()
{
	case $1 in
	'vfio bind') echo --owner --driver --timeout -- ;;
	'vfio release') echo --timeout -- --keep-settings --reset ;;
	'vfio check') echo --user --memory --vf-token -- --viommu --no-reset ;;
	'qemu args') echo --claim --id-prefix --chassis-base --bus --rombar --qemu --qemu-version --format --vf-token --user --memory -- \
		--root-ports --iommufd --no-check ;;
	'claim add') echo --count --pf --numa --device --driver --owner --holder-pid --timeout -- \
		--spread ;;
	'claim release') echo --timeout -- --keep-settings --reset ;;
	'claim gc') echo --timeout -- --all --keep-settings --reset ;;
	'doctor ') echo --memory -- ;;
	'apply ') echo --pf --timeout -- --check --diff --recover --schema ;;
	'restore ') echo -- --check --diff ;;
	esac
}

# The values of such an option: words, @pf, @user or @owner.
_sriovctl_opt_values()
{
	case $1 in
	--pf) echo @pf ;;
	--claim) echo @claim ;;
	--owner) echo @owner ;;
	--user) echo @user ;;
	--rombar) printf '%s\n' 0 1 ;;
	--format) printf '%s\n' shell args json libvirt ;;
	--driver) printf '%s\n' vfio-pci host ;;
	esac
}

# What may follow "OBJECT VERB ARGS...": words, one a line, or @pf (PF
# names), @vfspec or @iommu (live values), @user, @owner (USER[:GROUP]),
# @file (desired-state files and directories) or @opts (global options may
# stand here: not where a value goes).
# Settings come in "key value" pairs; flags such as --stats may stand
# anywhere. VERB is empty for an object without verbs. ARGS are without
# the global options.
_sriovctl_next()
{
	local obj=$1 verb=$2 w key used=' '
	shift 2
	# VFSPEC... with options anywhere (vfio, qemu), or only options
	if [[ -n $(_sriovctl_opts "$obj $verb") ]]; then
		_sriovctl_next_opts "$obj" "$verb" "$@"
		return
	fi
	local -a args=()
	for w in "$@"; do
		if [[ $w == --stats ]]; then used+='--stats '; else args+=("$w"); fi
	done
	local n=${#args[@]} prev=''
	((n > 0)) && prev=${args[n - 1]}
	case "$obj $verb" in
	'pf show') ((n == 0)) && echo @pf ;;
	'iommu show') ((n == 0)) && echo @iommu ;;
	'claim show') ((n == 0)) && echo @claim ;;
	'vfio vf-token') ((n == 0)) && echo @pf ;; # then a UUID
	'vf list' | 'vf show')
		if ((n == 0)); then
			case $verb in list) echo @pf ;; show) echo @vfspec ;; esac
		fi
		((n <= 1)) && [[ $used != *' --stats '* ]] && echo --stats
		;;
	'pf set' | 'pf disable' | 'vf set')
		if ((n == 0)); then
			case $obj in pf) echo @pf ;; vf) echo @vfspec ;; esac
			echo @opts
			return
		fi
		if ((n % 2 == 0)); then
			case $prev in
			autoprobe | spoofchk | trust | query-rss) printf '%s\n' on off ;;
			state) printf '%s\n' auto enable disable active inactive ;;
			proto) printf '%s\n' 802.1Q 802.1ad ;;
			eswitch) printf '%s\n' legacy switchdev ;;
			esac
			return
		fi
		for ((w = 1; w < n; w += 2)); do used+="${args[w]} "; done
		case "$obj $verb" in
		pf\ set) set -- num-vfs autoprobe mtu eswitch --timeout ;;
		pf\ disable) set -- --timeout ;;
		vf\ set) set -- mac vlan min-tx-rate max-tx-rate spoofchk trust mtu \
			state query-rss node-guid port-guid hw-addr ;;
		esac
		# qos and proto belong to the vlan just before them
		for ((w = n - 2; w >= 1; w -= 2)); do
			key=${args[w]}
			[[ $key == vlan ]] && set -- "$@" qos proto
			[[ $key == qos || $key == proto ]] || break
		done
		for key in "$@"; do
			[[ $used == *" $key "* ]] || echo "$key"
		done
		;;
	'rate list') ((n == 0)) && echo @pf ;;
	'rate set' | 'rate add' | 'rate del')
		# VFSPEC, or PF/NODE: the PF first
		if ((n == 0)); then
			[[ $verb == set ]] && echo @vfspec
			echo @pf
			echo @opts
			return
		fi
		[[ $verb == del ]] && { echo @opts; return; }
		case $prev in
		tx-share | tx-max) printf '%s\n' 100mbit 1gbit 10gbit && return ;;
		parent) return ;;
		esac
		for w in "${args[@]:1}"; do used+="$w "; done
		for key in tx-share tx-max parent noparent; do
			[[ $verb == add && $key == noparent ]] && continue
			[[ $key == *parent && $used == *parent\ * ]] && continue
			[[ $used == *" $key "* ]] || echo "$key"
		done
		;;
	'recover ') (($# == 0)) && echo help ;;
	esac
	echo @opts
}

# _sriovctl_next for the verbs of _sriovctl_opts: OBJECT VERB ARGS...
_sriovctl_next_opts()
{
	local obj=$1 verb=$2 w key used=' ' pending='' i plain=0
	local -a valued flags
	read -ra valued <<<"$(_sriovctl_opts "$1 $2")"
	# "OBJECT help" takes nothing more
	[[ -z $2 && ${3-} == help ]] && return
	shift 2
	for ((i = 0; i < ${#valued[@]}; i++)); do
		[[ ${valued[i]} == -- ]] && break
	done
	flags=("${valued[@]:i+1}")
	valued=("${valued[@]:0:i}")
	# the words so far: options with their values, the rest VF specs
	while (($# > 0)); do
		w=$1
		shift
		if [[ " ${valued[*]} " == *" $w "* ]]; then
			used+="$w "
			if (($# == 0)); then
				pending=$w
			else
				shift
			fi
		elif [[ " ${flags[*]} " == *" $w "* ]]; then
			used+="$w "
		else
			plain=$((plain + 1))
		fi
	done
	if [[ -n $pending ]]; then
		_sriovctl_opt_values "$pending"
		return
	fi
	local skip=' '
	[[ $used == ' ' && $plain == 0 && $obj != vfio && $obj != qemu && $obj != claim ]] &&
		echo help
	case $obj in
	doctor) ((plain > 0)) && return ;; # "doctor [--memory SIZE]"
	claim) # add: a NAME of the user's, then VF settings; release: a claim's
		[[ $verb == release ]] && ((plain == 0)) && echo @claim
		[[ $verb == add ]] && ((plain % 2 == 1)) &&
			printf '%s\n' mac vlan qos proto min-tx-rate max-tx-rate spoofchk trust state mtu
		;;
	apply)
		# FILE|DIR|-... with options, or --recover or --schema alone
		[[ $used == *' --schema '* ]] && return
		if [[ $used == *' --recover '* ]]; then
			skip+='--schema '
		else
			echo @file
			((plain > 0)) && skip+='--schema --recover '
		fi
		;;
	*) echo @vfspec ;;
	esac
	for key in "${valued[@]}" "${flags[@]}"; do
		[[ $used$skip == *" $key "* ]] || echo "$key"
	done
	echo @opts
}

# Adds desired-state files (*.yaml, *.yml, *.json) and directories to
# COMPREPLY.
_sriovctl_files()
{
	local IFS=$'\n' ext
	compopt -o filenames 2>/dev/null
	# shellcheck disable=SC2207 # compgen prints one name a line
	COMPREPLY+=($(compgen -d -- "$1"))
	for ext in yaml yml json; do
		# shellcheck disable=SC2207 # compgen prints one name a line
		COMPREPLY+=($(compgen -f -X "!*.$ext" -- "$1"))
	done
}

# Reads sriovctl's compact JSON split at '}' and prints values, one a line
# and each once. pf: PCI addresses and netdev names; pfspec: those and
# NETDEV#N for each VF of the PF. vf: PF#N and VF addresses, or with a
# prefix (PF#, PF#0, or PF#0-) the prefix followed by the VF numbers
# (after "N-" those above N). iommu: group numbers and member addresses (a
# member may be named again as a blocker).
# shellcheck disable=SC2016 # an awk program, not shell
_sriovctl_awk='
function take(rec, key, s) {
	s = substr(rec, RSTART, RLENGTH)
	sub(/^"[^"]*": */, "", s)
	gsub(/"/, "", s)
	return s
}
function val(rec, key) {
	if (!match(rec, "\"" key "\": *(\"[^\"]*\"|[0-9]+)"))
		return ""
	return take(rec, key)
}
function out(s) {
	if (!(s in seen)) {
		seen[s]
		print s
	}
}
function all(rec, key) {
	while (match(rec, "\"" key "\": *(\"[^\"]*\"|[0-9]+)")) {
		out(take(rec, key))
		rec = substr(rec, RSTART + RLENGTH)
	}
}
BEGIN {
	if (match(prefix, /[#,][0-9]+-$/))
		min = substr(prefix, RSTART + 1, RLENGTH - 2) + 1
}
mode == "pf" || mode == "pfspec" {
	all($0, "pci")
	if (match($0, /"netdevs": *\[[^]]*\]/)) {
		s = substr($0, RSTART, RLENGTH)
		sub(/^"netdevs": *\[/, "", s)
		gsub(/[]" ]/, "", s)
		n = split(s, names, ",")
		nvfs = mode == "pfspec" ? val($0, "num_vfs") : 0
		for (i = 1; i <= n; i++) {
			out(names[i])
			for (v = 0; v < nvfs; v++)
				out(names[i] "#" v)
		}
	}
}
mode == "vf" {
	p = val($0, "pf"); v = val($0, "vf")
	if (p != "" && v != "" && v + 0 >= min + 0) {
		out((prefix != "" ? prefix : p "#") v)
		if (prefix == "")
			all($0, "pci")
	}
}
mode == "iommu" {
	all($0, "group")
	all($0, "pci")
}
mode == "claim" {
	all($0, "name")
}'

# Runs the sriovctl being completed, with the sysfs root from the line.
_sriovctl_json()
{
	local cmd=sriovctl
	if [[ $_sriovctl_cmd == */* && -x $_sriovctl_cmd ]] ||
		type -P "$_sriovctl_cmd" >/dev/null 2>&1; then
		cmd=$_sriovctl_cmd
	fi
	"$cmd" ${_sriovctl_root:+--sysfs-root "$_sriovctl_root"} -j "$@" \
		2>/dev/null
}

# MODE PREFIX ARGS...: values from "sriovctl -j ARGS".
_sriovctl_values()
{
	local mode=$1 prefix=$2
	shift 2
	_sriovctl_json "$@" |
		awk -v RS='}' -v mode="$mode" -v prefix="$prefix" "$_sriovctl_awk"
}

# VF specifications: after "PF#", or after a "," or "-" of its list
# (PF#0-3,7), the VF numbers of that PF; else every PF#N, VF address and
# PF name (a PF alone means all of its VFs). Once a name is being typed,
# NAME#N too, so that a PF's name completes without a blank after it and
# its VFs are in sight.
_sriovctl_vf_specs()
{
	local cur=$1 list
	if [[ $cur == *'#'* ]]; then
		list=${cur#*#}
		_sriovctl_values vf "${cur%"$list"}${list%"${list##*[,-]}"}" \
			vf list "${cur%%#*}"
		return
	fi
	_sriovctl_values vf '' vf list
	_sriovctl_values "pf${cur:+spec}" '' pf list
}

# Sets COMPREPLY from candidates (one a line on stdin) matching cur.
_sriovctl_reply()
{
	local cur=$1 pre breaks='' IFS=$'\n'
	local -a cands
	mapfile -t cands
	# "0000:03:00.0" may be typed as "03:00.0": offer the short form too
	if [[ -n $cur && ! $cur =~ ^[0-9a-fA-F]{4}: ]]; then
		mapfile -t -O "${#cands[@]}" cands < <(
			printf '%s\n' "${cands[@]}" | sed -n 's/^0000://p')
	fi
	# shellcheck disable=SC2207 # candidates are single words
	COMPREPLY=($(compgen -W "${cands[*]}" -- "$cur" | awk '!seen[$0]++'))
	# ':' and '=' break words, and bash replaces only the text after the
	# last of them: drop what precedes it from the candidates.
	[[ $COMP_WORDBREAKS == *:* ]] && breaks+=:
	[[ $COMP_WORDBREAKS == *=* ]] && breaks+='='
	if [[ -n $breaks && $cur == *["$breaks"]* ]]; then
		pre=${cur%"${cur##*["$breaks"]}"}
		COMPREPLY=("${COMPREPLY[@]#"$pre"}")
	fi
}

_sriovctl_dirs()
{
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	# shellcheck disable=SC2207 # compgen prints one name a line
	COMPREPLY=($(compgen -d -- "$1"))
}

# The words up to the cursor, split at blanks only, so that PCI addresses
# and --option=value stay whole.
_sriovctl_words()
{
	local line
	if [[ -n ${COMP_LINE-} ]]; then
		line=${COMP_LINE:0:COMP_POINT}
		read -ra words <<<"$line"
		if [[ ${#words[@]} -eq 0 || $line == *[[:blank:]] ]]; then
			words+=('')
		fi
	else
		words=("${COMP_WORDS[@]:0:COMP_CWORD+1}")
	fi
	cword=$((${#words[@]} - 1))
}

# Splits the words before the cursor into rest (object, verb and
# arguments) and the global options, which sriovctl takes anywhere until a
# "--" after the object. Sets _sriovctl_root from the last --sysfs-root,
# ends once such a "--" is passed, and value when the word being typed is
# the value of a global option.
_sriovctl_split()
{
	local i w
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		if ((ends)); then
			rest+=("$w")
			continue
		fi
		case $w in
		--) ((${#rest[@]} == 0)) || ends=1 ;;
		--sysfs-root | --dev-root | --state-dir)
			[[ $w == --sysfs-root ]] && _sriovctl_root=${words[i + 1]-}
			((++i == cword)) && value=1
			;;
		--sysfs-root=*) _sriovctl_root=${w#*=} ;;
		--dev-root=* | --state-dir=*) ;;
		--json | --pretty | --dry-run | --force | --quiet | --verbose | \
			--version | --help) ;;
		-*)
			# a bundle of global flags, or another option: before the
			# object sriovctl takes no other, after it the verb does
			[[ ${#rest[@]} -eq 0 || $w =~ ^-[jpnfqvVh]+$ ]] || rest+=("$w")
			;;
		*) rest+=("$w") ;;
		esac
	done
	# shellcheck disable=SC2088 # a literal tilde typed on the line
	if [[ $_sriovctl_root == '~/'* ]]; then
		_sriovctl_root=$HOME/${_sriovctl_root#'~/'}
	fi
}

_sriovctl()
{
	local -a words rest=()
	local cword cur i object='' verb='' kind ends=0 value=0
	local _sriovctl_root=${SRIOVCTL_SYSFS_ROOT-} _sriovctl_cmd
	COMPREPLY=()
	_sriovctl_words
	cur=${words[cword]}
	_sriovctl_cmd=${words[0]}
	_sriovctl_split

	# the value of a global option
	if ((value)); then
		_sriovctl_dirs "$cur"
		return 0
	fi
	if ((!ends)); then
		case $cur in
		--sysfs-root=* | --dev-root=* | --state-dir=*)
			_sriovctl_dirs "${cur#*=}"
			return 0
			;;
		esac
	fi

	object=${rest[0]-}
	if [[ -z $object ]]; then
		if [[ $cur == -* ]] && ((!ends)); then
			_sriovctl_reply "$cur" < <(printf '%s\n' "${_sriovctl_options[@]}")
		else
			_sriovctl_reply "$cur" < <(printf '%s\n' "${_sriovctl_objects[@]}")
		fi
		return 0
	fi
	if [[ $object == help ]]; then
		# the objects that have verbs
		((${#rest[@]} == 1)) && _sriovctl_reply "$cur" < <(
			for i in "${_sriovctl_objects[@]}"; do
				[[ -n $(_sriovctl_verbs "$i") ]] && echo "$i"
			done)
		return 0
	fi
	if [[ $_sriovctl_verbless != *" $object "* ]]; then
		if ((${#rest[@]} == 1)); then
			if [[ $cur == -* ]] && ((!ends)); then
				_sriovctl_reply "$cur" < <(printf '%s\n' "${_sriovctl_options[@]}")
			else
				# shellcheck disable=SC2046 # one verb a word
				_sriovctl_reply "$cur" < <(printf '%s\n' $(_sriovctl_verbs "$object"))
			fi
			return 0
		fi
		verb=${rest[1]}
	fi

	local -a next
	mapfile -t next < <(_sriovctl_next "$object" "$verb" \
		"${rest[@]:${#verb} > 0 ? 2 : 1}")
	_sriovctl_reply "$cur" < <(
		for kind in "${next[@]}"; do
			case $kind in
			@pf) _sriovctl_values pf '' pf list ;;
			@vfspec) _sriovctl_vf_specs "$cur" ;;
			@iommu) _sriovctl_values iommu '' iommu list ;;
			@claim) _sriovctl_values claim '' claim list ;;
			@user) compgen -u ;;
			@owner)
				if [[ $cur == *:* ]]; then
					compgen -g -P "${cur%%:*}:"
				else
					compgen -u
				fi
				;;
			@opts)
				[[ $cur == -* ]] && ((!ends)) &&
					printf '%s\n' "${_sriovctl_options[@]}"
				;;
			@file) ;; # below: names are not words for compgen -W
			*) printf '%s\n' "$kind" ;;
			esac
		done)
	[[ " ${next[*]} " == *' @file '* ]] && _sriovctl_files "$cur"
	return 0
}

complete -F _sriovctl sriovctl
