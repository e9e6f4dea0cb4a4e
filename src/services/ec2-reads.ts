// The plumbing every batched EC2 read shares: pages collected, denials typed, ID filters chunked.
import type { Filter } from '@aws-sdk/client-ec2';
import { CliError, isAccessDenied } from '../errors.js';

/** The caller may not read the network: callers skip the check and say so instead of failing. */
export class Ec2ReadDenied extends CliError {
  constructor(
    readonly action: string,
    cause: unknown,
  ) {
    super('AccessDenied', `no EC2 read permission (ec2:${action} was denied)`, {
      cause,
      hint: 'Grant the EC2 read actions listed in docs/permissions.md, or skip the check.',
    });
  }
}

/** EC2 documents at most 200 values per filter. */
export const MAX_FILTER_VALUES = 200;

type Page<T> = AsyncIterable<T>;

export async function collect<P, T>(action: string, pages: Page<P>, items: (page: P) => T[] | undefined) {
  const out: T[] = [];
  try {
    for await (const page of pages) out.push(...(items(page) ?? []));
  } catch (error) {
    if (isAccessDenied(error)) throw new Ec2ReadDenied(action, error);
    throw error;
  }
  return out;
}

/** One call's answer, its access denial typed as Ec2ReadDenied. */
export async function once<T>(action: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (isAccessDenied(error)) throw new Ec2ReadDenied(action, error);
    throw error;
  }
}

/** Like Promise.all, but lets every call finish before failing, so none is cut off mid-flight. */
export async function allSettled<T extends readonly unknown[]>(
  promises: { [K in keyof T]: Promise<T[K]> },
): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

const chunks = <T>(xs: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));

/**
 * Describes resources with a filter on their IDs rather than the ID list: an ID list fails the
 * whole call with InvalidSubnetID.NotFound / InvalidGroup.NotFound when one ID is missing, while
 * a filter returns what exists, so the missing ones are the difference.
 */
export async function describeByIdFilter<T>(
  ids: readonly string[],
  describe: (filter: Filter) => Promise<T[]>,
  filterName: string,
): Promise<T[]> {
  const batches = chunks([...new Set(ids)], MAX_FILTER_VALUES);
  const pages = await Promise.all(batches.map((Values) => describe({ Name: filterName, Values })));
  return pages.flat();
}

/**
 * For reads the checks can do without: a denial is recorded in `denied` as `ec2:Action` and the
 * read answers `fallback`, so the checks that need it say "not checked" instead of failing all.
 */
export const recordDenied =
  (denied: string[]) =>
  async <T>(read: Promise<T>, fallback: T): Promise<T> => {
    try {
      return await read;
    } catch (error) {
      if (!(error instanceof Ec2ReadDenied)) throw error;
      if (!denied.includes(`ec2:${error.action}`)) denied.push(`ec2:${error.action}`);
      return fallback;
    }
  };

export const uniq = <T>(xs: Iterable<T | undefined>): T[] => [
  ...new Set([...xs].filter((x): x is T => x !== undefined)),
];
