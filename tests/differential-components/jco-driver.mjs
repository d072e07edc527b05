// The jco side of the component differential test: runs cases against a component in jco (the
// Bytecode Alliance's component-to-JS transpiler, an implementation independent of Shard) and
// prints each result in Shard's WIT value syntax, one line per case, so that run.sh can compare
// them with `shard run COMPONENT --invoke CASE`.
//
// usage: node jco-driver.mjs [--with-cases] COMPONENT.wasm CASES.txt
//   CASES.txt   one invocation per line in Shard's syntax, `func-name(arg, arg)`; blank lines and
//               lines starting with `#` are skipped.
//   output      per case: the result value; an empty line for a function without result;
//               `<trap>` when the guest traps; `<error: ...>` when jco rejects the call.
//               --with-cases prefixes each line with the case and a tab.
// Exit status: 0 when every case ran (traps included), 1 on a bad case or a broken setup,
// 77 when jco is not installed (see examples/greeter-translator/jco-env.sh).
//
// How it works: `jco wit` gives the component's WIT, from which the function and type
// definitions are parsed; the typed cases are converted to jco's JS values, each call runs in a
// fresh instance (a trap poisons a jco instance; Shard also starts afresh for each case), and the
// JS results are converted back using the result type.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

function fail(message, status = 1) {
  console.error(`jco-driver.mjs: ${message}`);
  process.exit(status);
}

// ---------------------------------------------------------------------------------------------
// Locating jco: the same cache directory as examples/greeter-translator/jco-env.sh, but never
// installing anything (a test must not reach the network).
function findJco() {
  const dir = process.env.JCO_DIR || process.env.SHARD_JCO_DIR ||
    join(process.env.XDG_CACHE_HOME || join(process.env.HOME || '/', '.cache'), 'shard-jco');
  const bin = join(dir, 'node_modules', '.bin', 'jco');
  if (!existsSync(bin)) {
    fail(`jco is not installed in ${dir}; run examples/greeter-translator/jco-env.sh once`, 77);
  }
  return bin;
}

// ---------------------------------------------------------------------------------------------
// Types, as parsed from WIT. {kind: 'u32'} for primitives; {kind: 'list', elem}, {kind: 'option',
// elem}, {kind: 'result', ok, err} (null when absent), {kind: 'tuple', elems}, {kind: 'record',
// fields: [[name, type]]}, {kind: 'variant', cases: [[name, type|null]]}, {kind: 'enum', names},
// {kind: 'flags', names}, {kind: 'ref', name} until resolved.
const kPrimitives = new Set(['bool', 's8', 'u8', 's16', 'u16', 's32', 'u32', 's64', 'u64',
  'f32', 'f64', 'char', 'string']);

function tokenizeWit(text) {
  const tokens = [];
  const re = /\s+|\/\/[^\n]*|(->)|(%?[A-Za-z][A-Za-z0-9-]*)|(@[0-9A-Za-z.+-]+)|([{}()<>,:;=./_*])/gy;
  let m;
  while (re.lastIndex < text.length) {
    const at = re.lastIndex;
    if (!(m = re.exec(text))) fail(`WIT: unexpected character at ${at}: ${text.slice(at, at + 20)}`);
    const tok = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (tok !== undefined) tokens.push(tok.startsWith('%') ? tok.slice(1) : tok);
  }
  return tokens;
}

