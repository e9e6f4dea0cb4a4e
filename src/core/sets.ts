/** The distinct items, in first-seen order. */
export const uniq = <T>(items: Iterable<T>): T[] => [...new Set(items)];

/** Same members, whatever the order or repeats: Lambda gives order no meaning in subnet and group lists. */
export function sameSet<T>(a: Iterable<T>, b: Iterable<T>): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...right].every((x) => left.has(x));
}
