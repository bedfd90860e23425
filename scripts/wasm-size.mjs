// What the app's wasm is made of, for the benchmark (scripts/bench.sh):
//   node scripts/wasm-size.mjs APP_WASM [FLOOR_WASM_OPT]
// With TOP=N in the environment it also lists the N largest functions.
// APP_WASM is the release build as rustc links it (before wasm-bindgen and
// wasm-opt), which still has its name section: every function's code is
// counted against the crate (and, for this crate, the module) its name
// starts with, the way twiggy's `top` does, plus the data segments. The
// shares are of that pre-optimisation size; `wasm-opt -Oz` shrinks every
// part by roughly the same factor. A generic function instantiated for
// another crate's types counts where it is defined (`core::ptr::drop_in_place`
// of a Leptos type is `core`), so "std and alloc" is partly made by the rest.
// The `__wbindgen_describe_*` functions and their helpers are left out:
// wasm-bindgen runs them at build time and removes them.
//
// FLOOR_WASM_OPT, if given, is examples/wasm_floor.rs built and run through
// wasm-opt -Oz: the simulation, every checker and the session link with no
// drawing at all. Its gzip size is the least any renderer could add to.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const [appPath, floorPath] = process.argv.slice(2);
if (!appPath) {
  console.error('usage: node scripts/wasm-size.mjs APP_WASM [FLOOR_WASM_OPT]');
  process.exit(2);
}

/** The sections of a wasm module: `{ id, name, start, end }` (the payload's bytes). */
function sections(bytes) {
  const out = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at++];
    const [size, start] = leb(bytes, at);
    let name = '';
    if (id === 0) {
      const [len, from] = leb(bytes, start);
      name = new TextDecoder().decode(bytes.subarray(from, from + len));
    }
    out.push({ id, name, start, end: start + size });
    at = start + size;
  }
  return out;
}

/** An unsigned LEB128 number at `at`: `[value, the offset after it]`. */
function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, at];
  }
}

/** How many functions the module imports (they come first in the index space). */
function importedFunctions(bytes, section) {
  let [count, at] = leb(bytes, section.start);
  let functions = 0;
  const skipName = (p) => {
    const [len, from] = leb(bytes, p);
    return from + len;
  };
  while (count-- > 0) {
    at = skipName(skipName(at));
    const kind = bytes[at++];
    if (kind === 0) {
      functions++;
      at = leb(bytes, at)[1];
    } else if (kind === 1) {
      at = limits(bytes, at + 1);
    } else if (kind === 2) {
      at = limits(bytes, at);
    } else if (kind === 3) {
      at += 2;
    } else {
      at = leb(bytes, at + 1)[1];
    }
  }
  return functions;
}

function limits(bytes, at) {
  const flags = bytes[at++];
  at = leb(bytes, at)[1];
  return flags & 1 ? leb(bytes, at)[1] : at;
}

/** Function index -> name, from the name section's function subsection. */
function functionNames(bytes, section) {
  const names = new Map();
  let at = leb(bytes, section.start)[1] + 'name'.length;
  while (at < section.end) {
    const kind = bytes[at++];
    const [size, start] = leb(bytes, at);
    if (kind === 1) {
      let [count, p] = leb(bytes, start);
      while (count-- > 0) {
        const [index, q] = leb(bytes, p);
        const [len, from] = leb(bytes, q);
        names.set(index, new TextDecoder().decode(bytes.subarray(from, from + len)));
        p = from + len;
      }
    }
    at = start + size;
  }
  return names;
}

/**
 * The path a Rust symbol starts with (legacy `_ZN` or v0 `_R` mangling): `raftlab::sim` for
 * `_ZN7raftlab3sim5world...`, and the type's path for an impl
 * (`_ZN..._$LT$raftlab..view..recorder..Recorder$u20$as$u20$...`).
 */