// The subset of WIT that `jco wit` prints for a component without imports: one world with type
// definitions and exported functions.
function parseWorld(text) {
  const toks = tokenizeWit(text);
  let i = 0;
  const peek = () => toks[i];
  const next = () => toks[i++];
  const expect = (t) => { if (toks[i] !== t) fail(`WIT: expected ${t}, got ${toks[i]}`); i++; };
  const parseType = () => {
    const name = next();
    const generic = (fn) => { expect('<'); const r = fn(); expect('>'); return r; };
    if (kPrimitives.has(name)) return { kind: name };
    if (name === 'list') return { kind: 'list', elem: generic(parseType) };
    if (name === 'option') return { kind: 'option', elem: generic(parseType) };
    if (name === 'tuple') {
      return generic(() => {
        const elems = [parseType()];
        while (peek() === ',') { next(); elems.push(parseType()); }
        return { kind: 'tuple', elems };
      });
    }
    if (name === 'result') {
      if (peek() !== '<') return { kind: 'result', ok: null, err: null };
      return generic(() => {
        let ok = null;
        if (peek() === '_') next(); else ok = parseType();
        let err = null;
        if (peek() === ',') { next(); err = parseType(); }
        return { kind: 'result', ok, err };
      });
    }
    return { kind: 'ref', name };
  };
  // `{ a, b, }` or `{ a: T, }` or `{ a, b(T), }`
  const parseBody = (item) => {
    expect('{');
    const items = [];
    while (peek() !== '}') {
      items.push(item(next()));
      if (peek() === ',') next();
    }
    expect('}');
    return items;
  };
  const types = new Map();
  const funcs = new Map();
  while (i < toks.length) {
    const t = next();
    if (t === 'package') { while (next() !== ';'); continue; }
    if (t !== 'world') fail(`WIT: unexpected ${t}`);
    next();  // the world's name
    expect('{');
    while (peek() !== '}') {
      const what = next();
      if (what === 'record') {
        const name = next();
        types.set(name, { kind: 'record', fields: parseBody((f) => { expect(':'); return [f, parseType()]; }) });
      } else if (what === 'variant') {
        const name = next();
        types.set(name, { kind: 'variant', cases: parseBody((c) => {
          if (peek() !== '(') return [c, null];
          next(); const ty = parseType(); expect(')'); return [c, ty];
        }) });
      } else if (what === 'enum') {
        const name = next();
        types.set(name, { kind: 'enum', names: parseBody((c) => c) });
      } else if (what === 'flags') {
        const name = next();
        types.set(name, { kind: 'flags', names: parseBody((c) => c) });
      } else if (what === 'type') {
        const name = next(); expect('='); types.set(name, parseType()); expect(';');
      } else if (what === 'export') {
        const name = next(); expect(':'); expect('func'); expect('(');
        const params = [];
        while (peek() !== ')') {
          const p = next(); expect(':'); params.push([p, parseType()]);
          if (peek() === ',') next();
        }
        expect(')');
        let result = null;
        if (peek() === '->') { next(); result = parseType(); }
        expect(';');
        funcs.set(name, { params, result });
      } else {
        fail(`WIT: unsupported world item ${what} (only types and exported functions)`);
      }
    }
    expect('}');
  }
  return { types, funcs };
}

