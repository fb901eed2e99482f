#!/usr/bin/env python3
"""Turn the raw lines of bench/run.sh (host) and bench/guest/bench.sh (VM)
into bench/results.md and bench/results.json: median and min-max of every
contender, the ratios the goals are stated in, and which goals are met.

    report.py RAW OUT.md OUT.json
"""
import json
import statistics
import sys
from collections import defaultdict

raw, out_md, out_json = sys.argv[1:4]
meta, samples, infos, checks_failed = {}, defaultdict(list), defaultdict(dict), []
for line in open(raw, errors="replace"):
    w = line.rstrip("\n").split(" ")
    if w[0] == "@@BMETA":
        meta[w[1]] = " ".join(w[2:])
    elif w[0] == "@@BENCH" and len(w) == 8:
        case, size, who, run, ns, rss, code = w[1:]
        samples[(case, size, who)].append((int(ns), int(rss), int(code)))
    elif w[0] == "@@BINFO" and len(w) >= 5:
        infos[(w[1], w[2], w[3])].setdefault(w[4], []).append(" ".join(w[5:]))
    elif w[0] == "@@CASE" and w[1] == "fail":
        checks_failed.append(w[2])


def stat(case, size, who):
    s = samples.get((case, size, who))
    if not s:
        return None
    ms = [x[0] / 1e6 for x in s]
    return {
        "median_ms": round(statistics.median(ms), 3),
        "min_ms": round(min(ms), 3),
        "max_ms": round(max(ms), 3),
        "runs": len(ms),
        "samples_ms": [round(x, 3) for x in ms],
        "rss_kib_median": int(statistics.median([x[1] for x in s])),
        "failed_runs": sum(1 for x in s if x[2] != 0),
    }


def info(case, size, who, key):
    v = infos.get((case, size, who), {}).get(key)
    return v[0] if v else None


def ms(v):
    if v is None:
        return "-"
    return f"{v:.0f}" if v >= 100 else f"{v:.1f}" if v >= 10 else f"{v:.2f}"


def ratio(a, b):
    """a / b from two stats (medians), or None."""
    if not a or not b or not b["median_ms"]:
        return None
    return a["median_ms"] / b["median_ms"]


def fx(r):
    return "-" if r is None else (f"{r:.0f}x" if r >= 100 else f"{r:.2f}x" if r < 10 else f"{r:.1f}x")


goals = []


def goal(case, what, value, target, met, note=""):
    goals.append({"case": case, "goal": what, "measured": value, "target": target,
                  "met": met, "note": note})


def sizes(case):
    return sorted({k[1] for k in samples if k[0] == case},
                  key=lambda s: (len(s), s))


md = []
results = {}


