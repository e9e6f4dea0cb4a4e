/**
 * Route selection: longest prefix match over CIDR routes and prefix-list routes (a prefix-list
 * route counts with each of its entries). At equal length a static route beats a prefix-list
 * route, which beats a propagated one (AWS "route priority"). A set of destinations can be split
 * across routes (0.0.0.0/1 and 128.0.0.0/1 beat 0.0.0.0/0 for every address), so the answer is
 * the list of routes that carry some of the set, each with the blocks it carries.
 */

import { routeTarget } from '../routes.js';
import type { Ec2Route, Ec2RouteTable } from '../types.js';
import { type Cidr, contains, type Family, parseCidr, partition, SPLIT } from './cidr.js';
import type { World } from './world.js';

export interface RoutePart {
  /** Undefined: no route matches these blocks. */
  route: Ec2Route | undefined;
  blocks: Cidr[];
}

export interface RouteLookup {
  parts: RoutePart[];
  /** Prefix-list routes whose entries are unknown: they might carry some of the set. */
  unknownLists: Array<{ id: string; route: Ec2Route }>;
}

interface Candidate {
  cidr: Cidr;
  route: Ec2Route;
  /** 0 static, 1 prefix list, 2 propagated: lower wins at equal length. */
  rank: number;
}

function candidates(world: World, table: Ec2RouteTable, family: Family) {
  const out: Candidate[] = [];
  const unknownLists: RouteLookup['unknownLists'] = [];
  for (const route of table.Routes ?? []) {
    const propagated = route.Origin === 'EnableVgwRoutePropagation';
    const own = family === 4 ? route.DestinationCidrBlock : route.DestinationIpv6CidrBlock;
    const cidr = parseCidr(own);
    if (cidr?.family === family) out.push({ cidr, route, rank: propagated ? 2 : 0 });
    const pl = route.DestinationPrefixListId;
    if (!pl) continue;
    const entries = world.prefixCidrs(pl, family);
    if (!entries) unknownLists.push({ id: pl, route });
    for (const c of entries ?? []) out.push({ cidr: c, route, rank: propagated ? 2 : 1 });
  }
  return { list: out, unknownLists };
}

/** The routes of `table` that carry `blocks` (one family), grouped by route. */
export function lookupRoutes(world: World, table: Ec2RouteTable, blocks: readonly Cidr[]): RouteLookup {
  const family = blocks[0]?.family ?? 4;
  const { list, unknownLists } = candidates(world, table, family);
  const byRoute = new Map<Ec2Route | undefined, Cidr[]>();
  for (const block of blocks) {
    const leaves = partition(block, (b) => {
      if (list.some((c) => c.cidr.len > b.len && contains(b, c.cidr))) return SPLIT;
      let best: Candidate | undefined;
      for (const c of list) {
        if (!contains(c.cidr, b)) continue;
        if (!best || c.cidr.len > best.cidr.len || (c.cidr.len === best.cidr.len && c.rank < best.rank))
          best = c;
      }
      return best?.route;
    });
    for (const { block: b, value } of leaves) byRoute.set(value, [...(byRoute.get(value) ?? []), b]);
  }
  return { parts: [...byRoute].map(([route, bs]) => ({ route, blocks: bs })), unknownLists };
}

export const describeRoute = (r: Ec2Route): string =>
  `${r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? r.DestinationPrefixListId ?? '?'} → ${routeTarget(r) ?? '?'}${r.State === 'blackhole' ? ' (blackhole)' : ''}`;
