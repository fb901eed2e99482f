#!/usr/bin/env python3
"""The layers of the tree, checked on the built objects.

Dependencies run one way: cli -> apply -> vfio -> core. An object of one
layer may use symbols defined in its own layer or below, never above; and
no two source files use each other, directly or through others (a circle).
The references are read with nm from the objects under BUILD/obj.
"""
import os
import subprocess
import sys

# Lowest first; the first matching prefix names a file's layer.
LAYERS = [
    ("core", "libsriov/"),
    ("vfio", "vfio/"),
    ("apply", "libsriov/apply/"),
    ("cli", "cli/"),
]


def layer_of(src):
    best = None
    for rank, (name, prefix) in enumerate(LAYERS):
        if src.startswith(prefix) and (best is None or len(prefix) > len(LAYERS[best][1])):
            best = rank
    return best


def read_objects(objdir):
    defs, uses = {}, {}
    for root, _, files in os.walk(objdir):
        for f in files:
            if not f.endswith(".o"):
                continue
            path = os.path.join(root, f)
            src = os.path.relpath(path, objdir)[:-2] + ".c"
            # objects left behind by sources that moved or went away
            if layer_of(src) is None or not os.path.exists(src):
                continue
            out = subprocess.run(["nm", path], capture_output=True, text=True,
                                 check=True).stdout
            uses[src] = set()
            for line in out.splitlines():
                p = line.split()
                if len(p) == 3 and p[1] in "TDBR":
                    defs[p[2]] = src
                elif len(p) == 2 and p[0] == "U":
                    uses[src].add(p[1])
    return defs, uses


def edges_of(defs, uses):
    edges = {src: {} for src in uses}
    for src, syms in uses.items():
        for s in syms:
            dst = defs.get(s)
            if dst and dst != src:
                edges[src].setdefault(dst, []).append(s)
    return edges


def circles(edges):
    """Strongly connected components with more than one file (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check-layers.py BUILD")
    objdir = os.path.join(sys.argv[1], "obj")
    defs, uses = read_objects(objdir)
    if not uses:
        sys.exit("check-layers: no objects under " + objdir)
    edges = edges_of(defs, uses)
    passed = failed = 0
    for src in sorted(edges):
        up = [(dst, syms) for dst, syms in sorted(edges[src].items())
              if layer_of(dst) > layer_of(src)]
        if up:
            failed += 1
            for dst, syms in up:
                print("FAIL %s (%s) uses %s (%s), a higher layer: %s" % (
                    src, LAYERS[layer_of(src)][0], dst, LAYERS[layer_of(dst)][0],
                    ", ".join(sorted(syms))))
        else:
            passed += 1
    found = circles(edges)
    for comp in found:
        print("FAIL circle: " + " <-> ".join(comp))
        for a in comp:
            for b in comp:
                if b in edges[a]:
                    print("  %s -> %s: %s" % (a, b, ", ".join(sorted(edges[a][b]))))
    failed += len(found)
    passed += not found
    counts = {}
    for src in edges:
        counts[LAYERS[layer_of(src)][0]] = counts.get(LAYERS[layer_of(src)][0], 0) + 1
    print("layers, lowest first: " + ", ".join(
        "%s %d files" % (name, counts.get(name, 0)) for name, _ in LAYERS))
    print("layers: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