// ---------------------------------------------------------------------------------------------
// Shard's WIT value syntax, parsed without types first (the type decides what a label or `{}`
// means), e.g. `{a: 1, b: "x", c: [1, 2]}`, `some(none)`, `{read, exec}`, `-inf`, `'\u{10FFFF}'`.
// AST: {t: 'num', text} {t: 'str', value} {t: 'char', value} {t: 'label', name, payload}
// {t: 'list', items} {t: 'tuple', items} {t: 'record', fields: [[name, ast]]} {t: 'flags', names}
function parseValueText(text) {
  let i = 0;
  const where = () => `at column ${i + 1} of ${text}`;
  const ws = () => { while (i < text.length && /\s/.test(text[i])) i++; };
  const eat = (c) => { ws(); if (text[i] === c) { i++; return true; } return false; };
  const expect = (c) => { if (!eat(c)) throw new Error(`expected '${c}' ${where()}`); };
  const label = () => {
    ws();
    const m = /^%?[A-Za-z][A-Za-z0-9-]*/.exec(text.slice(i));
    if (!m) throw new Error(`expected a name ${where()}`);
    i += m[0].length;
    return m[0].replace(/^%/, '');
  };
  const escape = () => {
    const c = text[i++];
    const simple = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };
    if (c in simple) return simple[c];
    if (c === 'u' && text[i] === '{') {
      const end = text.indexOf('}', i);
      const hex = text.slice(i + 1, end);
      if (end < 0 || !/^[0-9a-fA-F]{1,6}$/.test(hex)) throw new Error(`bad \\u escape ${where()}`);
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new Error(`\\u{${hex}} is not a char`);
      i = end + 1;
      return String.fromCodePoint(cp);
    }
    throw new Error(`unknown escape \\${c} ${where()}`);
  };
  const quoted = (q) => {
    let s = '';
    for (;;) {
      if (i >= text.length) throw new Error(`unterminated literal ${where()}`);
      const cp = text.codePointAt(i);
      const c = String.fromCodePoint(cp);
      i += c.length;
      if (c === q) return s;
      s += c === '\\' ? escape() : c;
    }
  };
  const list = (close) => {
    const items = [];
    if (eat(close)) return items;
    do { items.push(value()); } while (eat(','));
    expect(close);
    return items;
  };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '"') { i++; return { t: 'str', value: quoted('"') }; }
    if (c === "'") {
      i++;
      const s = quoted("'");
      if ([...s].length !== 1) throw new Error(`a char literal holds one character ${where()}`);
      return { t: 'char', value: s };
    }
    if (c === '[') { i++; return { t: 'list', items: list(']') }; }
    if (c === '(') { i++; return { t: 'tuple', items: list(')') }; }
    if (c === '{') {
      i++;
      if (eat('}')) return { t: 'flags', names: [] };
      const first = label();
      if (eat(':')) {
        const fields = [[first, value()]];
        while (eat(',')) { const f = label(); expect(':'); fields.push([f, value()]); }
        expect('}');
        return { t: 'record', fields };
      }
      const names = [first];
      while (eat(',')) names.push(label());
      expect('}');
      return { t: 'flags', names };
    }
    const num = /^-?(inf|nan|[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?)(?![A-Za-z0-9-])/.exec(text.slice(i));
    if (num && (c === '-' || /[0-9]/.test(c))) { i += num[0].length; return { t: 'num', text: num[0] }; }
    const name = label();
    ws();
    if (text[i] === '(') { i++; const payload = value(); expect(')'); return { t: 'label', name, payload }; }
    return { t: 'label', name, payload: null };
  };
  // A case: `func-name(arg, ...)`.
  const func = label();
  expect('(');
  const args = list(')');
  ws();
  if (i !== text.length) throw new Error(`trailing text ${where()}`);
  return { func, args };
}

// ---------------------------------------------------------------------------------------------
// Typed conversions between the AST, jco's JS values and Shard's text.
//
// jco's mapping (js-component-bindgen), as observed with jco 1.35:
//   bool → boolean; s8..u32, f32, f64 → number; s64/u64 → BigInt; char → 1-code-point string;
//   string → string; list<u8/u16/.../f64> → typed array on return (array accepted as input),
//   other lists and tuples → arrays; record → object with lowerCamelCase keys; variant →
//   {tag: 'case-name' (kebab, as in WIT), val}; enum → 'case-name'; flags → object of booleans
//   with lowerCamelCase keys; option<T> → T or undefined, except when T is itself an option:
//   then {tag: 'some', val} / {tag: 'none'}; result nested in a value → {tag: 'ok'|'err', val};
//   a function *returning* a result returns the ok payload and throws ComponentError with the
//   err payload in `.payload`.
const camel = (name) => name.replace(/-([a-zA-Z0-9])/g, (_, c) => c.toUpperCase());

function makeResolver(types) {
  const resolveType = (ty) => {
    let seen = 0;
    while (ty.kind === 'ref') {
      const def = types.get(ty.name);
      if (!def || ++seen > 100) fail(`unknown type ${ty.name}`);
      ty = def;
    }
    return ty;
  };
  return resolveType;
}

