// Stata .dta, format 118 (Stata 14 and later), written and read by hand following the specification
// (https://www.stata.com/help.cgi?dta): header, map, variable_types, varnames, sortlist, formats,
// value_label_names, variable_labels, characteristics, data, strls, value_labels. Little-endian (LSF);
// strings are UTF-8, so Chinese names survive; str# holds up to 2045 bytes, longer text goes to strL.
// The file carries no timestamp, so the same data give the same bytes.

export type DtaType = 'byte' | 'int' | 'long' | 'float' | 'double' | 'strL' | { str: number };

export interface DtaVariable {
  name: string;
  type: DtaType;
  /** display format, e.g. %9.0g, %-12s, %td */
  format: string;
  /** variable label, at most 80 characters */
  label: string;
  /** name of the value label set attached, or '' */
  valueLabel: string;
  /** numbers for numeric types (null or NaN: system missing `.`), strings for str#/strL (null: "") */
  values: Array<number | string | null>;
}

export interface DtaValueLabelSet {
  name: string;
  entries: Array<{ value: number; label: string }>;
}

export interface DtaDataset {
  /** dataset label, at most 80 characters */
  label: string;
  variables: DtaVariable[];
  /** variables the data are sorted by (Stata's sortlist) */
  sortedBy: string[];
  valueLabels: DtaValueLabelSet[];
  /** characteristics; `variable` is `_dta` for the dataset's own (e.g. notes) */
  characteristics: Array<{ variable: string; name: string; value: string }>;
}

const TYPE_CODES = { byte: 65530, int: 65529, long: 65528, float: 65527, double: 65526, strL: 32768 } as const;
/** largest non-missing value of each integer type; the next one is system missing `.` */
const INTEGER_RANGE = { byte: [-127, 100], int: [-32767, 32740], long: [-2147483647, 2147483620] } as const;
const MISSING_INT = { byte: 101, int: 32741, long: 2147483621 } as const;
const MAX_FLOAT = 1.7014117331926443e38; // 0x7effffff
const MAX_DOUBLE = 8.988465674311579e307; // just below 2^1023, Stata's `.`
export const MAX_STR_BYTES = 2045;
const LABEL_CHARS = 80;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: false });

export const isStr = (t: DtaType): t is { str: number } => typeof t === 'object';

/** Cut to at most n characters (code points), never inside a UTF-8 sequence. */
export function limitChars(s: string, n: number): string {
  const chars = [...s];
  return chars.length <= n ? s : chars.slice(0, n).join('');
}