def table(case, title, contenders, ref, ref_label, extra=None):
    """One Markdown table: a row per size and contender, ratio to ref."""
    rows = []
    for size in sizes(case):
        base = stat(case, size, ref)
        for who in contenders:
            st = stat(case, size, who)
            if not st:
                continue
            results.setdefault(case, {}).setdefault(size, {})[who] = st
            note = extra(size, who, st) if extra else ""
            sc = info(case, size, who, "syscalls")
            if sc and sc.split() and sc.split()[0].isdigit():
                note = (note + "; " if note else "") + f"{sc.split()[0]} syscalls"
            err = info(case, size, who, "error")
            if err:
                note = (note + "; " if note else "") + f"error: `{err.strip()}`"
            if st["failed_runs"]:
                note = (note + "; " if note else "") + f"{st['failed_runs']} runs failed"
            rows.append(f"| {size} | {who} | {ms(st['median_ms'])} | {ms(st['min_ms'])}-{ms(st['max_ms'])} "
                        f"| {st['runs']} | {fx(ratio(st, base))} | {note} |")
    if not rows:
        return
    md.append(f"### {title}\n")
    md.append(f"| size | contender | median ms | min-max ms | runs | vs {ref_label} | notes |")
    md.append("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    md.extend(rows)
    md.append("")


# ---- case 1: configure ----------------------------------------------------
def conf_note(case):
    def f(size, who, st):
        v = info(case, size, who, "verified")
        w = infos.get((case, size, who), {}).get("wrong")
        n = f"state verified {v}" if v else ""
        if w:
            n += f"; {len(w)} runs left VFs wrong"
        return n + ("; " if n else "") + per_vf(size, st)
    return f


def per_vf(size, st):
    """The median's cost per VF, so growth with the size shows."""
    return f"{st['median_ms'] * 1000 / int(size):.0f} us/VF" if size.isdigit() else ""


for variant, label in (("nomac", "vlan+qos, spoofchk, trust, max-tx-rate (no MAC)"),
                       ("mac", "per-VF MAC + vlan+qos, spoofchk, trust, max-tx-rate")):
    case = f"configure-{variant}"
    table(case, f"1. Configure N netdevsim VFs: {label}",
          ["ip-loop", "ip-batch", "sriovctl", "sriovctl-apply", "floor-rwr", "floor"], "floor", "floor",
          conf_note(case))
    for size in sizes(case):
        fl, lp, bt, rwr = (stat(case, size, w) for w in ("floor", "ip-loop", "ip-batch", "floor-rwr"))
        for who in ("sriovctl", "sriovctl-apply"):
            st = stat(case, size, who)
            if not st:
                continue
            r = ratio(lp, st)
            goal(1, f"{case} {size}: {who} >= 100x faster than the ip loop", fx(r), ">= 100x",
                 r is not None and r >= 100)
            r = ratio(bt, st)
            goal(1, f"{case} {size}: {who} >= 5x faster than ip -batch", fx(r), ">= 5x",
                 r is not None and r >= 5)
            r = ratio(st, rwr)
            goal(1, f"{case} {size}: {who} within 1.5x of the second floor (read, write, read back)",
                 fx(r), "<= 1.5x", r is not None and r <= 1.5)
            r = ratio(st, fl)
            goal(1, f"{case} {size}: {who} within 3x of the write-only floor", fx(r), "<= 3x",
                 r is not None and r <= 3)
# What reading before and verifying after costs at least, from the floors.
t0 = stat("startup", "vm", "true")
design = []
for size in sizes("configure-nomac"):
    fl, g, st = stat("configure-nomac", size, "floor"), stat("noop", size, "floor-getlink"), \
        stat("configure-nomac", size, "sriovctl")
    if fl and g and t0 and st:
        d = fl["median_ms"] + 2 * (g["median_ms"] - t0["median_ms"])
        design.append(f"{size} VFs: {ms(d)} ms, sriovctl {fx(st['median_ms'] / d)} of it")
        results.setdefault("configure-nomac", {}).setdefault(size, {})["read-write-verify-floor"] = \
            {"median_ms": round(d, 3), "computed": "floor setlink + 2 x (floor getlink - /bin/true)"}
if design:
    md.append("The floor only writes. A tool that reads first (to change only what differs) and "
              "verifies after (2 RTM_GETLINK + 1 RTM_SETLINK in one process) cannot go below "
              "floor + 2 x (floor getlink - /bin/true), from the medians of this run: " +
              "; ".join(design) + ".\n")
mo = [(s, info("configure-maxonly", s, "ip-batch", "stderr"), stat("configure-maxonly", s, "ip-batch"))
      for s in sizes("configure-maxonly")]
if mo:
    md.append("iproute2 as users type it (`max_tx_rate R` without `min_tx_rate`), one `ip -batch` run: " +
              "; ".join(f"{s} VFs: exit {'0' if st and not st['failed_runs'] else 'non-zero'}"
                        + (f", \"{e.strip()}\"" if e else "") for s, e, st in mo) + "\n")

# ---- case 2: no-op re-apply ----------------------------------------------
def noop_note(size, who, st):
    parts = []
    c = info("noop", size, who, "changed")
    if c:
        parts.append(f"changed: {c}")
    n = info("noop", size, who, "notifications")
    if n:
        parts.append("RTM_NEWLINK " + n.split()[1])
    s = info("noop", size, who, "writes")
    if s:
        parts.append(s.replace("setlink_msgs", "SETLINK msgs").replace("netlink_sends", "nl sends")
                     .replace("file_writes", "file writes"))
    return ", ".join(parts)


table("noop", "2. No-op re-apply (state already as asked) vs one readback",
      ["sriovctl-noop", "sriovctl-apply-noop", "sriovctl-list", "floor-getlink"],
      "floor-getlink", "floor readback", noop_note)
probe_rows = []
for size in sizes("noop"):
    for who in ("sriovctl-noop", "sriovctl-apply-noop", "control-floor-setlink", "control-ip-batch",
                "control-sriovctl-change", "control-sriovctl-apply-change"):
        n, s = info("noop", size, who, "notifications"), info("noop", size, who, "writes")
        if n or s:
            probe_rows.append(f"| {size} | {who} | {n.split()[1] if n else '-'} | "
                              f"{s or '-'} |")
            results.setdefault("noop-writes", {}).setdefault(size, {})[who] = {
                "notifications": n, "syscalls": s}
    for who in ("sriovctl-noop", "sriovctl-apply-noop"):
        st, fl, ls = stat("noop", size, who), stat("noop", size, "floor-getlink"), stat("noop", size, "sriovctl-list")
        if not st:
            continue
        n, s = info("noop", size, who, "notifications"), info("noop", size, who, "writes") or ""
        zero = n is not None and n.split()[1] == "0" and "setlink_msgs 0 " in s + " " and "file_writes 0" in s
        goal(2, f"noop {size}: {who} makes zero writes", f"RTM_NEWLINK {n.split()[1] if n else '?'}, {s}",
             "0", zero)
        r = ratio(st, fl)
        goal(2, f"noop {size}: {who} within 1.5x of one readback by the floor (getlink)", fx(r), "<= 1.5x",
             r is not None and r <= 1.5)
        r = ratio(st, ls)
        goal(2, f"noop {size}: {who} within 1.2x of one readback by sriovctl (`vf list`)", fx(r), "<= 1.2x",
             r is not None and r <= 1.2)
if probe_rows:
    md.append("Writes counted: RTM_NEWLINK = link notifications the kernel sent while the command ran "
              "(one per RTM_SETLINK that reaches the VFs, changed or not); the rest from `strace -f`.\n")
    md.append("| size | command | RTM_NEWLINK | strace |")
    md.append("| --- | --- | ---: | --- |")
    md.extend(probe_rows)
    md.append("")

# ---- case 3: readback --------------------------------------------------------
def rb_note(size, who, st):
    v = info("readback", size, who, "vfs")
    n = f"{v} of {size} VFs" if v is not None else ""
    e = info("readback", size, who, "stderr")
    if e:
        n += f"; stderr \"{e.strip()}\""
    return n + ("; " if n else "") + per_vf(size, st)


table("readback", "3. Read back every VF of a netdevsim PF",
      ["ip", "sriovctl", "floor"], "floor", "floor", rb_note)
for size in sizes("readback"):
    st, fl, ipst = (stat("readback", size, w) for w in ("sriovctl", "floor", "ip"))
    r = ratio(st, fl)
    goal(3, f"readback {size}: sriovctl within 1.5x of the floor", fx(r), "<= 1.5x",
         r is not None and r <= 1.5)
    v = info("readback", size, "sriovctl", "vfs")
    goal(3, f"readback {size}: sriovctl complete", f"{v} of {size}", size, v == size)

table("breakdown", "3b. Where sriovctl's readback time goes (256 VFs)",
      ["true", "floor-getlink", "sriovctl-version", "sriovctl-vf-show-1", "sriovctl-vf-list-json",
       "sriovctl-vf-list-text"], "floor-getlink", "floor")

# ---- case 4: bind ---------------------------------------------------------------
def bind_note(case):
    def f(size, who, st):
        n = info("bind", size, "all", "vfs")
        w = infos.get((case, size, who), {}).get("wrong")
        s = f"{st['median_ms'] / int(n):.1f} ms per VF" if n else ""
        if w:
            s += f"; wrong drivers after {len(w)} runs: {w[0]}"
        return s
    return f


for case, what in (("bind", "to vfio-pci"), ("unbind", "back to the host driver (igb) / unbound (NVMe)")):
    table(case, f"4. Move the VFs of a PF {what} (all of them; igb-1: the first)",
          ["dpdk-devbind", "driverctl", "shell", "sriovctl"], "shell", "shell writes", bind_note(case))
    for size in sizes(case):
        st = stat(case, size, "sriovctl")
        # the tools users reach for; bare shell writes have their own goal
        peers = [stat(case, size, w) for w in ("dpdk-devbind", "driverctl")]
        peers = [p for p in peers if p and not p["failed_runs"]] or [p for p in peers if p]
        if not st:
            goal(4, f"{case} {size}: sriovctl measured", "no `sriovctl vfio bind` in this build", "-", False)
            continue
        fastest = min(peers, key=lambda p: p["median_ms"]) if peers else None
        r = ratio(st, fastest)
        goal(4, f"{case} {size}: sriovctl no slower than dpdk-devbind.py and driverctl", fx(r), "<= 1.0x",
             r is not None and r <= 1.0)
        r = ratio(st, stat(case, size, "shell"))
        goal(4, f"{case} {size}: sriovctl within 1.2x of shell writes", fx(r), "<= 1.2x",
             r is not None and r <= 1.2)

# ---- case 5: enable/disable --------------------------------------------------
def life_note(size, who, st):
    """Sizes are DEVICE-COUNT (igb-7, nsim-1024): the cost per VF."""
    n = size.rsplit("-", 1)[-1]
    if not n.isdigit() or not int(n):
        return ""
    us = st["median_ms"] * 1000 / int(n)
    return f"{us:.0f} us/VF" if us < 1000 else f"{us / 1000:.1f} ms/VF"


for case in ("enable", "disable"):
    table(case, f"5. {case.capitalize()} VFs: total time until the kernel and udev are done",
          ["shell", "sriovctl"], "shell", "echo + udevadm settle", life_note)
    for size in sizes(case):
        r = ratio(stat(case, size, "sriovctl"), stat(case, size, "shell"))
        goal(5, f"{case} {size}: sriovctl overhead <= 10%", fx(r), "<= 1.10x",
             r is not None and r <= 1.10)

# ---- case 6: discovery ---------------------------------------------------------
def disc_note(size, who, st):
    n = info("discovery", size, who, "listed")
    sc = info("discovery", size, who, "syscalls")
    vfs = info("discovery", size, "all", "vfs")
    out = f"{n} lines/objects" if n else ""
    if sc and vfs:
        out += f"; {int(sc.split()[0]) / int(vfs):.1f} syscalls per VF"
    return out


table("discovery", "6. Discovery at scale on the host: fake tree, 16 PFs x 256 VFs",
      ["lspci", "sriovctl"], "lspci", "lspci", disc_note)
for size in sizes("discovery"):
    st = stat("discovery", size, "sriovctl")
    if st:
        vfs = info("discovery", size, "all", "vfs")
        per_vf = f", {st['median_ms'] * 1000 / int(vfs):.1f} us per VF" if vfs else ""
        goal(6, "discovery 16x256: `sriovctl -j vf list` under 50 ms", f"{ms(st['median_ms'])} ms{per_vf}",
             "< 50 ms", st["median_ms"] < 50)
        sc, lsc = info("discovery", size, "sriovctl", "syscalls"), info("discovery", size, "lspci", "syscalls")
        if sc and lsc:
            a, b = int(sc.split()[0]), int(lsc.split()[0])
            goal(6, "discovery 16x256: syscalls, sriovctl vs lspci (report)", f"{a} vs {b} ({a / b:.2f}x)",
                 "report", True)


# ---- case 7: start-up -----------------------------------------------------------
def su_note(size, who, st):
    return f"peak RSS {st['rss_kib_median'] / 1024:.1f} MiB"


table("startup", "7. Start-up (host: demo fake tree; vm: the test VM)",
      ["true", "ip-V", "lspci-n", "sriovctl-version", "sriovctl-pf-list"], "true", "/bin/true", su_note)
for size in sizes("startup"):
    for who in ("sriovctl-version", "sriovctl-pf-list"):
        st = stat("startup", size, who)
        if not st:
            continue
        tr = stat("startup", size, "true")
        if size == "host" and who == "sriovctl-pf-list":
            goal(7, f"startup {size}: {who} under 3 ms", f"{ms(st['median_ms'])} ms", "< 3 ms",
                 st["median_ms"] < 3)
            ln = stat("startup", size, "lspci-n")
            if ln:
                r = ratio(st, ln)
                goal(7, f"startup {size}: {who} under 2x `lspci -n` on the same tree", fx(r), "< 2x",
                     r is not None and r < 2)
        elif size == "host":
            goal(7, f"startup {size}: {who} under 5 ms", f"{ms(st['median_ms'])} ms", "< 5 ms",
                 st["median_ms"] < 5)
        else:
            goal(7, f"startup {size}: {who} wall (TCG: report only)",
                 f"{ms(st['median_ms'])} ms ({fx(ratio(st, tr))} /bin/true)", "report", True)
        goal(7, f"startup {size}: {who} under 4 MiB peak RSS", f"{st['rss_kib_median'] / 1024:.1f} MiB",
             "< 4 MiB", st["rss_kib_median"] < 4096)

# ---- case 8: parsing a desired state ---------------------------------------------
def parse_note(size, who, st):
    n = info("parse", size, who, "pfs")
    return (f"{n} PF entries; " if n else "") + f"{st['median_ms'] * 1000 / int(size):.1f} us per entry"


table("parse", "8. Parsing a desired-state file (YAML, one entry per VF, 16 PFs x 256 VFs)",
      ["bench-parse"], "bench-parse", "itself", parse_note)
for size in sizes("parse"):
    st = stat("parse", size, "bench-parse")
    if st:
        goal(8, f"parse {size} entries: under 20 ms (process start included)", f"{ms(st['median_ms'])} ms",
             "< 20 ms", st["median_ms"] < 20)

# ---- system calls ---------------------------------------------------------
sc_rows = []
for (case, size, who), kv in sorted(infos.items()):
    v = kv.get("syscalls")
    if v and v[0].split() and v[0].split()[0].isdigit():
        w = v[0].split()
        sc_rows.append(f"| {case} | {size} | {who} | {w[0]} | {' '.join(w[1:])} |")
if sc_rows:
    md += ["### System calls (`strace -c -f`, one extra run of each)", "",
           "| case | size | command | syscalls | busiest |", "| --- | --- | --- | ---: | --- |"]
    md += sc_rows + [""]

# ---- assemble ----------------------------------------------------------------------
head = ["# sriovctl benchmarks", "",
        "Generated by `make bench` (bench/run.sh); bench/README.md says what each case does "
        "and how the contenders were made to do the same work. Times are wall-clock, process "
        "start included, median of the runs with min-max; contenders alternate run by run. "
        "In the VM (QEMU TCG) absolute times are slow: compare ratios.", "",
        "| | |", "| --- | --- |"]
for k in ("date", "commit", "sriovctl", "runs", "host_cpu", "host_kernel", "host_os", "host_load",
          "host_load_end", "elapsed",
          "vm", "guest_kernel", "guest_cpu", "guest_iproute2", "guest_verbs", "lspci"):
    if k in meta:
        head.append(f"| {k} | {meta[k]} |")
head.append("")
met = sum(1 for g in goals if g["met"] and g["target"] != "report")
total = sum(1 for g in goals if g["target"] != "report")
gl = ["## Goals", "", f"{met} of {total} goals met.", "",
      "| case | goal | measured | target | met |", "| --- | --- | --- | --- | --- |"]
for g in goals:
    mark = "report" if g["target"] == "report" else ("yes" if g["met"] else "**no**")
    note = f" ({g['note']})" if g["note"] else ""
    gl.append(f"| {g['case']} | {g['goal']} | {g['measured']}{note} | {g['target']} | {mark} |")
gl.append("")
if checks_failed:
    gl += ["Guest checks that failed: " + ", ".join(checks_failed), ""]
with open(out_md, "w") as f:
    f.write("\n".join(head + gl + ["## Measurements", ""] + md))
with open(out_json, "w") as f:
    json.dump({"meta": meta, "goals": goals, "results": results,
               "info": {" ".join(k): v for k, v in infos.items()},
               "guest_checks_failed": checks_failed}, f, indent=1)
    f.write("\n")