const kIntRange = {
  s8: [-(2n ** 7n), 2n ** 7n - 1n], u8: [0n, 2n ** 8n - 1n],
  s16: [-(2n ** 15n), 2n ** 15n - 1n], u16: [0n, 2n ** 16n - 1n],
  s32: [-(2n ** 31n), 2n ** 31n - 1n], u32: [0n, 2n ** 32n - 1n],
  s64: [-(2n ** 63n), 2n ** 63n - 1n], u64: [0n, 2n ** 64n - 1n],
};

function toJs(ast, type, R) {
  const ty = R(type);
  const bad = () => new Error(`${JSON.stringify(ast)} is not a ${ty.kind}`);
  switch (ty.kind) {
    case 'bool':
      if (ast.t !== 'label' || ast.payload || !['true', 'false'].includes(ast.name)) throw bad();
      return ast.name === 'true';
    case 's8': case 'u8': case 's16': case 'u16': case 's32': case 'u32': case 's64': case 'u64': {
      if (ast.t !== 'num' || !/^-?[0-9]+$/.test(ast.text)) throw bad();
      const v = BigInt(ast.text);
      const [lo, hi] = kIntRange[ty.kind];
      if (v < lo || v > hi) throw new Error(`${ast.text} is out of range for ${ty.kind}`);
      return ty.kind.endsWith('64') ? v : Number(v);
    }
    case 'f32': case 'f64': {
      // jco gives f32 parameters to wasm as JS numbers, which round to f32 at the boundary: a
      // decimal is rounded twice (to f64, then to f32). Cases avoid values where that differs
      // from rounding the decimal to f32 once.
      const text = ast.t === 'label' && !ast.payload ? ast.name : ast.t === 'num' ? ast.text : null;
      if (text === null) throw bad();
      const v = { nan: NaN, inf: Infinity, '-inf': -Infinity, '-nan': NaN }[text] ?? Number(text);
      if (Number.isNaN(v) && !text.endsWith('nan')) throw bad();
      return v;
    }
    case 'char':
      if (ast.t !== 'char') throw bad();
      return ast.value;
    case 'string':
      if (ast.t !== 'str') throw bad();
      return ast.value;
    case 'list':
      if (ast.t !== 'list') throw bad();
      return ast.items.map((a) => toJs(a, ty.elem, R));
    case 'tuple':
      if (ast.t !== 'tuple' || ast.items.length !== ty.elems.length) throw bad();
      return ast.items.map((a, k) => toJs(a, ty.elems[k], R));
    case 'record': {
      if (ast.t !== 'record') throw bad();
      const given = new Map(ast.fields);
      if (given.size !== ast.fields.length) throw new Error('a record field is given twice');
      const obj = {};
      for (const [name, fty] of ty.fields) {
        if (!given.has(name)) throw new Error(`record field ${name} is missing`);
        obj[camel(name)] = toJs(given.get(name), fty, R);
        given.delete(name);
      }
      if (given.size) throw new Error(`unknown record field ${[...given.keys()][0]}`);
      return obj;
    }
    case 'variant': {
      if (ast.t !== 'label') throw bad();
      const c = ty.cases.find(([n]) => n === ast.name);
      if (!c || !c[1] !== !ast.payload) throw bad();
      return c[1] ? { tag: c[0], val: toJs(ast.payload, c[1], R) } : { tag: c[0] };
    }
    case 'enum':
      if (ast.t !== 'label' || ast.payload || !ty.names.includes(ast.name)) throw bad();
      return ast.name;
    case 'flags': {
      if (ast.t !== 'flags') throw bad();
      const obj = {};
      for (const n of ty.names) obj[camel(n)] = false;
      for (const n of ast.names) {
        if (!ty.names.includes(n)) throw new Error(`unknown flag ${n}`);
        obj[camel(n)] = true;
      }
      return obj;
    }
    case 'option': {
      if (ast.t !== 'label') throw bad();
      const tagged = R(ty.elem).kind === 'option';
      if (ast.name === 'none' && !ast.payload) return tagged ? { tag: 'none' } : undefined;
      if (ast.name === 'some' && ast.payload) {
        const val = toJs(ast.payload, ty.elem, R);
        return tagged ? { tag: 'some', val } : val;
      }
      throw bad();
    }
    case 'result': {
      if (ast.t !== 'label' || !['ok', 'err'].includes(ast.name)) throw bad();
      const pty = ast.name === 'ok' ? ty.ok : ty.err;
      if (!pty !== !ast.payload) throw bad();
      return { tag: ast.name, val: pty ? toJs(ast.payload, pty, R) : undefined };
    }
    default:
      throw new Error(`unsupported type ${ty.kind}`);
  }
}