/** Bytes out, growing as needed. */
class ByteWriter {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private ensure(n: number) {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  tag(s: string) { this.bytes(utf8.encode(s)); }
  bytes(b: Uint8Array) { this.ensure(b.length); this.buf.set(b, this.length); this.length += b.length; }
  u8(v: number) { this.ensure(1); this.view.setUint8(this.length, v); this.length += 1; }
  i8(v: number) { this.ensure(1); this.view.setInt8(this.length, v); this.length += 1; }
  u16(v: number) { this.ensure(2); this.view.setUint16(this.length, v, true); this.length += 2; }
  i16(v: number) { this.ensure(2); this.view.setInt16(this.length, v, true); this.length += 2; }
  u32(v: number) { this.ensure(4); this.view.setUint32(this.length, v, true); this.length += 4; }
  i32(v: number) { this.ensure(4); this.view.setInt32(this.length, v, true); this.length += 4; }
  u64(v: number) { this.ensure(8); this.view.setBigUint64(this.length, BigInt(v), true); this.length += 8; }
  f32(v: number) { this.ensure(4); this.view.setFloat32(this.length, v, true); this.length += 4; }
  f64(v: number) { this.ensure(8); this.view.setFloat64(this.length, v, true); this.length += 8; }
  /** a fixed-width field: the UTF-8 text, padded with NUL (the text must fit) */
  fixed(s: string, width: number) {
    const b = utf8.encode(s);
    if (b.length > width) throw new Error(`dta: '${s}' is longer than ${width} bytes`);
    this.bytes(b);
    this.ensure(width - b.length);
    this.buf.fill(0, this.length, this.length + width - b.length);
    this.length += width - b.length;
  }
  patchU64(at: number, v: number) { this.view.setBigUint64(at, BigInt(v), true); }
  result(): Uint8Array { return this.buf.slice(0, this.length); }
}

/** Check a dataset before writing: names, label lengths, value ranges. Throws with the variable named. */
function validate(ds: DtaDataset): void {
  const n = ds.variables[0]?.values.length ?? 0;
  const names = new Set<string>();
  if (ds.variables.length > 32767) throw new Error(`dta: ${ds.variables.length} variables (Stata allows 32,767)`);
  for (const v of ds.variables) {
    if (!/^[\p{L}_][\p{L}\p{N}_]{0,31}$/u.test(v.name)) throw new Error(`dta: '${v.name}' is not a Stata variable name`);
    if (names.has(v.name)) throw new Error(`dta: duplicate variable '${v.name}'`);
    names.add(v.name);
    if (v.values.length !== n) throw new Error(`dta: variable '${v.name}' has ${v.values.length} values, expected ${n}`);
    if (isStr(v.type)) {
      if (!(v.type.str >= 1 && v.type.str <= MAX_STR_BYTES)) throw new Error(`dta: str${v.type.str} of '${v.name}' is outside str1…str${MAX_STR_BYTES}`);
      for (const x of v.values) {
        if (x !== null && typeof x !== 'string') throw new Error(`dta: '${v.name}' is a string variable, got ${typeof x}`);
        if (x !== null && utf8.encode(x).length > v.type.str) throw new Error(`dta: a value of '${v.name}' is longer than str${v.type.str}`);
      }
    } else if (v.type === 'strL') {
      for (const x of v.values) if (x !== null && typeof x !== 'string') throw new Error(`dta: '${v.name}' is a string variable, got ${typeof x}`);
    } else {
      const type = v.type;
      for (const x of v.values) {
        if (x === null || (typeof x === 'number' && Number.isNaN(x))) continue;
        if (typeof x !== 'number') throw new Error(`dta: '${v.name}' is numeric, got a ${typeof x}`);
        if (type === 'byte' || type === 'int' || type === 'long') {
          const [lo, hi] = INTEGER_RANGE[type];
          if (!Number.isInteger(x) || x < lo || x > hi) throw new Error(`dta: ${x} does not fit the ${type} variable '${v.name}'`);
        } else if (Math.abs(x) > (type === 'float' ? MAX_FLOAT : MAX_DOUBLE)) {
          throw new Error(`dta: ${x} does not fit the ${type} variable '${v.name}'`);
        }
      }
    }
  }
  for (const s of ds.sortedBy) if (!names.has(s)) throw new Error(`dta: sort variable '${s}' is not a variable`);
  for (const set of ds.valueLabels) {
    if (!/^[\p{L}_][\p{L}\p{N}_]{0,31}$/u.test(set.name)) throw new Error(`dta: '${set.name}' is not a Stata value label name`);
    for (const e of set.entries) if (!Number.isInteger(e.value) || e.value < -2147483647 || e.value > 2147483620) throw new Error(`dta: value label ${set.name}: ${e.value} is not an integer Stata can label`);
  }
}

/** The bytes of a .dta file (format 118). */
export function writeDta(ds: DtaDataset): Uint8Array {
  validate(ds);
  const vars = ds.variables;
  const K = vars.length;
  const N = vars[0]?.values.length ?? 0;
  const w = new ByteWriter();
  const map: number[] = [];

  map.push(w.length);
  w.tag('<stata_dta><header><release>118</release><byteorder>LSF</byteorder>');
  w.tag('<K>'); w.u16(K); w.tag('</K>');
  w.tag('<N>'); w.u64(N); w.tag('</N>');
  const label = utf8.encode(limitChars(ds.label, LABEL_CHARS));
  w.tag('<label>'); w.u16(label.length); w.bytes(label); w.tag('</label>');
  w.tag('<timestamp>'); w.u8(0); w.tag('</timestamp>');
  w.tag('</header>');

  map.push(w.length);
  w.tag('<map>');
  const mapAt = w.length;
  for (let i = 0; i < 14; i++) w.u64(0);
  w.tag('</map>');

  map.push(w.length);
  w.tag('<variable_types>');
  for (const v of vars) w.u16(isStr(v.type) ? v.type.str : TYPE_CODES[v.type]);
  w.tag('</variable_types>');

  map.push(w.length);
  w.tag('<varnames>');
  for (const v of vars) w.fixed(v.name, 129);
  w.tag('</varnames>');

  map.push(w.length);
  w.tag('<sortlist>');
  const sortIndex = ds.sortedBy.map((s) => vars.findIndex((v) => v.name === s) + 1);
  for (let i = 0; i <= K; i++) w.u16(sortIndex[i] ?? 0);
  w.tag('</sortlist>');

  map.push(w.length);
  w.tag('<formats>');
  for (const v of vars) w.fixed(v.format, 57);
  w.tag('</formats>');

  map.push(w.length);
  w.tag('<value_label_names>');
  for (const v of vars) w.fixed(v.valueLabel, 129);
  w.tag('</value_label_names>');

  map.push(w.length);
  w.tag('<variable_labels>');
  for (const v of vars) w.fixed(limitChars(v.label, LABEL_CHARS), 321);
  w.tag('</variable_labels>');

  map.push(w.length);
  w.tag('<characteristics>');
  for (const ch of ds.characteristics) {
    const contents = utf8.encode(ch.value);
    w.tag('<ch>');
    w.u32(129 + 129 + contents.length + 1);
    w.fixed(ch.variable, 129);
    w.fixed(ch.name, 129);
    w.bytes(contents);
    w.u8(0);
    w.tag('</ch>');
  }
  w.tag('</characteristics>');

  // strL cells point at (v, o), the variable and observation (1-based) whose GSO holds the text; a text seen
  // before in the same variable points at that GSO
  const gsos: Array<{ v: number; o: number; bytes: Uint8Array }> = [];
  const strlRefs = vars.map((v, j) => {
    if (v.type !== 'strL') return null;
    const seen = new Map<string, number>();
    return v.values.map((x, i) => {
      if (x === null || x === '') return 0;
      const s = x as string;
      const first = seen.get(s);
      if (first !== undefined) return first;
      seen.set(s, i + 1);
      gsos.push({ v: j + 1, o: i + 1, bytes: utf8.encode(s) });
      return i + 1;
    });
  });

  map.push(w.length);
  w.tag('<data>');
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < K; j++) {
      const v = vars[j];
      const x = v.values[i];
      const t = v.type;
      if (isStr(t)) w.fixed((x as string | null) ?? '', t.str);
      else if (t === 'strL') {
        const o = strlRefs[j]![i];
        // 118: v in 2 bytes, o in 6 bytes
        w.u16(o === 0 ? 0 : j + 1);
        w.u32(o % 2 ** 32);
        w.u16(Math.floor(o / 2 ** 32));
      } else {
        const missing = x === null || Number.isNaN(x as number);
        const num = x as number;
        if (t === 'byte') w.i8(missing ? MISSING_INT.byte : num);
        else if (t === 'int') w.i16(missing ? MISSING_INT.int : num);
        else if (t === 'long') w.i32(missing ? MISSING_INT.long : num);
        else if (t === 'float') missing ? w.u32(0x7f000000) : w.f32(num);
        else missing ? (w.u32(0), w.u32(0x7fe00000)) : w.f64(num);
      }
    }
  }
  w.tag('</data>');

  map.push(w.length);
  w.tag('<strls>');
  for (const g of gsos) {
    w.tag('GSO');
    w.u32(g.v);
    w.u64(g.o);
    w.u8(130); // text, stored with its terminating NUL
    w.u32(g.bytes.length + 1);
    w.bytes(g.bytes);
    w.u8(0);
  }
  w.tag('</strls>');

  map.push(w.length);
  w.tag('<value_labels>');
  for (const set of ds.valueLabels) {
    const entries = [...set.entries].sort((a, b) => a.value - b.value);
    const texts = entries.map((e) => utf8.encode(limitChars(e.label, 32000)));
    const offsets: number[] = [];
    let txtLength = 0;
    for (const t of texts) {
      offsets.push(txtLength);
      txtLength += t.length + 1;
    }
    w.tag('<lbl>');
    w.i32(8 + 8 * entries.length + txtLength);
    w.fixed(set.name, 129);
    w.bytes(new Uint8Array(3));
    w.i32(entries.length);
    w.i32(txtLength);
    for (const off of offsets) w.i32(off);
    for (const e of entries) w.i32(e.value);
    for (const t of texts) { w.bytes(t); w.u8(0); }
    w.tag('</lbl>');
  }
  w.tag('</value_labels>');

  map.push(w.length);
  w.tag('</stata_dta>');
  map.push(w.length);
  map.forEach((offset, i) => w.patchU64(mapAt + 8 * i, offset));
  return w.result();
}

