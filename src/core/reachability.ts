/**
 * Network reachability of a Lambda function attached to subnets and security groups.
 *
 * Pure: takes the results of the EC2 describe calls (structurally compatible with the
 * `@aws-sdk/client-ec2` output shapes) and says what the function will and will not reach.
 * Findings carry stable codes (SUBNET_NOT_FOUND, PUBLIC_SUBNET_NO_INTERNET, ...) listed in the tests.
 */

import { ipv6Checks, natChecks, securityGroupChecks } from './reachability/checks.js';
import {
  defaultRoute,
  effectiveRouteTable,
  endpointAvailable,
  gatewayServicesForTable,
  isBlackhole,
  routeDestination,
  routeTarget,
  serviceShortName,
} from './reachability/routes.js';
import type {
  Ec2RouteTable,
  Ec2SecurityGroup,
  Ec2Subnet,
  EndpointSummary,
  Finding,
  NetworkAnalysis,
  NetworkInput,
  SubnetInternet,
  SubnetSummary,
} from './reachability/types.js';
import { awsServicesVerdict, internetVerdict } from './reachability/verdict.js';

export { serviceShortName } from './reachability/routes.js';
export { summarizeEgress } from './reachability/security-groups.js';
export type * from './reachability/types.js';

/**
 * A subnet with fewer free addresses than this gets LOW_FREE_IPS. Lambda takes one address per
 * (subnet, security-group set) combination, more while it replaces ENIs during updates, and other
 * resources (instances, RDS, ECS tasks, other functions) compete for the same pool: 16 leaves room.
 */
export const LOW_FREE_IPS_THRESHOLD = 16;

/** Services checked for isolated subnets (CloudWatch Logs is left out: the function's logs bypass the VPC). */
export const COMMON_SERVICES = [
  's3',
  'dynamodb',
  'sts',
  'secretsmanager',
  'ssm',
  'sqs',
  'sns',
  'kms',
] as const;

interface Ranked extends Finding {
  anchor: number;
}

const uniq = <T>(xs: readonly T[]): T[] => [...new Set(xs)];
const plural = (n: number, word: string, suffix = 's') => `${n} ${word}${n === 1 ? '' : suffix}`;

