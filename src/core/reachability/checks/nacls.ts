import { uniq } from '../../sets.js';
import type { Check } from '../check.js';
import type { Hop } from '../path/index.js';
import { hopText } from '../paths.js';
import type { Finding } from '../types.js';

type Code =
  | 'NACL_BLOCKS_OUTBOUND'
  | 'NACL_BLOCKS_RETURN'
  | 'NAT_SUBNET_NACL_BLOCKS'
  | 'ENDPOINT_SUBNET_NACL_BLOCKS';

const RETURN_KINDS = new Set<Hop['kind']>(['nacl-return-inbound', 'nacl-return-outbound']);

/**
 * Network ACLs (stateless, per subnet) on the paths to the internet and to AWS services: the
 * function's subnet outbound on the port and inbound for the replies (ephemeral ports), and the
 * NAT gateway's or the interface endpoint's subnet both ways. A failing ACL hop is a finding
 * naming the rule that denied and the entry that would fix it; the verdicts already say `no`.
 * ACLs that were not read leave those hops unknown (the verdict names the read), not a finding.
 */
export const nacls: Check = {
  name: 'nacls',
  reads: [],
  run({ subnets, input, paths, add }) {
    const natSubnets = new Set(input.natGateways.map((n) => n.SubnetId));
    const found = new Map<string, { code: Code; hop: Hop; from: string[]; targets: string[] }>();
    for (const trace of [paths.internet, ...paths.services]) {
      const target = trace.target.kind === 'service' ? trace.target.service : 'the internet';
      for (const p of trace.subnets) {
        for (const h of p.hops) {
          if (!h.kind.startsWith('nacl-') || h.status !== 'fail') continue;
          const code: Code = h.subnetId
            ? natSubnets.has(h.subnetId) && p.hops.some((x) => x.kind === 'nat-gateway')
              ? 'NAT_SUBNET_NACL_BLOCKS'
              : 'ENDPOINT_SUBNET_NACL_BLOCKS'
            : RETURN_KINDS.has(h.kind)
              ? 'NACL_BLOCKS_RETURN'
              : 'NACL_BLOCKS_OUTBOUND';
          const key = `${code} ${h.resource} ${h.kind} ${h.detail}`;
          const entry = found.get(key) ?? { code, hop: h, from: [], targets: [] };
          entry.from.push(p.subnetId);
          entry.targets.push(target);
          found.set(key, entry);
        }
      }
    }
    for (const { code, hop: h, from, targets } of found.values()) {
      const acl = h.resource ?? 'the network ACL';
      const fromList = uniq(from);
      const what = uniq(targets);
      const reach =
        what.length > 3 ? `${what.slice(0, 3).join(', ')} and ${what.length - 3} more` : what.join(', ');
      const where = h.subnetId
        ? `of ${code === 'NAT_SUBNET_NACL_BLOCKS' ? "the NAT gateway's" : "the interface endpoint's"} subnet ${h.subnetId}`
        : `of subnet ${fromList.join(', ')}`;
      const direction = RETURN_KINDS.has(h.kind) ? 'drops the replies' : 'blocks the traffic';
      const f: Finding = {
        severity: 'warning',
        code,
        subject: acl,
        message: `Network ACL ${acl} ${where} ${direction} (${hopText(paths, h)}): the function cannot reach ${reach} from ${fromList.join(', ')}. Network ACLs are stateless: the request and its reply (ephemeral ports 1024-65535) must both be allowed.`,
        ...(h.fix ? { fix: h.fix } : {}),
      };
      const anchor = subnets.find((s) => fromList.includes(s.id))?.idx ?? -1;
      add(anchor, f);
    }
  },
};
