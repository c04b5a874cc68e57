// GBK encoder for test fixtures, built from the platform decoder (no extra dependency).
let gbkTable: Map<string, number[]> | null = null;
export function encodeGbk(text: string): Buffer {
  if (!gbkTable) {
    gbkTable = new Map();
    const dec = new TextDecoder('gbk');
    for (let a = 0x81; a <= 0xfe; a++) {
      for (let b = 0x40; b <= 0xfe; b++) {
        if (b === 0x7f) continue;
        const ch = dec.decode(Uint8Array.from([a, b]));
        if (ch.length === 1 && ch !== '\ufffd' && !gbkTable.has(ch)) gbkTable.set(ch, [a, b]);
      }
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else {
      const bytes = gbkTable.get(ch);
      if (!bytes) throw new Error(`not encodable in GBK: ${ch}`);
      out.push(...bytes);
    }
  }
  return Buffer.from(out);
}
