import type { Cidr } from './cidr.js';
import { aclEntryFix } from './fixes.js';
import { aclOf, describeEntry, evaluateAcl, freeRuleNumber } from './nacl.js';
import type { Hop, HopKind, Protocol } from './types.js';
import { deniedHop, describeTraffic, hop, READ, type World } from './world.js';

/** One crossing of a subnet boundary, in one direction. */
export interface AclCheck {
  kind: HopKind;
  /** The subnet whose ACL applies. */
  subnetId: string;
  /** Whether it is the function's own subnet (the hop then names no subnet). */
  own: boolean;
  outbound: boolean;
  protocol: Protocol;
  ports: readonly [number, number];
  remote: readonly Cidr[];
  /** 'the internet', '10.0.5.17', 'subnet-a (10.0.1.0/24)'. */
  remoteLabel: string;
  /** The remote side of the entry a fix would add. */
  fixCidr: Cidr;
  toward?: string | undefined;
  /** What would settle a `partial` answer (the prefix list entries standing in for a superset). */
  settles?: readonly string[] | undefined;
}

export function aclHop(world: World, c: AclCheck): Hop {
  const base = {
    kind: c.kind,
    subnetId: c.own ? undefined : c.subnetId,
    toward: c.toward,
  };
  const replies = c.kind.startsWith('nacl-return') ? 'replies: ' : '';
  const direction = c.outbound ? 'outbound' : 'inbound';
  const traffic = describeTraffic({ protocol: c.protocol, ports: c.ports });
  const where = `${traffic} ${c.outbound ? 'to' : 'from'} ${c.remoteLabel}`;
  const denied = world.denied(READ.acls);
  if (denied.length > 0)
    return deniedHop({ ...base, detail: `${replies}network ACL of ${c.subnetId}` }, denied);
  const acl = aclOf(c.subnetId, world.subnet(c.subnetId)?.VpcId ?? world.vpcId, world.input.networkAcls);
  if (!acl) {
    return hop({
      ...base,
      status: 'unknown',
      detail: `${replies}no network ACL was found for ${c.subnetId}`,
      missing: [`the network ACL of ${c.subnetId}`],
    });
  }
  const aclId = acl.NetworkAclId ?? '?';
  const r = evaluateAcl(acl, {
    outbound: c.outbound,
    protocol: c.protocol,
    ports: c.ports,
    remote: c.remote,
  });
  const evidence = r.decided.map((d) => `${aclId} ${direction} ${describeEntry(d.entry, c.outbound)}`);
  const common = { ...base, resource: aclId, evidence };
  if (r.status === 'allow') {
    return hop({ ...common, status: 'pass', detail: `${replies}${aclId} ${direction} allows ${where}` });
  }
  if (r.status === 'partial') {
    return hop({
      ...common,
      status: 'unknown',
      detail: `${replies}${aclId} ${direction} allows ${where} for some addresses and denies it for others: it depends on the address`,
      missing: c.settles,
    });
  }
  const ports = r.deniedPorts.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ');
  const decidedBy = r.firstDeny ? describeEntry(r.firstDeny.entry, c.outbound) : 'rule *';
  return hop({
    ...common,
    status: 'fail',
    detail: `${replies}${aclId} ${direction} denies ${c.protocol} ${ports} ${c.outbound ? 'to' : 'from'} ${c.remoteLabel} (${decidedBy})`,
    fix: aclEntryFix({
      aclId,
      outbound: c.outbound,
      ruleNumber: freeRuleNumber(acl, c.outbound, r.firstDeny?.entry),
      protocol: c.protocol,
      ports: c.ports,
      cidr: c.fixCidr,
    }),
  });
}
