/**
 * IPv4 and IPv6 prefixes as (family, base, length) with bigint arithmetic, and the one operation
 * the path engine builds on: splitting a block into halves until a question has one answer for
 * the whole block. Routes, NACL entries and security-group rules are all prefixes, so "which
 * route wins", "which entry matches first" and "is this range covered" are answered exactly,
 * for a single address as for the whole internet.
 */

export type Family = 4 | 6;

/** A prefix with its host bits cleared. */
export interface Cidr {
  readonly family: Family;
  readonly base: bigint;
  readonly len: number;
}

export const bitsOf = (family: Family): number => (family === 4 ? 32 : 128);

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    v = (v << 8n) | BigInt(Number(p));
  }
  return v;
}

function parseV6(s: string): bigint | undefined {
  let text = s.toLowerCase();
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    // An embedded IPv4 address (::ffff:10.0.0.1) stands for the last two groups.
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const parts = text.split('::');
  if (parts.length > 2) return undefined;
  const groups = (h: string | undefined) => (h ? h.split(':') : []);
  const head = groups(parts[0]);
  const tail = groups(parts[1]);
  const explicit = head.length + tail.length;
  if (parts.length === 1 ? explicit !== 8 : explicit > 7) return undefined;
  const all = [...head, ...Array<string>(8 - explicit).fill('0'), ...tail];
  let v = 0n;
  for (const g of all) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(Number.parseInt(g, 16));
  }
  return v;
}

/** An address as a number, or undefined when it is not an IPv4 or IPv6 address. */
export function parseIp(s: string): { family: Family; value: bigint } | undefined {
  if (s.includes(':')) {
    const value = parseV6(s);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseV4(s);
  return value === undefined ? undefined : { family: 4, value };
}

const mask = (family: Family, len: number): bigint => {
  const bits = BigInt(bitsOf(family));
  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(len))) - 1n);
};

/** '10.0.0.0/16', '2001:db8::/56' or a bare address (a /32 or /128); host bits are cleared. */
export function parseCidr(s: string | undefined): Cidr | undefined {
  if (!s) return undefined;
  const [addr = '', lenText, extra] = s.trim().split('/');
  if (extra !== undefined) return undefined;
  const ip = parseIp(addr);
  if (!ip) return undefined;
  const bits = bitsOf(ip.family);
  if (lenText !== undefined && !/^\d{1,3}$/.test(lenText)) return undefined;
  const len = lenText === undefined ? bits : Number(lenText);
  if (len > bits) return undefined;
  return { family: ip.family, base: ip.value & mask(ip.family, len), len };
}

function formatV6(v: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: the longest run of two or more zero groups becomes '::'.
  let best = { at: -1, n: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.n) best = { at: i, n: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.n).join(':')}`;
}

export function formatIp(family: Family, v: bigint): string {
  if (family === 6) return formatV6(v);
  return [24n, 16n, 8n, 0n].map((s) => Number((v >> s) & 0xffn)).join('.');
}

export const formatCidr = (c: Cidr): string => `${formatIp(c.family, c.base)}/${c.len}`;

/** Whether every address of `inner` is in `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return (
    outer.family === inner.family &&
    outer.len <= inner.len &&
    (inner.base & mask(inner.family, outer.len)) === outer.base
  );
}

export const overlaps = (a: Cidr, b: Cidr): boolean => contains(a, b) || contains(b, a);

/** The two halves of a block (a /32 or /128 cannot be split). */
export function halves(c: Cidr): [Cidr, Cidr] {
  const len = c.len + 1;
  const bit = 1n << BigInt(bitsOf(c.family) - len);
  return [
    { family: c.family, base: c.base, len },
    { family: c.family, base: c.base | bit, len },
  ];
}

/** Returned by a classifier that cannot answer for the whole block: ask again for each half. */
export const SPLIT = Symbol('split');

/**
 * Splits `block` until `classify` answers for each piece. A classifier splits only where some
 * prefix lies strictly inside the block, so the recursion follows the prefixes and stays small.
 */
export function partition<T>(
  block: Cidr,
  classify: (b: Cidr) => T | typeof SPLIT,
): Array<{ block: Cidr; value: T }> {
  const v = classify(block);
  if (v !== SPLIT) return [{ block, value: v }];
  if (block.len >= bitsOf(block.family)) throw new Error(`cannot split ${formatCidr(block)}`);
  return halves(block).flatMap((h) => partition(h, classify));
}

/** `universe` without the `excluded` prefixes, as disjoint blocks. */
export function subtract(universe: Cidr, excluded: readonly Cidr[]): Cidr[] {
  return partition(universe, (b) => {
    if (excluded.some((x) => contains(x, b))) return false;
    return excluded.some((x) => x.len > b.len && contains(b, x)) ? SPLIT : true;
  })
    .filter((p) => p.value)
    .map((p) => p.block);
}

/** How much of `blocks` the union of `allowed` covers. */
export function coverage(blocks: readonly Cidr[], allowed: readonly Cidr[]): 'all' | 'some' | 'none' {
  const parts = blocks.flatMap((b) =>
    partition(b, (x) => {
      if (allowed.some((a) => contains(a, x))) return true;
      return allowed.some((a) => a.len > x.len && contains(x, a)) ? SPLIT : false;
    }),
  );
  if (parts.every((p) => p.value)) return 'all';
  return parts.some((p) => p.value) ? 'some' : 'none';
}

const must = (s: string): Cidr => {
  const c = parseCidr(s);
  if (!c) throw new Error(`bad CIDR ${s}`);
  return c;
};

/** Addresses that are never on the internet (RFC 6890): a route or rule inside them is not about it. */
const NOT_PUBLIC_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/4',
  '240.0.0.0/4',
].map(must);

/** The internet as disjoint blocks: public IPv4 space, and IPv6 global unicast (2000::/3). */
export const INTERNET: Readonly<Record<Family, readonly Cidr[]>> = {
  4: subtract(must('0.0.0.0/0'), NOT_PUBLIC_V4),
  6: [must('2000::/3')],
};

export const ANY: Readonly<Record<Family, Cidr>> = { 4: must('0.0.0.0/0'), 6: must('::/0') };

/** Whether an address or prefix lies in public space (for IPv4, outside the RFC 6890 ranges). */
export const isPublic = (c: Cidr): boolean => INTERNET[c.family].some((b) => overlaps(b, c));
