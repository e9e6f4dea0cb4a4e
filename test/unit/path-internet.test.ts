import { describe, expect, it } from 'vitest';
import type { Hop, Target, Verdict } from '../../src/core/reachability/path/index.js';
import {
  allowAll,
  allTraffic,
  decidingHop,
  EIGW,
  entry,
  FN_A,
  FN_B,
  groupOf,
  IGW,
  NAT,
  ownAcl,
  PUB,
  RTB_FN,
  RTB_PUB,
  route,
  SG_FN,
  tableOf,
  tcp,
  trace,
  VPC,
  type World,
  world,
} from './path-fixture.js';

const ACL_FN = 'acl-00000000000000fn1';
const ACL_PUB = 'acl-0000000000000pub1';
const TGW = 'tgw-0123456789abcdef0';
const PCX = 'pcx-0123456789abcdef0';

const internet: Target = { kind: 'internet' };
const internet6: Target = { kind: 'internet', family: 'ipv6' };

/** Replaces the IPv4 default route of a table. */
function defaultRoute(w: World, table: string, r: Parameters<typeof route>[0] | undefined) {
  const t = tableOf(w, table);
  t.Routes = (t.Routes ?? []).filter((x) => x.DestinationCidrBlock !== '0.0.0.0/0');
  if (r) t.Routes.push(route({ DestinationCidrBlock: '0.0.0.0/0', ...r }));
}

/** The function subnet's ACL with these outbound and inbound entries (and the * rules). */
function fnAcl(w: World, entries: ReturnType<typeof entry>[]) {
  ownAcl(
    w,
    ACL_FN,
    [FN_A],
    [...entries, entry(32767, true, 'deny', '0.0.0.0/0'), entry(32767, false, 'deny', '0.0.0.0/0')],
  );
}

interface Row {
  name: string;
  target?: Target;
  change: (w: World) => void;
  verdict: Verdict;
  /** The deciding hop (first failing, else first unknown), when not reachable. */
  hop?: Partial<Pick<Hop, 'kind' | 'resource' | 'subnetId'>>;
  detail?: RegExp;
  fix?: RegExp;
}

