# fish completion for sriovctl(8)
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Objects and verbs are listed here (tests/check-docs.sh keeps them in step
# with "sriovctl help"); PF names, VF specifications and IOMMU groups come
# live from "sriovctl -j ... list", parsed with awk so that no JSON tool is
# needed. Global options may stand after the object and verb too, until a
# "--", as sriovctl takes them; the last --sysfs-root typed on the line is
# passed on to those calls.

# Reads sriovctl's compact JSON split at '}' and prints values, one a line
# and each once. pf: PCI addresses and netdev names; pfspec: those and
# NETDEV#N for each VF of the PF. vf: PF#N and VF addresses, or with a
# prefix (PF#, PF#0, or PF#0-) the prefix followed by the VF numbers
# (after "N-" those above N). iommu: group numbers and member addresses (a
# member may be named again as a blocker).
set -g __sriovctl_awk '
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

# Splits the line before the cursor into: the command, the sysfs root (of
# the last --sysfs-root), "value" when the word being typed is the value of
# a global option or "ends" after a "--" that follows the object, then the
# object, the verb and its arguments. Global options, which sriovctl takes
# anywhere until a "--" after the object, are left out.
function __sriovctl_parse
    set -l tokens (commandline -opc)
    set -l n (count $tokens)
    set -l root $SRIOVCTL_SYSFS_ROOT
    set -l state ''
    set -l rest
    set -l i 2
    while test $i -le $n
        set -l t $tokens[$i]
        if test "$state" = ends
            set -a rest $t
        else
            switch $t
                case --
                    test (count $rest) -gt 0; and set state ends
                case --sysfs-root --dev-root --state-dir
                    set i (math $i + 1)
                    if test $i -gt $n
                        set state value
                    else if test $t = --sysfs-root
                        set root $tokens[$i]
                    end
                case '--sysfs-root=*'
                    set root (string replace -- --sysfs-root= '' $t)
                case '--dev-root=*' '--state-dir=*' --json --pretty --dry-run \
                    --force --quiet --verbose --version --help
                case '-*'
                    # before the object every word starting with "-" is an
                    # option; after it, bundles of global flags
                    if test (count $rest) -gt 0
                        string match -qr -- '^-[jpnfqvVh]+$' $t; or set -a rest $t
                    end
                case '*'
                    set -a rest $t
            end
        end
        set i (math $i + 1)
    end
    printf '%s\n' "$tokens[1]" "$root" "$state" $rest
end

# True when the words after the global options are exactly the arguments.
function __sriovctl_at
    set -l parsed (__sriovctl_parse)
    test "$parsed[3]" != value; and test "$parsed[4..-1]" = "$argv"
end

# True where a global option may stand: not after a "--" that follows the
# object.
function __sriovctl_opts_ok
    set -l parsed (__sriovctl_parse)
    test "$parsed[3]" != ends
end

# MODE PREFIX ARGS...: values from "sriovctl -j ARGS".
function __sriovctl_values
    set -l parsed (__sriovctl_parse)
    set -l cmd sriovctl
    if string match -q '*/*' -- $parsed[1]; and test -x $parsed[1]
        set cmd $parsed[1]
    else if command -sq -- $parsed[1]
        set cmd $parsed[1]
    end
    set -l root
    if test -n "$parsed[2]"
        set root --sysfs-root (string replace -r '^~/' "$HOME/" -- $parsed[2])
    end
    $cmd $root -j $argv[3..-1] 2>/dev/null |
        awk -v RS='}' -v mode=$argv[1] -v prefix=$argv[2] $__sriovctl_awk
end

# Adds the short form of "0000:" addresses when one is being typed.
function __sriovctl_with_short
    set -l cur (commandline -ct)
    while read -l value
        echo $value
        if test -n "$cur"; and not string match -qr '^[[:xdigit:]]{4}:' -- $cur
            string replace -f -- 0000: '' $value
        end
    end
end

function __sriovctl_pf_names
    __sriovctl_values pf '' pf list | __sriovctl_with_short
end

# VF specifications: after "PF#", or after a "," or "-" of its list
# (PF#0-3,7), the VF numbers of that PF; else every PF#N, VF address and
# PF name (a PF alone means all of its VFs). Once a name is being typed,
# NAME#N too, so that a PF's name completes without a blank after it and
# its VFs are in sight.
function __sriovctl_vf_specs
    set -l cur (commandline -ct)
    if string match -q '*#*' -- $cur
        set -l pf (string split -m1 '#' -- $cur)[1]
        set -l head (string replace -r -- '[^#,-]*$' '' $cur)
        __sriovctl_values vf "$head" vf list $pf
        return
    end
    set -l pf pf
    test -n "$cur"; and set pf pfspec
    begin
        __sriovctl_values vf '' vf list
        __sriovctl_values $pf '' pf list
    end | __sriovctl_with_short
end

function __sriovctl_iommu
    __sriovctl_values iommu '' iommu list | __sriovctl_with_short
end

function __sriovctl_claims
    __sriovctl_values claim '' claim list
end

# Objects without verbs: their arguments follow the object directly.
set -g __sriovctl_verbless doctor recover apply restore

# True once an object and its verb are on the line, or an object without
# verbs.
function __sriovctl_has_verb
    set -l words (__sriovctl_parse)[4..-1]
    contains -- "$words[1]" $__sriovctl_verbless; and return
    test (count $words) -ge 2; and test $words[1] != help
end

# Options of the verbs that take options anywhere among their arguments:
# "VALUED..." that take a value in the next word, "--", then the flags.
function __sriovctl_opts
    switch "$argv"
        case 'vfio bind'
            printf '%s\n' --owner --driver --timeout --
        case 'vfio release'
            printf '%s\n' --timeout -- --keep-settings --reset
        case 'vfio check'
            printf '%s\n' --user --memory --vf-token -- --viommu --no-reset
        case 'qemu args'
            printf '%s\n' --claim --id-prefix --chassis-base --bus --rombar --qemu --qemu-version --format --vf-token --user --memory -- \
                --root-ports --iommufd --no-check
        case 'claim add'
            printf '%s\n' --count --pf --numa --device --driver --owner --holder-pid --timeout -- \
                --spread
        case 'claim release'
            printf '%s\n' --timeout -- --keep-settings --reset
        case 'claim gc'
            printf '%s\n' --timeout -- --all --keep-settings --reset
        case 'doctor '
            printf '%s\n' --memory --
        case 'apply '
            printf '%s\n' --pf --timeout -- --check --diff --recover --schema
        case 'restore '
            printf '%s\n' -- --check --diff
    end
end

# Desired-state files (*.yaml, *.yml, *.json) and directories, for apply.
function __sriovctl_files
    set -l cur (commandline -ct)
    complete -C"__fish_command_without_completions $cur" |
        string match -r -- '^.*(?:\.(?:yaml|yml|json)|/)$'
end

# USER or USER:GROUP, for --owner.
function __sriovctl_owner
    set -l cur (commandline -ct)
    if string match -q '*:*' -- $cur
        set -l user (string split -m1 : -- $cur)[1]
        __fish_complete_groups | string replace -r '^' "$user:"
    else
        __fish_complete_users
    end
end

# __sriovctl_next for the verbs of __sriovctl_opts: OBJECT VERB ARGS...
function __sriovctl_next_opts
    set -l opts (__sriovctl_opts $argv[1] "$argv[2]")
    set -l sep (contains -i -- -- $opts)
    set -l valued
    set -l flags
    test $sep -gt 1; and set valued $opts[1..(math $sep - 1)]
    test $sep -lt (count $opts); and set flags $opts[(math $sep + 1)..-1]
    set -l used
    set -l pending
    set -l plain 0
    set -l args $argv[3..-1]
    set -l i 1
    # "OBJECT help" takes nothing more
    test -z "$argv[2]"; and test "$args[1]" = help; and return
    # the words so far: options with their values, the rest VF specs
    while test $i -le (count $args)
        set -l w $args[$i]
        if contains -- $w $valued
            set -a used $w
            if test $i -eq (count $args)
                set pending $w
            end
            set i (math $i + 1)
        else if contains -- $w $flags
            set -a used $w
        else
            set plain (math $plain + 1)
        end
        set i (math $i + 1)
    end
    switch "$pending"
        case --claim
            __sriovctl_claims
            return
        case --pf
            __sriovctl_pf_names
            return
        case --owner
            __sriovctl_owner
            return
        case --user
            __fish_complete_users
            return
        case --rombar
            printf '%s\n' 0 1
            return
        case --format
            printf '%s\n' shell args json libvirt
            return
        case --driver
            printf '%s\n' vfio-pci host
            return
        case '?*'
            return
    end
    set -l skip
    if test (count $used) -eq 0 -a $plain -eq 0
        contains -- $argv[1] vfio qemu claim; or echo help
    end
    switch $argv[1]
        case doctor
            # "doctor [--memory SIZE]"
            test $plain -gt 0; and return
        case claim
            # add: a NAME of the user's, then VF settings; release: a claim's
            test "$argv[2]" = release -a $plain -eq 0; and __sriovctl_claims
            test "$argv[2]" = add -a (math $plain % 2) -eq 1
            and printf '%s\n' mac vlan qos proto min-tx-rate max-tx-rate spoofchk trust state mtu
        case apply
            # FILE|DIR|-... with options, or --recover or --schema alone
            contains -- --schema $used; and return
            if contains -- --recover $used
                set skip --schema
            else
                __sriovctl_files
                test $plain -gt 0; and set skip --schema --recover
            end
        case '*'
            __sriovctl_vf_specs
    end
    for key in $valued $flags
        contains -- $key $used $skip; or echo $key
    end
end

# What may follow "OBJECT VERB ARGS...": PF names, VF specifications or
# IOMMU groups from the tool, user and group names, or keywords. Settings
# come in "key value" pairs; flags such as --stats may stand anywhere.
function __sriovctl_next
    set -l words (__sriovctl_parse)[4..-1]
    set -l obj $words[1]
    set -l verb $words[2]
    set -l rest $words[3..-1]
    if contains -- $obj $__sriovctl_verbless
        set verb ''
        set rest $words[2..-1]
    end
    # VFSPEC... with options anywhere (vfio, qemu), or only options
    if test (count (__sriovctl_opts $obj "$verb")) -gt 0
        __sriovctl_next_opts $obj "$verb" $rest
        return
    end
    set -l args
    set -l used
    for w in $rest
        if test "$w" = --stats
            set -a used --stats
        else
            set -a args $w
        end
    end
    set -l n (count $args)
    switch "$obj $verb"
        case 'pf show'
            test $n -eq 0; and __sriovctl_pf_names
        case 'iommu show'
            test $n -eq 0; and __sriovctl_iommu
        case 'claim show'
            test $n -eq 0; and __sriovctl_claims
        case 'vfio vf-token'
            # then a UUID
            test $n -eq 0; and __sriovctl_pf_names
        case 'vf list' 'vf show'
            if test $n -eq 0
                test $verb = list; and __sriovctl_pf_names
                test $verb = show; and __sriovctl_vf_specs
            end
            test $n -le 1; and not contains -- --stats $used; and echo --stats
        case 'pf set' 'pf disable' 'vf set'
            if test $n -eq 0
                test $obj = pf; and __sriovctl_pf_names
                test $obj = vf; and __sriovctl_vf_specs
                return
            end
            if test (math $n % 2) -eq 0
                switch $args[$n]
                    case autoprobe spoofchk trust query-rss
                        printf '%s\n' on off
                    case state
                        printf '%s\n' auto enable disable active inactive
                    case proto
                        printf '%s\n' 802.1Q 802.1ad
                    case eswitch
                        printf '%s\n' legacy switchdev
                end
                return
            end
            for i in (seq 2 2 $n)
                set -a used $args[$i]
            end
            set -l keys
            switch "$obj $verb"
                case 'pf set'
                    set keys num-vfs autoprobe mtu eswitch --timeout
                case 'pf disable'
                    set keys --timeout
                case 'vf set'
                    set keys mac vlan min-tx-rate max-tx-rate spoofchk trust mtu \
                        state query-rss node-guid port-guid hw-addr
            end
            # qos and proto belong to the vlan just before them
            for i in (seq (math $n - 1) -2 2)
                test $args[$i] = vlan; and set -a keys qos proto
                contains -- $args[$i] qos proto; or break
            end
            for key in $keys
                contains -- $key $used; or echo $key
            end
        case 'rate list'
            test $n -eq 0; and __sriovctl_pf_names
        case 'rate set' 'rate add' 'rate del'
            # VFSPEC, or PF/NODE: the PF first
            if test $n -eq 0
                test $verb = set; and __sriovctl_vf_specs
                __sriovctl_pf_names
                return
            end
            test $verb = del; and return
            switch $args[$n]
                case tx-share tx-max
                    printf '%s\n' 100mbit 1gbit 10gbit
                    return
                case parent
                    return
            end
            set -a used $args[2..-1]
            set -l keys tx-share tx-max parent
            test $verb = set; and set -a keys noparent
            for key in $keys
                if string match -q '*parent' -- $key
                    contains -- parent $used; and continue
                    contains -- noparent $used; and continue
                end
                contains -- $key $used; or echo $key
            end
        case 'recover '
            test $n -eq 0; and echo help
    end
end

complete -c sriovctl -f

# Global options, before the object and after it until a "--".
set -l first '__sriovctl_at'
set -l opts '__sriovctl_opts_ok'
complete -c sriovctl -n $opts -s j -l json -d 'write JSON'
complete -c sriovctl -n $opts -s p -l pretty -d 'indent JSON (implies --json)'
complete -c sriovctl -n $opts -s n -l dry-run -d 'show what would change, change nothing'
complete -c sriovctl -n $opts -s f -l force -d 'override a safety refusal where that is sane'
complete -c sriovctl -n $opts -s q -l quiet -d 'print nothing but errors'
complete -c sriovctl -n $opts -s v -l verbose -d 'log what the library does (repeat for more)'
complete -c sriovctl -n $opts -s V -l version -d 'print the version'
complete -c sriovctl -n $opts -s h -l help -d 'show the help'
complete -c sriovctl -n $opts -l sysfs-root -x -a '(__fish_complete_directories)' -d 'sysfs mount'
complete -c sriovctl -n $opts -l dev-root -x -a '(__fish_complete_directories)' -d 'device directory'
complete -c sriovctl -n $opts -l state-dir -x -a '(__fish_complete_directories)' -d 'state directory, for locks and journal'

# Objects.
complete -c sriovctl -n $first -a pf -d 'SR-IOV physical functions'
complete -c sriovctl -n $first -a vf -d 'virtual functions'
complete -c sriovctl -n $first -a iommu -d 'IOMMU groups'
complete -c sriovctl -n $first -a vfio -d 'move devices to vfio-pci and back, check VFIO'
complete -c sriovctl -n $first -a qemu -d 'QEMU arguments and libvirt XML for passthrough'
complete -c sriovctl -n $first -a claim -d 'lease free VFs to a VM and give them back whole'
complete -c sriovctl -n $first -a rate -d 'devlink rates of VFs and rate nodes (switchdev mode)'
complete -c sriovctl -n $first -a doctor -d 'check the host\'s readiness for passthrough'
complete -c sriovctl -n $first -a recover -d 'finish or undo changes a crash interrupted'
complete -c sriovctl -n $first -a apply -d 'converge the host to desired-state files'
complete -c sriovctl -n $first -a restore -d 'VFs back to safe settings and their host driver'
complete -c sriovctl -n $first -a help -d 'show this help, or an object\'s help'
# "help OBJECT" takes only the objects that have verbs
complete -c sriovctl -n '__sriovctl_at help' -a 'pf vf iommu vfio qemu claim rate'

# Verbs.
complete -c sriovctl -n '__sriovctl_at pf' -a list -d 'list SR-IOV physical functions'
complete -c sriovctl -n '__sriovctl_at pf' -a show -d 'show a PF, its capability and VFs'
complete -c sriovctl -n '__sriovctl_at pf' -a set -d 'create, resize or remove VFs and wait until they are ready'
complete -c sriovctl -n '__sriovctl_at pf' -a disable -d 'remove every VF of a PF'
complete -c sriovctl -n '__sriovctl_at pf' -a help -d 'show this help'
complete -c sriovctl -n '__sriovctl_at vf' -a list -d 'list VFs, of one PF or of all'
complete -c sriovctl -n '__sriovctl_at vf' -a show -d 'show VFs: PF#N, PF#0-3,7 or a VF address'
complete -c sriovctl -n '__sriovctl_at vf' -a set -d 'change VF settings'
complete -c sriovctl -n '__sriovctl_at vf' -a help -d 'show this help'
complete -c sriovctl -n '__sriovctl_at iommu' -a list -d 'list IOMMU groups and their devices'
complete -c sriovctl -n '__sriovctl_at iommu' -a show -d 'show one group, by number or member'
complete -c sriovctl -n '__sriovctl_at iommu' -a help -d 'show this help'
complete -c sriovctl -n '__sriovctl_at vfio' -a bind -d 'move devices to vfio-pci (journaled, rolled back on failure)'
complete -c sriovctl -n '__sriovctl_at vfio' -a release -d 'return devices from vfio-pci to their drivers and VF settings'
complete -c sriovctl -n '__sriovctl_at vfio' -a check -d 'open VFIO as QEMU does, map DMA, and check what QEMU needs'
complete -c sriovctl -n '__sriovctl_at vfio' -a vf-token -d 'set the VF token of a PF on vfio-pci (its VFs\' users must give it)'
complete -c sriovctl -n '__sriovctl_at vfio' -a help -d 'show this help'
complete -c sriovctl -n '__sriovctl_at qemu' -a args -d 'QEMU -device arguments (or libvirt XML) for devices on vfio-pci'
complete -c sriovctl -n '__sriovctl_at qemu' -a help -d 'show this help'
complete -c sriovctl -n '__sriovctl_at claim' -a add -d 'lease N free VFs: configure them and bind them to vfio-pci'
complete -c sriovctl -n '__sriovctl_at claim' -a list -d 'every claim'
complete -c sriovctl -n '__sriovctl_at claim' -a show -d 'one claim, with QEMU arguments for its VFs'
complete -c sriovctl -n '__sriovctl_at claim' -a release -d 'give a claim\'s VFs back as they were, then drop its lease'
complete -c sriovctl -n '__sriovctl_at claim' -a gc -d 'release the claims whose holder process is gone (or all)'
complete -c sriovctl -n '__sriovctl_at claim' -a help -d 'show this help'
complete -c sriovctl -n '__sriovctl_at rate' -a list -d 'list rate leaves (VFs) and nodes with their rates'
complete -c sriovctl -n '__sriovctl_at rate' -a set -d 'set VF leaves or a node'
complete -c sriovctl -n '__sriovctl_at rate' -a add -d 'add a rate node'
complete -c sriovctl -n '__sriovctl_at rate' -a del -d 'delete a rate node'
complete -c sriovctl -n '__sriovctl_at rate' -a help -d 'show this help'

# Arguments: names from the tool itself, and keywords.
complete -c sriovctl -n __sriovctl_has_verb -a '(__sriovctl_next)'
