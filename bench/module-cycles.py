#!/usr/bin/env python3
"""Lists which top-level modules of the library each module uses (any
`crate::NAME` or `super::NAME` path reaching another top-level module), and any
import circle between them. Run from the repository root; exits 1 on a circle.

    python3 bench/module-cycles.py
"""
import os, re, sys, itertools

root = 'src'
mods = sorted(
    n[:-3] if n.endswith('.rs') else n
    for n in os.listdir(root)
    if n not in ('lib.rs', 'main.rs', 'cli') and (n.endswith('.rs') or os.path.isdir(os.path.join(root, n)))
)
uses = {m: set() for m in mods}
for m in mods:
    path = os.path.join(root, m)
    files = [path + '.rs'] if os.path.isfile(path + '.rs') else [
        os.path.join(d, f) for d, _, fs in os.walk(path) for f in fs if f.endswith('.rs')]
    for f in files:
        text = open(f, encoding='utf-8').read()
        # Strip tests: a test module may use anything.
        text = re.sub(r"^\s*//.*$", "", text, flags=re.M)
        text = re.split(r'#\[cfg\(test\)\]\s*mod tests', text)[0]
        for other in re.findall(r'\bcrate::(\w+)', text):
            if other in uses and other != m:
                uses[m].add(other)
        # `use crate::{a, b::c}` groups
        for group in re.findall(r'\bcrate::\{([^}]*)\}', text):
            for other in re.findall(r'(?:^|,)\s*(\w+)', group):
                if other in uses and other != m:
                    uses[m].add(other)
for m in mods:
    print(f'{m:10} uses {", ".join(sorted(uses[m])) or "-"}')
# Circles: strongly connected components of more than one module.
index, low, stack, on, sccs, i = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = i[0]; i[0] += 1; stack.append(v); on.add(v)
    for w in uses[v]:
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        sccs.append(comp)
sys.setrecursionlimit(10000)
for v in mods:
    if v not in index:
        visit(v)
circles = [c for c in sccs if len(c) > 1]
for c in circles:
    print('CIRCLE:', ' <-> '.join(sorted(c)))
if not circles:
    print('no import circles')
sys.exit(1 if circles else 0)