export function analyzeNetwork(input: NetworkInput): NetworkAnalysis {
  const { region } = input;
  const subnetIds = uniq(input.requested.subnetIds);
  const sgIds = uniq(input.requested.securityGroupIds);
  const afterRequested = subnetIds.length + sgIds.length;
  const findings: Ranked[] = [];
  const add = (anchor: number, f: Finding) => findings.push({ ...f, anchor });

  // Existence.
  const subnets: Array<{ id: string; idx: number; s: Ec2Subnet }> = [];
  subnetIds.forEach((id, idx) => {
    const s = input.subnets.find((x) => x.SubnetId === id);
    if (s) subnets.push({ id, idx, s });
    else
      add(idx, {
        severity: 'error',
        code: 'SUBNET_NOT_FOUND',
        subject: id,
        message: `Subnet ${id} was not found in region ${region}.`,
        fix: `Check the subnet ID, the account and the region (${region}).`,
      });
  });
  const groups: Array<{ id: string; idx: number; g: Ec2SecurityGroup }> = [];
  sgIds.forEach((id, i) => {
    const g = input.securityGroups.find((x) => x.GroupId === id);
    if (g) groups.push({ id, idx: subnetIds.length + i, g });
    else
      add(subnetIds.length + i, {
        severity: 'error',
        code: 'SECURITY_GROUP_NOT_FOUND',
        subject: id,
        message: `Security group ${id} was not found in region ${region}.`,
        fix: `Check the security group ID, the account and the region (${region}).`,
      });
  });

  // One VPC, default tenancy.
  const members = new Map<string, string[]>();
  for (const { id, vpcId } of [
    ...subnets.map((x) => ({ id: x.id, vpcId: x.s.VpcId })),
    ...groups.map((x) => ({ id: x.id, vpcId: x.g.VpcId })),
  ]) {
    if (vpcId) members.set(vpcId, [...(members.get(vpcId) ?? []), id]);
  }
  if (members.size > 1) {
    const list = [...members].map(([vpc, ids]) => `${vpc} (${ids.join(', ')})`).join('; ');
    add(-1, {
      severity: 'error',
      code: 'MIXED_VPCS',
      message: `The subnets and security groups are in ${members.size} VPCs, but a function can use only one: ${list}.`,
      fix: 'Pick subnets and security groups from a single VPC.',
    });
  }
  for (const vpcId of members.keys()) {
    if (input.vpcs.find((v) => v.VpcId === vpcId)?.InstanceTenancy === 'dedicated') {
      add(-1, {
        severity: 'error',
        code: 'DEDICATED_TENANCY',
        subject: vpcId,
        message: `VPC ${vpcId} has dedicated instance tenancy, which Lambda does not support.`,
        fix: 'Use a default-tenancy VPC, peered with this one if the function must reach resources in it.',
      });
    }
  }
  const vpcId = subnets[0]?.s.VpcId ?? groups[0]?.g.VpcId;
  const vpc = input.vpcs.find((v) => v.VpcId === vpcId);

  // Availability Zones and free addresses.
  const azs = uniq(subnets.map((x) => x.s.AvailabilityZone ?? x.s.AvailabilityZoneId).filter((a) => a));
  if (subnets.length > 0 && azs.length === 1) {
    add(-1, {
      severity: 'warning',
      code: 'SINGLE_AZ',
      message: `All subnets are in one Availability Zone (${azs[0]}): if it fails, the function cannot run (no high availability, Security Hub control Lambda.5).`,
      fix: 'Add a subnet in at least one other Availability Zone.',
    });
  }
  const minFree = input.minFreeIps ?? LOW_FREE_IPS_THRESHOLD;
  for (const { id, idx, s } of subnets) {
    const free = s.AvailableIpAddressCount;
    if (free !== undefined && free < minFree) {
      add(idx, {
        severity: 'warning',
        code: 'LOW_FREE_IPS',
        subject: id,
        message: `Subnet ${id} has only ${plural(free, 'free IP address', 'es')} (fewer than ${minFree}); Lambda needs addresses for its network interfaces and fails with SubnetOutOfIPAddresses when none is left.`,
        fix: 'Free addresses in the subnet or use a larger subnet.',
      });
    }
  }

  // VPC endpoints of the function's VPC.
  const endpoints = input.vpcEndpoints.filter(
    (e) => vpcId === undefined || e.VpcId === undefined || e.VpcId === vpcId,
  );
  const liveInterface = endpoints.filter((e) => e.VpcEndpointType === 'Interface' && endpointAvailable(e));
  const interfaceServices = {
    privateDns: uniq(
      liveInterface.filter((e) => e.PrivateDnsEnabled).map((e) => serviceShortName(e.ServiceName, region)),
    ).sort(),
    noPrivateDns: uniq(
      liveInterface.filter((e) => !e.PrivateDnsEnabled).map((e) => serviceShortName(e.ServiceName, region)),
    ).sort(),
  };

  // Routing, subnet by subnet.
  const tables: Array<Ec2RouteTable | undefined> = [];
  const summaries: SubnetSummary[] = subnets.map(({ id, idx, s }) => {
    const eff = effectiveRouteTable(id, s.VpcId, input.routeTables);
    const table = eff?.table;
    tables.push(table);
    const tid = table?.RouteTableId ?? '?';
    let internet: SubnetInternet;
    const dr = defaultRoute(table);
    const target = dr ? routeTarget(dr) : undefined;
    if (!eff) {
      internet = { kind: 'unknown', reachable: 'unknown', reason: 'route table unknown' };
      add(idx, {
        severity: 'warning',
        code: 'ROUTE_TABLE_NOT_FOUND',
        subject: id,
        message: `No route table was found for subnet ${id} (no explicit association and no main table of ${s.VpcId ?? 'its VPC'}), so its internet access could not be checked.`,
        fix: 'Make sure the caller may run ec2:DescribeRouteTables for the whole VPC.',
      });
    } else if (!dr) {
      internet = { kind: 'isolated', reachable: 'no', reason: 'no default route' };
    } else if (isBlackhole(dr)) {
      internet = {
        kind: 'blackhole',
        via: target,
        reachable: 'no',
        reason: `blackhole route to ${target ?? '?'}`,
      };
    } else if (dr.NatGatewayId) {
      internet = { kind: 'nat', via: dr.NatGatewayId, reachable: 'yes' };
    } else if (target?.startsWith('igw-')) {
      internet = { kind: 'public-no-internet', via: target, reachable: 'no', reason: 'public subnet' };
      add(idx, {
        severity: 'warning',
        code: 'PUBLIC_SUBNET_NO_INTERNET',
        subject: id,
        message: `Subnet ${id} is a public subnet (0.0.0.0/0 goes to ${target} in ${tid}): the function gets no public IP and will have no internet access.`,
        fix: 'Route 0.0.0.0/0 to a NAT gateway: use private subnets whose route table points at a NAT gateway in a public subnet.',
      });
    } else {
      internet = {
        kind: 'other',
        via: target,
        reachable: 'unknown',
        reason: `default route to ${target ?? '?'}`,
      };
      add(idx, {
        severity: 'info',
        code: 'DEFAULT_ROUTE_OTHER',
        subject: id,
        message: `Subnet ${id} sends 0.0.0.0/0 to ${target ?? 'an unknown target'} in ${tid}: internet access depends on what is behind it and was not checked.`,
      });
    }
    return {
      id,
      vpcId: s.VpcId,
      az: s.AvailabilityZone,
      cidr: s.CidrBlock,
      freeIps: s.AvailableIpAddressCount,
      routeTableId: table?.RouteTableId,
      routeTableIsMain: eff?.isMain ?? false,
      internet,
      gatewayEndpointServices: gatewayServicesForTable(table, endpoints, region),
    };
  });

  // Blackhole routes, once per route table.
  const seenTables = new Set<string>();
  tables.forEach((table, i) => {
    const tid = table?.RouteTableId;
    if (!table || !tid || seenTables.has(tid)) return;
    seenTables.add(tid);
    const users = summaries.filter((x) => x.routeTableId === tid).map((x) => x.id);
    for (const r of (table.Routes ?? []).filter(isBlackhole)) {
      const dest = routeDestination(r);
      const consequence = dest === '0.0.0.0/0' ? ', so the function has no internet access' : '';
      add(subnets[i]?.idx ?? afterRequested, {
        severity: 'warning',
        code: 'BLACKHOLE_ROUTE',
        subject: tid,
        message: `Route table ${tid} (used by ${users.join(', ')}) has a blackhole route: traffic to ${dest} goes to ${routeTarget(r) ?? 'a target'} that no longer exists and is dropped${consequence}.`,
        fix: `Point ${dest} at a working target (for 0.0.0.0/0, an available NAT gateway) or delete the route.`,
      });
    }
  });

  // NAT gateways used by the subnets (marks those subnets unreachable when the NAT cannot work).
  natChecks(summaries, (id) => subnets.find((x) => x.id === id)?.idx ?? afterRequested, input, add);

  // Isolated subnets: what is still reachable through endpoints.
  for (const [i, x] of summaries.entries()) {
    if (x.internet.kind !== 'isolated') continue;
    const reach = uniq([...x.gatewayEndpointServices, ...interfaceServices.privateDns]).sort();
    const missing = COMMON_SERVICES.filter((svc) => !reach.includes(svc));
    const reachText = reach.length > 0 ? reach.join(', ') : 'none';
    const missingText = missing.length > 0 ? `; not reachable: ${missing.join(', ')}` : '';
    add(subnets[i]?.idx ?? afterRequested, {
      severity: 'warning',
      code: 'NO_DEFAULT_ROUTE',
      subject: x.id,
      message: `Subnet ${x.id} has no default route (0.0.0.0/0) in ${x.routeTableId ?? '?'}, so the function has no internet access; AWS services reachable through VPC endpoints: ${reachText}${missingText} (the function's own logs still reach CloudWatch Logs).`,
      fix: 'Route 0.0.0.0/0 to a NAT gateway if the function needs the internet, or add VPC endpoints for the services it calls (gateway endpoints for s3 and dynamodb, interface endpoints for the others).',
    });
  }

  // Endpoint notes.
  const someNoInternet = summaries.some((x) => x.internet.reachable !== 'yes');
  for (const e of endpoints) {
    const id = e.VpcEndpointId ?? '?';
    const svc = serviceShortName(e.ServiceName, region);
    if (!endpointAvailable(e)) {
      add(afterRequested, {
        severity: 'info',
        code: 'ENDPOINT_NOT_AVAILABLE',
        subject: id,
        message: `VPC endpoint ${id} (${svc}) is ${e.State ?? 'not available'}, so it carries no traffic.`,
      });
    } else if (e.VpcEndpointType === 'Interface' && !e.PrivateDnsEnabled) {
      add(afterRequested, {
        severity: someNoInternet ? 'warning' : 'info',
        code: 'ENDPOINT_PRIVATE_DNS_DISABLED',
        subject: id,
        message: `Interface endpoint ${id} (${svc}) has private DNS disabled: the default ${svc} hostname resolves to public addresses, so the SDK does not use this endpoint unless it is given the endpoint's own DNS name.`,
        fix: "Enable private DNS on the endpoint, or set the SDK client's endpoint to the endpoint's DNS name.",
      });
    }
  }

  // Security groups (their rules combine on the function's network interface).
  const { summaries: sgSummaries, noEgress } = securityGroupChecks(groups, add);

  if (input.requested.ipv6DualStack) {
    ipv6Checks(
      summaries.flatMap((summary, i) => {
        const sub = subnets[i];
        return sub ? [{ summary, subnet: sub.s, idx: sub.idx, table: tables[i] }] : [];
      }),
      input.egressOnlyInternetGateways,
      add,
    );
  }

  const endpointSummaries: EndpointSummary[] = endpoints.map((e) => ({
    id: e.VpcEndpointId ?? '?',
    service: serviceShortName(e.ServiceName, region),
    type: e.VpcEndpointType ?? 'unknown',
    state: e.State,
    privateDns: e.PrivateDnsEnabled,
    routeTableIds: [...(e.RouteTableIds ?? [])],
  }));

  findings.sort(
    (a, b) =>
      a.anchor - b.anchor ||
      cmp(a.code, b.code) ||
      cmp(a.subject ?? '', b.subject ?? '') ||
      cmp(a.message, b.message),
  );
  const out: Finding[] = findings.map(({ anchor: _anchor, subject, fix, ...rest }) => ({
    ...rest,
    ...(fix !== undefined ? { fix } : {}),
    ...(subject !== undefined ? { subject } : {}),
  }));

  return {
    ok: !out.some((f) => f.severity === 'error'),
    findings: out,
    vpc: vpcId ? { id: vpcId, cidr: vpc?.CidrBlock, tenancy: vpc?.InstanceTenancy } : undefined,
    subnets: summaries,
    securityGroups: sgSummaries,
    endpoints: endpointSummaries,
    verdict: {
      internet: internetVerdict(summaries, noEgress),
      awsServices: awsServicesVerdict(summaries, noEgress, interfaceServices),
    },
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