const rows: Row[] = [
  { name: 'private subnet with a NAT gateway in a public subnet', change: () => {}, verdict: 'reachable' },
  {
    name: 'the function ACL denies outbound 443 before allowing all (first match wins)',
    change: (w) =>
      fnAcl(w, [
        entry(90, true, 'deny', '0.0.0.0/0', '6', [443, 443]),
        entry(100, true, 'allow', '0.0.0.0/0'),
        entry(100, false, 'allow', '0.0.0.0/0'),
      ]),
    verdict: 'unreachable',
    hop: { kind: 'nacl-outbound', resource: ACL_FN },
    detail: /rule 90 deny tcp 443 to 0\.0\.0\.0\/0/,
    fix: /create-network-acl-entry --network-acl-id acl-00000000000000fn1 --egress --rule-number 89 --protocol tcp --port-range From=443,To=443 --cidr-block 0\.0\.0\.0\/0 --rule-action allow/,
  },
  {
    name: 'the function ACL allows 443 out but no replies come back (implicit deny inbound)',
    change: (w) => fnAcl(w, [entry(100, true, 'allow', '0.0.0.0/0', '6', [443, 443])]),
    verdict: 'unreachable',
    hop: { kind: 'nacl-return-inbound', resource: ACL_FN },
    detail: /replies: .* inbound denies tcp 1024-65535 from the internet \(rule \* deny all traffic\)/,
    fix: /--ingress --rule-number 10 --protocol tcp --port-range From=1024,To=65535 --cidr-block 0\.0\.0\.0\/0/,
  },
  {
    name: 'replies only on 32768-65535: Lambda’s lower ephemeral ports are dropped',
    change: (w) =>
      fnAcl(w, [
        entry(100, true, 'allow', '0.0.0.0/0', '6', [443, 443]),
        entry(100, false, 'allow', '0.0.0.0/0', '6', [32768, 65535]),
      ]),
    verdict: 'unreachable',
    hop: { kind: 'nacl-return-inbound', resource: ACL_FN },
    detail: /denies tcp 1024-32767 from the internet/,
  },
  {
    name: 'a stateless ACL that opens 443 and the ephemeral ports both ways',
    change: (w) =>
      fnAcl(w, [
        entry(100, true, 'allow', '0.0.0.0/0', '6', [443, 443]),
        entry(100, false, 'allow', '0.0.0.0/0', '6', [1024, 65535]),
      ]),
    verdict: 'reachable',
  },
  {
    name: 'the NAT subnet ACL does not let the function’s traffic in',
    change: (w) =>
      ownAcl(
        w,
        ACL_PUB,
        [PUB],
        [entry(100, true, 'allow', '0.0.0.0/0'), entry(100, false, 'allow', '0.0.0.0/0', '6', [1024, 65535])],
      ),
    verdict: 'unreachable',
    hop: { kind: 'nacl-inbound', resource: ACL_PUB, subnetId: PUB },
    fix: /--ingress --rule-number 110 .*--port-range From=443,To=443 --cidr-block 10\.0\.1\.0\/24/,
  },
  {
    name: 'the NAT subnet ACL drops the internet’s replies',
    change: (w) =>
      ownAcl(
        w,
        ACL_PUB,
        [PUB],
        [entry(100, true, 'allow', '0.0.0.0/0'), entry(100, false, 'allow', '10.0.0.0/16')],
      ),
    verdict: 'unreachable',
    hop: { kind: 'nacl-return-inbound', resource: ACL_PUB, subnetId: PUB },
  },
  {
    name: 'the NAT subnet ACL does not pass replies back to the function',
    change: (w) =>
      ownAcl(
        w,
        ACL_PUB,
        [PUB],
        [entry(100, true, 'allow', '0.0.0.0/0', '6', [443, 443]), entry(100, false, 'allow', '0.0.0.0/0')],
      ),
    verdict: 'unreachable',
    hop: { kind: 'nacl-return-outbound', resource: ACL_PUB, subnetId: PUB },
    detail: /to the function/,
  },
  {
    name: 'longest prefix: 0.0.0.0/1 + 128.0.0.0/1 to an internet gateway beat 0.0.0.0/0 to NAT',
    change: (w) => {
      tableOf(w, RTB_FN).Routes?.push(
        route({ DestinationCidrBlock: '0.0.0.0/1', GatewayId: IGW }),
        route({ DestinationCidrBlock: '128.0.0.0/1', GatewayId: IGW }),
      );
    },
    verdict: 'unreachable',
    hop: { kind: 'internet-gateway', resource: IGW },
    detail: /0\.0\.0\.0\/1 goes straight to igw-.*no public IP/,
    fix: /replace-route --route-table-id rtb-00000000000000fn1 --destination-cidr-block 0\.0\.0\.0\/1 --nat-gateway-id nat-0123456789abcdef0/,
  },
  {
    name: 'longest prefix, the reverse: 0.0.0.0/0 to an internet gateway, the halves to NAT',
    change: (w) => {
      defaultRoute(w, RTB_FN, { GatewayId: IGW });
      tableOf(w, RTB_FN).Routes?.push(
        route({ DestinationCidrBlock: '0.0.0.0/1', NatGatewayId: NAT }),
        route({ DestinationCidrBlock: '128.0.0.0/1', NatGatewayId: NAT }),
      );
    },
    verdict: 'reachable',
  },
  {
    name: 'half the internet through NAT, half to the internet gateway',
    change: (w) => {
      tableOf(w, RTB_FN).Routes?.push(route({ DestinationCidrBlock: '128.0.0.0/1', GatewayId: IGW }));
    },
    verdict: 'unreachable',
    hop: { kind: 'internet-gateway', resource: IGW },
  },
  {
    name: 'a public subnet: 0.0.0.0/0 to an internet gateway',
    change: (w) => defaultRoute(w, RTB_FN, { GatewayId: IGW }),
    verdict: 'unreachable',
    hop: { kind: 'internet-gateway', resource: IGW },
    fix: /replace-route .*--nat-gateway-id nat-0123456789abcdef0/,
  },
  {
    name: 'no default route',
    change: (w) => defaultRoute(w, RTB_FN, undefined),
    verdict: 'unreachable',
    hop: { kind: 'route', resource: RTB_FN },
    detail: /has no route for the internet/,
    fix: /create-route --route-table-id rtb-00000000000000fn1 --destination-cidr-block 0\.0\.0\.0\/0 --nat-gateway-id nat-0123456789abcdef0/,
  },
  {
    name: 'a blackhole default route',
    change: (w) => defaultRoute(w, RTB_FN, { NatGatewayId: 'nat-0deleted000000000', State: 'blackhole' }),
    verdict: 'unreachable',
    hop: { kind: 'route', resource: RTB_FN },
    detail: /blackhole/,
  },
  {
    name: 'the NAT gateway is pending',
    change: (w) => {
      const n = w.natGateways[0];
      if (n) n.State = 'pending';
    },
    verdict: 'unreachable',
    hop: { kind: 'nat-gateway', resource: NAT },
    detail: /pending, not available/,
  },
  {
    name: 'a private NAT gateway',
    change: (w) => {
      const n = w.natGateways[0];
      if (n) n.ConnectivityType = 'private';
    },
    verdict: 'unreachable',
    hop: { kind: 'nat-gateway', resource: NAT },
  },
  {
    name: 'a regional NAT gateway is not followed',
    change: (w) => {
      const n = w.natGateways[0];
      if (n) {
        n.AvailabilityMode = 'regional';
        n.SubnetId = undefined;
      }
    },
    verdict: 'unknown',
    hop: { kind: 'nat-gateway', resource: NAT },
  },
  {
    name: 'the NAT gateway sits in a subnet without a route to an internet gateway',
    change: (w) => defaultRoute(w, RTB_PUB, undefined),
    verdict: 'unreachable',
    hop: { kind: 'nat-route', resource: RTB_PUB, subnetId: PUB },
  },
  {
    name: 'the NAT subnet sends part of the internet to a transit gateway (longest prefix on the NAT side)',
    change: (w) => {
      tableOf(w, RTB_PUB).Routes?.push(route({ DestinationCidrBlock: '128.0.0.0/1', TransitGatewayId: TGW }));
    },
    verdict: 'unknown',
    hop: { kind: 'nat-route', resource: RTB_PUB },
  },
  {
    name: 'the NAT subnet’s internet gateway is detached',
    change: (w) => {
      const g = w.internetGateways[0];
      if (g) g.Attachments = [];
    },
    verdict: 'unreachable',
    hop: { kind: 'internet-gateway', resource: IGW },
    fix: /attach-internet-gateway --internet-gateway-id igw-0123456789abcdef0 --vpc-id vpc-0a1b2c3d4e5f67890/,
  },
  {
    name: 'egress only to 10.0.0.0/8 is no internet',
    change: (w) => {
      groupOf(w, SG_FN).IpPermissionsEgress = [allTraffic({ IpRanges: [{ CidrIp: '10.0.0.0/8' }] })];
    },
    verdict: 'unreachable',
    hop: { kind: 'sg-egress', resource: SG_FN },
    fix: /authorize-security-group-egress --group-id sg-0000000000000fn01 --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=\[\{CidrIp=0\.0\.0\.0\/0\}\]'/,
  },
  {
    name: 'egress only to the S3 prefix list is no internet',
    change: (w) => {
      groupOf(w, SG_FN).IpPermissionsEgress = [
        tcp(443, { PrefixListIds: [{ PrefixListId: 'pl-6da54004' }] }),
      ];
    },
    verdict: 'unreachable',
    hop: { kind: 'sg-egress', resource: SG_FN },
    detail: /only to part of the internet/,
  },
  {
    name: 'egress to the two halves of the internet is the internet',
    change: (w) => {
      groupOf(w, SG_FN).IpPermissionsEgress = [
        tcp(443, { IpRanges: [{ CidrIp: '0.0.0.0/1' }, { CidrIp: '128.0.0.0/1' }] }),
      ];
    },
    verdict: 'reachable',
  },
  {
    name: 'egress on tcp 80 only',
    change: (w) => {
      groupOf(w, SG_FN).IpPermissionsEgress = [tcp(80, { IpRanges: [{ CidrIp: '0.0.0.0/0' }] })];
    },
    verdict: 'unreachable',
    hop: { kind: 'sg-egress', resource: SG_FN },
  },
  {
    name: 'udp 53 out, through an ACL that allows only tcp',
    target: { kind: 'internet', protocol: 'udp', port: 53 },
    change: (w) =>
      fnAcl(w, [
        entry(100, true, 'allow', '0.0.0.0/0', '6', [0, 65535]),
        entry(100, false, 'allow', '0.0.0.0/0'),
      ]),
    verdict: 'unreachable',
    hop: { kind: 'nacl-outbound', resource: ACL_FN },
    fix: /--protocol udp --port-range From=53,To=53/,
  },
  {
    name: 'internet through a peering connection (no edge-to-edge routing)',
    change: (w) => defaultRoute(w, RTB_FN, { VpcPeeringConnectionId: PCX }),
    verdict: 'unreachable',
    hop: { kind: 'next-hop', resource: PCX },
    detail: /edge-to-edge/,
  },
  {
    name: 'internet through a transit gateway is not followed',
    change: (w) => defaultRoute(w, RTB_FN, { TransitGatewayId: TGW }),
    verdict: 'unknown',
    hop: { kind: 'next-hop', resource: TGW },
    detail: /transit gateway tgw-0123456789abcdef0/,
  },
  {
    name: 'internet through a NAT instance is not followed',
    change: (w) =>
      defaultRoute(w, RTB_FN, {
        InstanceId: 'i-0123456789abcdef0',
        NetworkInterfaceId: 'eni-0nat00000000000001',
      }),
    verdict: 'unknown',
    hop: { kind: 'next-hop' },
    detail: /network interface eni-0nat00000000000001/,
  },
  {
    name: 'internet through a firewall endpoint is not followed',
    change: (w) => {
      defaultRoute(w, RTB_FN, { GatewayId: 'vpce-0firewall000000001' });
      w.vpcEndpoints.push({
        VpcEndpointId: 'vpce-0firewall000000001',
        VpcEndpointType: 'GatewayLoadBalancer',
        VpcId: VPC,
      });
    },
    verdict: 'unknown',
    hop: { kind: 'next-hop', resource: 'vpce-0firewall000000001' },
  },
  {
    name: 'internet through a VPN gateway is not followed',
    change: (w) => defaultRoute(w, RTB_FN, { GatewayId: 'vgw-0123456789abcdef0' }),
    verdict: 'unknown',
    hop: { kind: 'next-hop', resource: 'vgw-0123456789abcdef0' },
    detail: /virtual private gateway/,
  },
  {
    name: 'a subnet with no explicit association uses the main table (local only)',
    change: (w) => {
      w.function.subnetIds = [FN_B];
      const t = tableOf(w, RTB_FN);
      t.Associations = (t.Associations ?? []).filter((a) => a.SubnetId !== FN_B);
    },
    verdict: 'unreachable',
    hop: { kind: 'route', resource: 'rtb-0000000000000main' },
  },
  // IPv6, its own path.
  {
    name: 'IPv6 through the egress-only internet gateway',
    target: internet6,
    change: (w) => {
      w.function.ipv6DualStack = true;
    },
    verdict: 'reachable',
  },
  {
    name: 'IPv6 when the function is not dual-stack',
    target: internet6,
    change: () => {},
    verdict: 'unreachable',
    hop: { kind: 'subnet', resource: FN_A },
  },
  {
    name: 'IPv6 from a subnet without an IPv6 block',
    target: internet6,
    change: (w) => {
      w.function.ipv6DualStack = true;
      w.function.subnetIds = [FN_B];
    },
    verdict: 'unreachable',
    hop: { kind: 'subnet', resource: FN_B },
    fix: /associate-subnet-cidr-block --subnet-id subnet-0aaaaaaaaaaaaaaa2/,
  },
  {
    name: 'IPv6 with egress rules for IPv4 only',
    target: internet6,
    change: (w) => {
      w.function.ipv6DualStack = true;
      groupOf(w, SG_FN).IpPermissionsEgress = [allTraffic({ IpRanges: [{ CidrIp: '0.0.0.0/0' }] })];
    },
    verdict: 'unreachable',
    hop: { kind: 'sg-egress', resource: SG_FN },
    fix: /Ipv6Ranges=\[\{CidrIpv6=::\/0\}\]/,
  },
  {
    name: 'IPv6 through an ACL with IPv4 entries only',
    target: internet6,
    change: (w) => {
      w.function.ipv6DualStack = true;
      fnAcl(w, [entry(100, true, 'allow', '0.0.0.0/0'), entry(100, false, 'allow', '0.0.0.0/0')]);
    },
    verdict: 'unreachable',
    hop: { kind: 'nacl-outbound', resource: ACL_FN },
    fix: /--ipv6-cidr-block ::\/0/,
  },
  {
    name: 'IPv6 without a ::/0 route',
    target: internet6,
    change: (w) => {
      w.function.ipv6DualStack = true;
      const t = tableOf(w, RTB_FN);
      t.Routes = (t.Routes ?? []).filter((r) => r.DestinationIpv6CidrBlock !== '::/0');
    },
    verdict: 'unreachable',
    hop: { kind: 'route', resource: RTB_FN },
    fix: /--destination-ipv6-cidr-block ::\/0 --egress-only-internet-gateway-id/,
  },
  {
    name: 'IPv6 straight to an internet gateway works (the address is global)',
    target: internet6,
    change: (w) => {
      w.function.ipv6DualStack = true;
      const t = tableOf(w, RTB_FN);
      t.Routes = (t.Routes ?? []).filter((r) => r.DestinationIpv6CidrBlock !== '::/0');
      t.Routes.push(route({ DestinationIpv6CidrBlock: '::/0', GatewayId: IGW }));
    },
    verdict: 'reachable',
  },
  {
    name: 'IPv6 through a detached egress-only gateway',
    target: internet6,
    change: (w) => {
      w.function.ipv6DualStack = true;
      const g = w.egressOnlyInternetGateways[0];
      if (g) g.Attachments = [];
    },
    verdict: 'unreachable',
    hop: { kind: 'egress-only-internet-gateway', resource: EIGW },
  },
];