// ---- reading (the round trip of the tests, and a check of files written by others) ----

export interface DtaFile extends DtaDataset {
  release: number;
  timestamp: string;
}

class ByteReader {
  pos = 0;
  private view: DataView;
  constructor(private bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  expect(tag: string) {
    const b = utf8.encode(tag);
    for (let i = 0; i < b.length; i++) {
      if (this.bytes[this.pos + i] !== b[i]) throw new Error(`dta: expected ${tag} at byte ${this.pos}`);
    }
    this.pos += b.length;
  }
  peek(tag: string): boolean {
    const b = utf8.encode(tag);
    return b.every((x, i) => this.bytes[this.pos + i] === x);
  }
  u8() { return this.view.getUint8(this.pos++); }
  i8() { return this.view.getInt8(this.pos++); }
  u16() { const v = this.view.getUint16(this.pos, true); this.pos += 2; return v; }
  i16() { const v = this.view.getInt16(this.pos, true); this.pos += 2; return v; }
  u32() { const v = this.view.getUint32(this.pos, true); this.pos += 4; return v; }
  i32() { const v = this.view.getInt32(this.pos, true); this.pos += 4; return v; }
  u64() { const v = Number(this.view.getBigUint64(this.pos, true)); this.pos += 8; return v; }
  f32() { const v = this.view.getFloat32(this.pos, true); this.pos += 4; return v; }
  f64() { const v = this.view.getFloat64(this.pos, true); this.pos += 8; return v; }
  raw(n: number) { const b = this.bytes.subarray(this.pos, this.pos + n); this.pos += n; return b; }
  /** a NUL-padded fixed-width field */
  fixed(n: number) { const b = this.raw(n); const end = b.indexOf(0); return fromUtf8.decode(end < 0 ? b : b.subarray(0, end)); }
}

/** Read a format-118 file, little- or big-endian not needed: only LSF (what Stata writes on x86 and ARM). */
export function readDta(bytes: Uint8Array): DtaFile {
  const r = new ByteReader(bytes);
  r.expect('<stata_dta><header><release>');
  const release = Number(fromUtf8.decode(r.raw(3)));
  if (release !== 118) throw new Error(`dta: release ${release}, this reader reads 118`);
  r.expect('</release><byteorder>');
  const order = fromUtf8.decode(r.raw(3));
  if (order !== 'LSF') throw new Error(`dta: byte order ${order}, this reader reads LSF`);
  r.expect('</byteorder><K>');
  const K = r.u16();
  r.expect('</K><N>');
  const N = r.u64();
  r.expect('</N><label>');
  const label = fromUtf8.decode(r.raw(r.u16()));
  r.expect('</label><timestamp>');
  const timestamp = fromUtf8.decode(r.raw(r.u8()));
  r.expect('</timestamp></header><map>');
  const map = Array.from({ length: 14 }, () => r.u64());
  r.expect('</map>');

  r.pos = map[2];
  r.expect('<variable_types>');
  const types: DtaType[] = Array.from({ length: K }, () => {
    const code = r.u16();
    if (code >= 1 && code <= MAX_STR_BYTES) return { str: code };
    const name = (Object.keys(TYPE_CODES) as Array<keyof typeof TYPE_CODES>).find((k) => TYPE_CODES[k] === code);
    if (!name) throw new Error(`dta: unknown variable type code ${code}`);
    return name;
  });
  r.pos = map[3];
  r.expect('<varnames>');
  const names = Array.from({ length: K }, () => r.fixed(129));
  r.pos = map[4];
  r.expect('<sortlist>');
  const sortedBy: string[] = [];
  for (let i = 0; i <= K; i++) {
    const s = r.u16();
    if (s > 0 && sortedBy.length === i) sortedBy.push(names[s - 1]);
  }
  r.pos = map[5];
  r.expect('<formats>');
  const formats = Array.from({ length: K }, () => r.fixed(57));
  r.pos = map[6];
  r.expect('<value_label_names>');
  const valueLabelNames = Array.from({ length: K }, () => r.fixed(129));
  r.pos = map[7];
  r.expect('<variable_labels>');
  const labels = Array.from({ length: K }, () => r.fixed(321));

  r.pos = map[8];
  r.expect('<characteristics>');
  const characteristics: DtaDataset['characteristics'] = [];
  while (r.peek('<ch>')) {
    r.expect('<ch>');
    const length = r.u32();
    const variable = r.fixed(129);
    const name = r.fixed(129);
    const value = r.fixed(length - 258);
    r.expect('</ch>');
    characteristics.push({ variable, name, value });
  }
  r.expect('</characteristics>');

  // strLs first: data cells refer to them
  r.pos = map[10];
  r.expect('<strls>');
  const gso = new Map<string, string>();
  while (r.peek('GSO')) {
    r.expect('GSO');
    const v = r.u32();
    const o = r.u64();
    const t = r.u8();
    const len = r.u32();
    const content = r.raw(len);
    gso.set(`${v},${o}`, fromUtf8.decode(t === 130 && content[len - 1] === 0 ? content.subarray(0, len - 1) : content));
  }
  r.expect('</strls>');

  r.pos = map[9];
  r.expect('<data>');
  const values: Array<Array<number | string | null>> = types.map(() => new Array(N));
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < K; j++) {
      const t = types[j];
      if (isStr(t)) values[j][i] = r.fixed(t.str);
      else if (t === 'strL') {
        const v = r.u16();
        const o = r.u32() + r.u16() * 2 ** 32;
        values[j][i] = v === 0 && o === 0 ? '' : gso.get(`${v},${o}`) ?? '';
      } else if (t === 'byte') { const x = r.i8(); values[j][i] = x > INTEGER_RANGE.byte[1] ? null : x; }
      else if (t === 'int') { const x = r.i16(); values[j][i] = x > INTEGER_RANGE.int[1] ? null : x; }
      else if (t === 'long') { const x = r.i32(); values[j][i] = x > INTEGER_RANGE.long[1] ? null : x; }
      else if (t === 'float') { const x = r.f32(); values[j][i] = x > MAX_FLOAT ? null : x; }
      else { const x = r.f64(); values[j][i] = x > MAX_DOUBLE ? null : x; }
    }
  }
  r.expect('</data>');

  r.pos = map[11];
  r.expect('<value_labels>');
  const valueLabels: DtaValueLabelSet[] = [];
  while (r.peek('<lbl>')) {
    r.expect('<lbl>');
    r.i32();
    const name = r.fixed(129);
    r.raw(3);
    const n = r.i32();
    const txtLength = r.i32();
    const offsets = Array.from({ length: n }, () => r.i32());
    const vals = Array.from({ length: n }, () => r.i32());
    const txt = r.raw(txtLength);
    const entries = vals.map((value, k) => {
      const end = txt.indexOf(0, offsets[k]);
      return { value, label: fromUtf8.decode(txt.subarray(offsets[k], end < 0 ? txtLength : end)) };
    });
    r.expect('</lbl>');
    valueLabels.push({ name, entries });
  }
  r.expect('</value_labels></stata_dta>');

  return {
    release, timestamp, label, sortedBy, valueLabels, characteristics,
    variables: names.map((name, j) => ({ name, type: types[j], format: formats[j], label: labels[j], valueLabel: valueLabelNames[j], values: values[j] })),
  };
}