// a.toString() (a > 0) as "d.ddde±x": the same digits, in scientific layout.
function toScientific(a) {
  const [m, e = '0'] = a.toString().split('e');
  const [int, frac = ''] = m.split('.');
  const all = int + frac;
  const lead = all.search(/[1-9]/);
  const digits = all.slice(lead).replace(/0+$/, '');
  const exp = Number(e) + int.length - 1 - lead;
  return `${digits[0]}${digits.length > 1 ? '.' + digits.slice(1) : ''}e${exp}`;
}

// The shortest decimal (as "d.ddde±x") that reads back as the f32 `a` > 0; among those of that
// length the closest, the even one on a tie. Exact arithmetic: a decimal reads back as `a`
// when it lies in a's rounding interval, half an ulp either side (a quarter below at a power of
// two), ends included when a's significand is even (ties-to-even).
function shortestF32(a) {
  const dv = new DataView(new ArrayBuffer(4));
  dv.setFloat32(0, a);
  const b = dv.getUint32(0);
  const field = b >>> 23;
  const frac = b & 0x7fffff;
  // All in units of 2^-151 (a quarter of the smallest ulp): value, lower and upper bound.
  const sig = BigInt(field ? frac + 0x800000 : frac);
  const shift = BigInt(Math.max(field, 1) - 1);  // a = sig * 2^(shift - 149)
  const v = (sig << shift) << 2n;
  const ulp = (1n << shift) << 2n;
  const lo = v - (frac === 0 && field > 1 ? ulp / 4n : ulp / 2n);
  const hi = v + ulp / 2n;
  const inclusive = (sig & 1n) === 0n;
  // D * 10^E in units of 2^-151, times 10^s so that it is an integer; v, lo, hi scaled alike.
  const cmp = (D, E) => {
    const s = E < 0 ? -E : 0;
    const scale = 10n ** BigInt(s);
    const c = (D * 10n ** BigInt(E + s)) << 151n;
    return { c, v: v * scale, lo: lo * scale, hi: hi * scale };
  };
  for (let p = 1; p <= 9; p++) {
    const [m, e] = a.toExponential(p - 1).split('e');
    const near = BigInt(m.replace('.', ''));
    let best;
    for (const d of [near - 1n, near, near + 1n]) {
      if (d <= 0n) continue;
      const E = Number(e) - (p - 1);
      const k = cmp(d, E);
      const inside = inclusive ? k.c >= k.lo && k.c <= k.hi : k.c > k.lo && k.c < k.hi;
      if (!inside) continue;
      const dist = k.c > k.v ? k.c - k.v : k.v - k.c;
      if (!best || dist < best.dist || (dist === best.dist && (d & 1n) === 0n)) best = { d, E, dist };
    }
    if (best) {
      const ds = best.d.toString();
      const exp = best.E + ds.length - 1;
      return `${ds[0]}${ds.length > 1 ? '.' + ds.slice(1) : ''}e${exp}`;
    }
  }
  throw new Error(`no shortest form for f32 ${a}`);
}