describe('tracePaths: the internet', () => {
  it.each(rows)('$name', ({ target = internet, change, verdict, hop, detail, fix }) => {
    const w = world();
    change(w);
    const v = trace(w, target);
    expect(v.verdict).toBe(verdict);
    const h = decidingHop(v);
    if (verdict === 'reachable') {
      expect(h).toBeUndefined();
      expect(v.subnets.flatMap((p) => p.hops).every((x) => x.status === 'pass')).toBe(true);
      return;
    }
    expect(h).toMatchObject(hop ?? {});
    if (detail) expect(h?.detail).toMatch(detail);
    if (fix) expect(h?.fix).toMatch(fix);
    expect(v.reason).toContain(h?.detail);
  });

  it('walks the hops in the order a packet meets them', () => {
    const v = trace(world(), internet);
    expect(v.subnets[0]?.hops.map((h) => `${h.kind}${h.subnetId ? `@${h.subnetId}` : ''}`)).toEqual([
      'sg-egress',
      'nacl-outbound',
      'route',
      'nat-gateway',
      `nacl-inbound@${PUB}`,
      `nacl-outbound@${PUB}`,
      `nat-route@${PUB}`,
      'internet-gateway',
      `nacl-return-inbound@${PUB}`,
      `nacl-return-outbound@${PUB}`,
      'nacl-return-inbound',
    ]);
    expect(v.subnets[0]?.hops[2]?.evidence).toEqual([`0.0.0.0/0 → ${NAT}`]);
    expect(v.subnets[0]?.hops[1]?.evidence).toEqual([
      'acl-0000000000000def1 outbound rule 100 allow all traffic to 0.0.0.0/0',
    ]);
  });

  it('every hop is evaluated after a failure, so all the fixes come out at once', () => {
    const w = world();
    groupOf(w, SG_FN).IpPermissionsEgress = [];
    fnAcl(w, [entry(100, true, 'allow', '10.0.0.0/8'), entry(100, false, 'allow', '0.0.0.0/0')]);
    const failed = trace(w, internet).subnets[0]?.hops.filter((h) => h.status === 'fail');
    expect(failed?.map((h) => h.kind)).toEqual(['sg-egress', 'nacl-outbound']);
    expect(failed?.every((h) => h.fix)).toBe(true);
  });

  it('one subnet of two failing makes the target unreachable, naming that subnet', () => {
    const w = world();
    w.function.subnetIds = [FN_A, FN_B];
    w.routeTables.push({
      RouteTableId: 'rtb-00000000000000fn2',
      VpcId: VPC,
      Routes: [route({ DestinationCidrBlock: '0.0.0.0/0', GatewayId: IGW })],
      Associations: [
        { SubnetId: FN_B, RouteTableId: 'rtb-00000000000000fn2', AssociationState: { State: 'associated' } },
      ],
    });
    const t = tableOf(w, RTB_FN);
    t.Associations = (t.Associations ?? []).filter((a) => a.SubnetId !== FN_B);
    const v = trace(w, internet);
    expect(v.subnets.map((p) => [p.subnetId, p.verdict])).toEqual([
      [FN_A, 'reachable'],
      [FN_B, 'unreachable'],
    ]);
    expect(v.verdict).toBe('unreachable');
    expect(v.reason).toMatch(new RegExp(`^${FN_B}: `));
  });

  it('an ACL that denies part of the internet leaves the answer unknown, not reachable', () => {
    const w = world();
    fnAcl(w, [
      entry(50, true, 'deny', '52.0.0.0/8'),
      entry(100, true, 'allow', '0.0.0.0/0'),
      entry(100, false, 'allow', '0.0.0.0/0'),
    ]);
    const v = trace(w, internet);
    expect(v.verdict).toBe('unknown');
    expect(decidingHop(v)).toMatchObject({ kind: 'nacl-outbound', status: 'unknown' });
    // The same rule decides a host in that range…
    expect(trace(w, { kind: 'address', address: '52.94.1.1', port: 443 }).verdict).toBe('unreachable');
    // …and not one outside it.
    expect(trace(w, { kind: 'address', address: '8.8.8.8', port: 443 }).verdict).toBe('reachable');
  });

  it('the default ACL with its IPv6 entries serves IPv4 and IPv6 alike', () => {
    const w = world();
    w.function.ipv6DualStack = true;
    w.networkAcls = [{ ...(w.networkAcls[0] ?? {}), Entries: allowAll() }];
    expect([trace(w, internet).verdict, trace(w, internet6).verdict]).toEqual(['reachable', 'reachable']);
  });
});
