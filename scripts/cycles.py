#!/usr/bin/env python3
"""Lists import cycles between the modules (files) of a crate.

An edge a -> b means a file uses an item defined in file b: `crate::` and
`super::` paths are resolved to the file defining the named item (through
re-exports), so a parent's `pub use child::X` is not counted as a use.
Test modules (`#[cfg(test)]` onwards) are ignored. Exit 1 when a cycle exists.
"""
import os, re, sys
sys.setrecursionlimit(100000)

DEF = re.compile(r'^\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+fn|async\s+fn|unsafe\s+fn|fn|struct|enum|trait|type|const|static|union|macro_rules!)\s+([A-Za-z_][A-Za-z0-9_]*)', re.M)
REEXP = re.compile(r'^\s*pub(?:\([^)]*\))?\s+use\s+([^;]+);', re.M)

def module_of(root, path):
    parts = os.path.relpath(path, root)[:-3].split(os.sep)
    if parts[-1] in ('mod', 'lib', 'main'):
        parts = parts[:-1]
    return tuple(parts)

def production(src):
    """`src` without comments and without the items `#[cfg(test)]` marks
    (a test module, a test-only `use`), so test code adds no edges."""
    src = re.sub(r'/\*.*?\*/', '', src, flags=re.S)
    src = re.sub(r'//.*', '', src)
    out, i = [], 0
    while True:
        j = src.find('#[cfg(test)]', i)
        if j < 0:
            return ''.join(out) + src[i:]
        out.append(src[i:j])
        k = j + len('#[cfg(test)]')
        semi, brace = src.find(';', k), src.find('{', k)
        if brace < 0 or (0 <= semi < brace):
            i = semi + 1 if semi >= 0 else len(src)
            continue
        depth, k = 0, brace
        while k < len(src):
            depth += (src[k] == '{') - (src[k] == '}')
            k += 1
            if depth == 0:
                break
        i = k


def expand(tree):
    """`a::{b, c::{d}}` -> [['a','b'], ['a','c','d']] (aliases dropped)."""
    tree = tree.strip()
    i = tree.find('{')
    if i < 0:
        return [[p for p in tree.split(' as ')[0].strip().split('::') if p]]
    head = [p for p in tree[:i].split('::') if p]
    inner, depth, cur, out = tree[i + 1:tree.rfind('}')], 0, '', []
    for ch in inner + ',':
        if ch == ',' and depth == 0:
            if cur.strip():
                out += [head + t for t in expand(cur)]
            cur = ''
            continue
        depth += (ch == '{') - (ch == '}')
        cur += ch
    return out

def main(root):
    files = {}
    for d, _, fs in os.walk(root):
        for f in fs:
            if f.endswith('.rs'):
                p = os.path.join(d, f)
                if any(part.endswith('tests') for part in module_of(root, p)):
                    continue  # test modules (`#[cfg(test)] mod tests;`)
                files[module_of(root, p)] = production(open(p, encoding='utf-8').read())
    defs = {m: set(DEF.findall(s)) for m, s in files.items()}
    reexports = {m: [t for tr in REEXP.findall(s) for t in expand(tr)] for m, s in files.items()}

    def absolute(m, parts):
        out = list(m)
        while parts and parts[0] in ('super', 'self', 'crate'):
            if parts[0] == 'crate':
                out = []
            elif parts[0] == 'super':
                out = out[:-1]
            parts = parts[1:]
        return out + parts

    def resolve(parts, seen=0):
        """The file defining the item `parts` names, or None."""
        parts = list(parts)
        for k in range(len(parts), -1, -1):
            mod = tuple(parts[:k])
            if mod in files:
                rest = parts[k:]
                if not rest or rest[0] in ('self', '*'):
                    return mod
                name = rest[0]
                if name in defs[mod] or seen > 8:
                    return mod
                for t in reexports[mod]:
                    if t and t[-1] == name:
                        return resolve(absolute(mod, t), seen + 1) or mod
                return mod
        return None

    graph = {m: set() for m in files}
    why = {}
    for m, s in files.items():
        body = REEXP.sub('', s)
        paths = []
        for tree in re.findall(r'\buse\s+((?:crate|super|self)::[^;]+);', body):
            paths += expand(tree)
        body2 = re.sub(r'\buse\s+[^;]+;', '', body)
        paths += [p.split('::') for p in re.findall(r'\b((?:crate|super)(?:::[A-Za-z_][A-Za-z0-9_]*)+)', body2)]
        kids = {k[-1] for k in files if len(k) == len(m) + 1 and k[:len(m)] == m}
        for tree in re.findall(r'\buse\s+([a-z_][a-z0-9_]*::[^;]+);', body):
            if tree.split('::')[0] in kids:
                paths += [['self'] + t for t in expand(tree)]
        for p in re.findall(r'(?<![:A-Za-z0-9_])([a-z_][a-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)+)', body2):
            if p.split('::')[0] in kids:
                paths.append(['self'] + p.split('::'))
        for t in reexports[m]:
            if t and t[-1] not in ('*', 'self') and re.search(r'\b' + re.escape(t[-1]) + r'\b', body2):
                paths.append(t if t[0] in ('crate', 'super', 'self') else ['self'] + t)
        for p in paths:
            t = resolve(absolute(m, p))
            if t is not None and t != m:
                graph[m].add(t)
                why.setdefault((m, t), set()).add('::'.join(p))
    name = lambda m: '::'.join(m) or 'crate'
    found = 0
    for depth in range(1, max(map(len, files)) + 1):
        cut = lambda m: m[:depth]
        g = {}
        for a, bs in graph.items():
            for b in bs:
                x, y = cut(a), cut(b)
                if x[:len(y)] == y or y[:len(x)] == x:
                    continue  # a module and its own parent or child
                g.setdefault(x, set()).add(y)
                g.setdefault(y, set())
        for comp in sccs(g):
            found += 1
            print(f'{root}: cycle among', ', '.join(sorted(map(name, comp))))
            for x in sorted(comp):
                for y in sorted(y for y in g[x] if y in comp):
                    uses = sorted({w for (a, b), ws in why.items() if cut(a) == x and cut(b) == y for w in ws})
                    print('   ', name(x), '->', name(y), '(' + ', '.join(uses[:4]) + ')')
    return 1 if found else 0


def sccs(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, comps, n = {}, {}, [], set(), [], [0]
    def visit(v):
        index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(comp)
    for v in graph:
        if v not in index:
            visit(v)
    return comps


def self_test():
    """The checker finds a two-file cycle and passes its fix."""
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        def write(name, text):
            with open(os.path.join(d, name), 'w', encoding='utf-8') as f:
                f.write(text)
        write('lib.rs', 'mod a;\nmod b;\n')
        write('a.rs', 'use crate::b::B;\npub struct A;\n')
        write('b.rs', 'pub struct B(crate::a::A);\n')
        assert main(d) == 1, 'a two-file cycle was not found'
        write('b.rs', 'pub struct B;\n#[cfg(test)]\nmod t { use crate::a::A; }\n')
        assert main(d) == 0, 'a test-only use was counted'
        write('b.rs', '#[cfg(test)]\nuse std::fmt;\npub struct B;\n#[cfg(test)]\nmod t {}\npub fn f(_: crate::a::A) {}\n')
        assert main(d) == 1, 'an item after a test module was not counted'
    print('cycles.py self-test: ok')
    return 0


if __name__ == '__main__':
    if sys.argv[1:] == ['--self-test']:
        sys.exit(self_test())
    sys.exit(max([main(r) for r in sys.argv[1:]] or [0]))