// Shortest round-trip decimal in the layout of C++'s std::to_chars(first, last, value) without a
// format: printf-style %f or %e (exponent sign and at least two digits), whichever is shorter,
// %f on a tie. So 1e6 prints as `1e+06` and 1e-7 as `1e-07` (JS would say 1000000 and 1e-7).
// Checked against libstdc++'s std::to_chars on random f32 and f64 bit patterns.
// f32 values get the shortest digits that round-trip *as f32*.
function formatFloat(x, bits) {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const sign = x < 0 ? '-' : '';
  const a = Math.abs(x);
  // Number::toString is specified to give the shortest digits that read back as the f64, the
  // closest of them, the even one on a tie: what std::to_chars picks as well.
  const mantissa = bits === 64 ? toScientific(a) : shortestF32(a);
  const [m, e] = mantissa.split('e');
  const digits = m.replace('.', '').replace(/0+$/, '') || '0';
  const exp = Number(e);
  const n = digits.length;
  const sci = digits[0] + (n > 1 ? '.' + digits.slice(1) : '') +
    'e' + (exp < 0 ? '-' : '+') + String(Math.abs(exp)).padStart(2, '0');
  // %f of an integral value prints all its digits exactly (the standard picks, among equally
  // short representations, the one closest to the value): 2477523456 rather than 2477523500.
  let fixed;
  if (exp >= n - 1) fixed = BigInt(a).toString();
  else if (exp >= 0) fixed = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  else fixed = '0.' + '0'.repeat(-exp - 1) + digits;
  return sign + (fixed.length <= sci.length ? fixed : sci);
}

// Escapes: \n \t \r \\, the quote of the literal (\" in strings, \' in chars), and \u{hex}
// (lower-case, no leading zeros) for the other ASCII control characters U+0000-U+001F and U+007F.
// Everything else, non-ASCII included, is printed as is.
function quote(s, q) {
  let out = q;
  for (const c of s) {
    const cp = c.codePointAt(0);
    if (c === '\n') out += '\\n';
    else if (c === '\t') out += '\\t';
    else if (c === '\r') out += '\\r';
    else if (c === '\\') out += '\\\\';
    else if (c === q) out += '\\' + q;
    else if (cp < 0x20 || cp === 0x7f) out += `\\u{${cp.toString(16)}}`;
    else out += c;
  }
  return out + q;
}

function fromJs(v, type, R) {
  const ty = R(type);
  const wrong = () => new Error(`jco returned ${String(v)} (${typeof v}) for a ${ty.kind}`);
  const list = (xs, open, close, f) => open + xs.map(f).join(', ') + close;
  switch (ty.kind) {
    case 'bool':
      if (typeof v !== 'boolean') throw wrong();
      return String(v);
    case 's8': case 'u8': case 's16': case 'u16': case 's32': case 'u32':
      if (typeof v !== 'number' || !Number.isInteger(v)) throw wrong();
      return String(v);
    case 's64': case 'u64':
      if (typeof v !== 'bigint') throw wrong();
      return v.toString();
    case 'f32': case 'f64':
      if (typeof v !== 'number') throw wrong();
      return formatFloat(v, ty.kind === 'f32' ? 32 : 64);
    case 'char':
      if (typeof v !== 'string' || [...v].length !== 1) throw wrong();
      return quote(v, "'");
    case 'string':
      if (typeof v !== 'string') throw wrong();
      return quote(v, '"');
    case 'list':
      if (!Array.isArray(v) && !ArrayBuffer.isView(v)) throw wrong();
      return list(Array.from(v), '[', ']', (x) => fromJs(x, ty.elem, R));
    case 'tuple':
      if (!Array.isArray(v) || v.length !== ty.elems.length) throw wrong();
      return list(v, '(', ')', (x, k) => fromJs(x, ty.elems[k], R));
    case 'record':
      if (typeof v !== 'object' || v === null) throw wrong();
      return list(ty.fields, '{', '}', ([n, fty]) => `${n}: ${fromJs(v[camel(n)], fty, R)}`);
    case 'variant': {
      const c = ty.cases.find(([n]) => n === v?.tag);
      if (!c) throw wrong();
      return c[1] ? `${c[0]}(${fromJs(v.val, c[1], R)})` : c[0];
    }
    case 'enum':
      if (!ty.names.includes(v)) throw wrong();
      return v;
    case 'flags':
      if (typeof v !== 'object' || v === null) throw wrong();
      return list(ty.names.filter((n) => v[camel(n)] === true), '{', '}', (n) => n);
    case 'option':
      if (R(ty.elem).kind === 'option') {
        if (v?.tag === 'none') return 'none';
        if (v?.tag === 'some') return `some(${fromJs(v.val, ty.elem, R)})`;
        throw wrong();
      }
      return v === undefined || v === null ? 'none' : `some(${fromJs(v, ty.elem, R)})`;
    case 'result': {
      if (v?.tag !== 'ok' && v?.tag !== 'err') throw wrong();
      const pty = v.tag === 'ok' ? ty.ok : ty.err;
      return pty ? `${v.tag}(${fromJs(v.val, pty, R)})` : v.tag;
    }
    default:
      throw new Error(`unsupported type ${ty.kind}`);
  }
}