function owner(symbol) {
  if (symbol.startsWith('_R')) {
    // v0 mangling (the standard library): the first crate root,
    // `C[s<hash>_]<len>[_]<name>` (the `_` when the name starts with `_`).
    const root = symbol.match(/C(?:s[0-9A-Za-z]*_)?(\d+)/);
    if (root) {
      let from = root.index + root[0].length;
      if (symbol[from] === '_') from++;
      return [symbol.slice(from, from + Number(root[1]))];
    }
  }
  if (!symbol.startsWith('_ZN')) return [symbol.replace(/[^A-Za-z_].*$/, '') || '(unnamed)'];
  const parts = [];
  let at = 3;
  while (parts.length < 2 && /\d/.test(symbol[at])) {
    const len = parseInt(symbol.slice(at), 10);
    at += String(len).length;
    parts.push(symbol.slice(at, at + len));
    at += len;
  }
  if (parts[0]?.startsWith('_$LT$')) {
    // `<Type as Trait>`: the type's crate, or the trait's when the type is a
    // parameter, a tuple or a slice (`<T as ...>`, `<(A,B) as ...>`).
    const inner = parts[0].slice(5).replace(/^(\$RF\$|mut\$u20\$|dyn\$u20\$)+/, '');
    const trait = inner.split('$u20$as$u20$')[1];
    const path = /^[a-z_][a-z0-9_]*\.\./.test(inner) || !trait ? inner : trait;
    return path.split('$')[0].split('..').filter(Boolean);
  }
  return parts;
}

const GROUPS = [
  ['Leptos (leptos, tachys, reactive_graph, ...)', /^(leptos\w*|tachys|reactive_graph|reactive_stores|any_spawner|either_of|oco_ref|next_tuple|throw_error|hydration_context|server_fn|or_poisoned|slotmap|guardian|send_wrapper)$/],
  ['std, core and alloc (with their generics)', /^(core|alloc|std|hashbrown|dlmalloc|compiler_builtins|__rustc|memchr|rustc_demangle|indexmap|equivalent)$/],
  ['serde and serde_json', /^(serde\w*|zmij|itoa|ryu)$/],
  ['wasm-bindgen, js-sys, web-sys, timers', /^(wasm_bindgen\w*|js_sys|web_sys|gloo\w*|futures\w*|pin_project\w*)$/],
];

const app = readFileSync(appPath);
const all = sections(app);
const imports = all.find((s) => s.id === 2);
const firstDefined = imports ? importedFunctions(app, imports) : 0;
const names = functionNames(app, all.find((s) => s.id === 0 && s.name === 'name'));
const code = all.find((s) => s.id === 10);
const totals = new Map();
const largest = [];
const add = (key, n) => totals.set(key, (totals.get(key) ?? 0) + n);
{
  let [count, at] = leb(app, code.start);
  for (let i = 0; i < count; i++) {
    const [size, body] = leb(app, at);
    at = body + size;
    const name = names.get(firstDefined + i) ?? '(unnamed)';
    if (name.startsWith('__wbindgen_describe') || name.includes('wasm_bindgen..describe')) continue;
    largest.push([size, name]);
    const [crate, module] = owner(name);
    if (crate === 'raftlab') {
      add(`this crate: ${['ui', 'view'].includes(module) ? 'the app (ui, view)' : 'the model (raft, sim, check, scenario, ...)'}`, size);
      continue;
    }
    const group = GROUPS.find(([, re]) => re.test(crate));
    add(group ? group[0] : 'other functions', size);
  }
}
for (const s of all.filter((s) => s.id === 11)) add('data (text, tables)', s.end - s.start);

const total = [...totals.values()].reduce((a, b) => a + b, 0);
console.log(`what ${appPath} is made of (${total} bytes of code and data before wasm-opt):`);
for (const [what, bytes] of [...totals].sort((a, b) => b[1] - a[1])) {
  console.log(`  ${(100 * bytes / total).toFixed(1).padStart(5)} %  ${String(bytes).padStart(8)}  ${what}`);
}
const top = Number(process.env.TOP || 0);
if (top > 0) {
  console.log(`the ${top} largest functions:`);
  for (const [size, name] of largest.sort((a, b) => b[0] - a[0]).slice(0, top)) {
    console.log(`  ${String(size).padStart(8)}  ${name.slice(0, 160)}`);
  }
}
if (floorPath) {
  const floor = readFileSync(floorPath);
  const gz = gzipSync(floor, { level: 9 }).length;
  console.log(`floor_gzip: ${floor.length} bytes, ${gz} bytes gzip: the model alone (simulation, checkers, session link; nothing drawn)`);
}