// ---------------------------------------------------------------------------------------------
const argv = process.argv.slice(2);
let withCases = false;
if (argv[0] === '--with-cases') { withCases = true; argv.shift(); }
if (argv.length !== 2) fail('usage: node jco-driver.mjs [--with-cases] COMPONENT.wasm CASES.txt', 2);
const [componentPath, casesPath] = argv.map((p) => resolve(p));

const jco = findJco();
const run = (args) => execFileSync(jco, args, { stdio: ['ignore', 'pipe', 'inherit'] }).toString();
const { types, funcs } = parseWorld(run(['wit', componentPath]));
const R = makeResolver(types);

const lines = readFileSync(casesPath, 'utf8').split('\n').map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const cases = lines.map((line) => {
  try {
    const { func, args } = parseValueText(line);
    const sig = funcs.get(func);
    if (!sig) throw new Error(`no export ${func}`);
    if (args.length !== sig.params.length) {
      throw new Error(`${func} takes ${sig.params.length} arguments, given ${args.length}`);
    }
    return { line, func, sig, args: args.map((a, k) => toJs(a, sig.params[k][1], R)) };
  } catch (e) {
    return fail(`bad case ${line}: ${e.message}`);
  }
});

const out = mkdtempSync(join(tmpdir(), 'shard-jco-driver-'));
try {
  // --instantiation async: the module exports instantiate(), so that every case gets a fresh
  // instance of the component from one compiled core module.
  run(['transpile', componentPath, '--name', 'component', '-o', out, '--no-typescript',
    '--instantiation', 'async', '--quiet']);
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  const { instantiate } = await import(pathToFileURL(join(out, 'component.js')).href);
  const coreModules = new Map();
  const getCoreModule = (name) => {
    if (!coreModules.has(name)) {
      coreModules.set(name, WebAssembly.compile(readFileSync(join(out, name))));
    }
    return coreModules.get(name);
  };

  for (const c of cases) {
    let text;
    try {
      const instance = await instantiate(getCoreModule, {});
      const fn = instance[camel(c.func)];
      if (typeof fn !== 'function') throw new Error(`jco exports no ${camel(c.func)}`);
      const resultType = c.sig.result && R(c.sig.result);
      let value;
      if (resultType?.kind === 'result') {
        // A returned result is the ok payload, or a ComponentError carrying the err payload.
        try {
          value = { tag: 'ok', val: await fn(...c.args) };
        } catch (e) {
          if (e?.constructor?.name !== 'ComponentError') throw e;
          value = { tag: 'err', val: e.payload };
        }
      } else {
        value = await fn(...c.args);
      }
      text = c.sig.result ? fromJs(value, c.sig.result, R) : '';
    } catch (e) {
      text = e instanceof WebAssembly.RuntimeError ? '<trap>'
        : `<error: ${String(e?.message ?? e).split('\n')[0]}>`;
    }
    console.log(withCases ? `${c.line}\t${text}` : text);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
