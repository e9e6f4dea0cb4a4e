import { describe, expect, it } from 'vitest';
import type { Hop, Target, Verdict } from '../../src/core/reachability/path/index.js';
import {
  ACCOUNT,
  allTraffic,
  DB,
  DB_IP,
  decidingHop,
  ENI_DB,
  EP,
  entry,
  FN_A,
  FN_B,
  groupOf,
  ownAcl,
  prefixList,
  RTB_FN,
  route,
  SG_DB,
  SG_FN,
  tableOf,
  tcp,
  trace,
  VPC,
  type World,
  world,
} from './path-fixture.js';

const ACL_DB = 'acl-0000000000000db01';
const PL_OFFICE = 'pl-0office00000000001';
const DB2 = 'subnet-0dddddddddddddd02';

const db: Target = { kind: 'address', address: DB_IP, port: 5432 };
const rds = (subnetIds: string[], addresses?: string[]): Target => ({
  kind: 'resource',
  name: 'rds:orders-db',
  port: 5432,
  groupIds: [SG_DB],
  subnetIds,
  addresses,
});

function dbIngress(w: World, ...rules: ReturnType<typeof tcp>[]) {
  groupOf(w, SG_DB).IpPermissions = rules;
}

const dbAcl = (w: World, entries: ReturnType<typeof entry>[], subnets = [DB]) =>
  ownAcl(w, ACL_DB, subnets, [
    ...entries,
    entry(32767, true, 'deny', '0.0.0.0/0'),
    entry(32767, false, 'deny', '0.0.0.0/0'),
  ]);

function addDb2(w: World) {
  w.subnets.push({ SubnetId: DB2, VpcId: VPC, CidrBlock: '10.0.11.0/24', AvailabilityZone: 'eu-west-1b' });
}

interface Row {
  name: string;
  target?: Target;
  change: (w: World) => void;
  verdict: Verdict;
  hop?: Partial<Pick<Hop, 'kind' | 'resource' | 'subnetId' | 'toward'>>;
  detail?: RegExp;
  fix?: RegExp;
}

const rows: Row[] = [
  { name: 'the database admits the function’s group', change: () => {}, verdict: 'reachable' },
  {
    name: 'the database’s group admits another group',
    change: (w) =>
      dbIngress(w, tcp(5432, { UserIdGroupPairs: [{ GroupId: 'sg-0000000000000ot01', UserId: ACCOUNT }] })),
    verdict: 'unreachable',
    hop: { kind: 'sg-ingress', resource: SG_DB },
    fix: /^aws ec2 authorize-security-group-ingress --group-id sg-0000000000000db01 --protocol tcp --port 5432 --source-group sg-0000000000000fn01$/,
  },
  {
    name: 'the database’s group admits the VPC range',
    change: (w) => dbIngress(w, tcp(5432, { IpRanges: [{ CidrIp: '10.0.0.0/16' }] })),
    verdict: 'reachable',
  },
  {
    name: 'the database’s group admits half the function’s subnet: depends on the address',
    change: (w) => dbIngress(w, tcp(5432, { IpRanges: [{ CidrIp: '10.0.1.0/25' }] })),
    verdict: 'unknown',
    hop: { kind: 'sg-ingress', resource: SG_DB },
  },
  {
    name: 'the database’s group admits another subnet only',
    change: (w) => dbIngress(w, tcp(5432, { IpRanges: [{ CidrIp: '10.0.2.0/24' }] })),
    verdict: 'unreachable',
    hop: { kind: 'sg-ingress', resource: SG_DB },
  },
  {
    name: 'the database’s group admits a prefix list holding the function’s subnet',
    change: (w) => {
      dbIngress(w, tcp(5432, { PrefixListIds: [{ PrefixListId: PL_OFFICE }] }));
      w.prefixLists.push(
        prefixList(
          { PrefixListId: PL_OFFICE, AddressFamily: 'IPv4', PrefixListName: 'apps' },
          { Entries: [{ Cidr: '10.0.0.0/20' }] },
        ),
      );
    },
    verdict: 'reachable',
  },
  {
    name: 'the database’s group admits a prefix list that does not hold it',
    change: (w) => {
      dbIngress(w, tcp(5432, { PrefixListIds: [{ PrefixListId: PL_OFFICE }] }));
      w.prefixLists.push(
        prefixList(
          { PrefixListId: PL_OFFICE, AddressFamily: 'IPv4', PrefixListName: 'office' },
          { Entries: [{ Cidr: '192.168.0.0/16' }] },
        ),
      );
    },
    verdict: 'unreachable',
    hop: { kind: 'sg-ingress', resource: SG_DB },
  },
  {
    name: 'the database’s group admits a prefix list whose entries were not read',
    change: (w) => dbIngress(w, tcp(5432, { PrefixListIds: [{ PrefixListId: PL_OFFICE }] })),
    verdict: 'unknown',
    hop: { kind: 'sg-ingress', resource: SG_DB },
  },
  {
    name: 'the database’s group admits a port range around 5432',
    change: (w) => dbIngress(w, { ...tcp(5400), ToPort: 5500, UserIdGroupPairs: [{ GroupId: SG_FN }] }),
    verdict: 'reachable',
  },
  {
    name: 'the database’s group admits the function on 3306 only',
    change: (w) => dbIngress(w, tcp(3306, { UserIdGroupPairs: [{ GroupId: SG_FN }] })),
    verdict: 'unreachable',
    hop: { kind: 'sg-ingress', resource: SG_DB },
  },
  {
    name: 'the function’s egress names the database’s group',
    change: (w) => {
      groupOf(w, SG_FN).IpPermissionsEgress = [tcp(5432, { UserIdGroupPairs: [{ GroupId: SG_DB }] })];
    },
    verdict: 'reachable',
  },
  {
    name: 'the function’s egress names another group',
    change: (w) => {
      groupOf(w, SG_FN).IpPermissionsEgress = [
        tcp(5432, { UserIdGroupPairs: [{ GroupId: 'sg-0000000000000ot01' }] }),
      ];
    },
    verdict: 'unreachable',
    hop: { kind: 'sg-egress', resource: SG_FN },
    fix: /authorize-security-group-egress --group-id sg-0000000000000fn01 --ip-permissions 'IpProtocol=tcp,FromPort=5432,ToPort=5432,UserIdGroupPairs=\[\{GroupId=sg-0000000000000db01\}\]'/,
  },
  {
    name: 'the database subnet’s ACL lets nothing in on 5432',
    change: (w) =>
      dbAcl(w, [
        entry(100, true, 'allow', '0.0.0.0/0'),
        entry(100, false, 'allow', '0.0.0.0/0', '6', [443, 443]),
      ]),
    verdict: 'unreachable',
    hop: { kind: 'nacl-inbound', resource: ACL_DB, subnetId: DB },
    fix: /--network-acl-id acl-0000000000000db01 --ingress --rule-number 110 --protocol tcp --port-range From=5432,To=5432 --cidr-block 10\.0\.1\.0\/24/,
  },
  {
    name: 'the database subnet’s ACL drops the replies to the function',
    change: (w) =>
      dbAcl(w, [
        entry(100, true, 'allow', '0.0.0.0/0', '6', [5432, 5432]),
        entry(100, false, 'allow', '0.0.0.0/0'),
      ]),
    verdict: 'unreachable',
    hop: { kind: 'nacl-return-outbound', resource: ACL_DB, subnetId: DB },
    fix: /--egress .*--port-range From=1024,To=65535 --cidr-block 10\.0\.1\.0\/24/,
  },
  {
    name: 'the function subnet’s ACL drops the database’s replies',
    change: (w) =>
      ownAcl(
        w,
        'acl-00000000000000fn1',
        [FN_A],
        [entry(100, true, 'allow', '0.0.0.0/0'), entry(100, false, 'allow', '0.0.0.0/0', '6', [443, 443])],
      ),
    verdict: 'unreachable',
    hop: { kind: 'nacl-return-inbound', resource: 'acl-00000000000000fn1' },
    fix: /--cidr-block 10\.0\.10\.25\/32/,
  },
  {
    name: 'in the function’s own subnet no ACL applies',
    target: { kind: 'address', address: '10.0.1.50', port: 6379 },
    change: (w) => {
      w.networkInterfaces.push({
        NetworkInterfaceId: 'eni-0cache0000000000001',
        SubnetId: FN_A,
        PrivateIpAddress: '10.0.1.50',
        Groups: [{ GroupId: SG_DB }],
      });
      dbIngress(w, tcp(6379, { UserIdGroupPairs: [{ GroupId: SG_FN }] }));
      ownAcl(
        w,
        'acl-00000000000000fn1',
        [FN_A],
        [entry(32767, true, 'deny', '0.0.0.0/0'), entry(32767, false, 'deny', '0.0.0.0/0')],
      );
    },
    verdict: 'reachable',
  },
  {
    name: 'no network interface holds the address',
    target: { kind: 'address', address: '10.0.10.99', port: 5432 },
    change: () => {},
    verdict: 'unreachable',
    hop: { kind: 'target' },
    detail: /no network interface in the VPC holds 10\.0\.10\.99/,
  },
  {
    name: 'an address that does not parse is unknown, never routed',
    target: { kind: 'address', address: 'db.internal', port: 5432 },
    change: () => {},
    verdict: 'unknown',
    hop: { kind: 'target' },
    detail: /db\.internal is not an IP address/,
  },
  {
    name: 'the caller names the interface holding the address',
    target: {
      kind: 'address',
      address: '10.0.10.77',
      port: 5432,
      networkInterface: { SubnetId: DB, PrivateIpAddress: '10.0.10.77', Groups: [{ GroupId: SG_DB }] },
    },
    change: () => {},
    verdict: 'reachable',
  },
  {
    name: 'a more specific route than local sends the database subnet through a firewall appliance',
    change: (w) => {
      tableOf(w, RTB_FN).Routes?.push(
        route({ DestinationCidrBlock: '10.0.10.0/24', NetworkInterfaceId: 'eni-0firewall00000001' }),
      );
    },
    verdict: 'unknown',
    hop: { kind: 'next-hop', resource: 'eni-0firewall00000001' },
  },
  {
    name: 'a peered VPC’s host is not followed',
    target: { kind: 'address', address: '10.1.0.5', port: 5432 },
    change: (w) => {
      tableOf(w, RTB_FN).Routes?.push(
        route({ DestinationCidrBlock: '10.1.0.0/16', VpcPeeringConnectionId: 'pcx-0123456789abcdef0' }),
      );
    },
    verdict: 'unknown',
    hop: { kind: 'next-hop', resource: 'pcx-0123456789abcdef0' },
  },
  {
    name: 'an RDS-like target in the one subnet of its group',
    target: rds([DB]),
    change: () => {},
    verdict: 'reachable',
  },
  {
    name: 'an RDS-like target whose second subnet’s ACL denies: a failover would cut it off',
    target: rds([DB, DB2]),
    change: (w) => {
      addDb2(w);
      dbAcl(w, [entry(100, true, 'allow', '0.0.0.0/0')], [DB2]);
    },
    verdict: 'unreachable',
    hop: { kind: 'nacl-inbound', subnetId: DB2, toward: `rds:orders-db in ${DB2} (10.0.11.0/24)` },
  },
  {
    name: 'an RDS-like target pinned to its current address checks only its subnet',
    target: rds([DB, DB2], [DB_IP]),
    change: (w) => {
      addDb2(w);
      dbAcl(w, [entry(100, true, 'allow', '0.0.0.0/0')], [DB2]);
    },
    verdict: 'reachable',
  },
  {
    name: 'an RDS-like target in a subnet that was not described',
    target: rds([DB, 'subnet-0missing000000001']),
    change: () => {},
    verdict: 'unknown',
    hop: { kind: 'target' },
  },
  {
    name: 'every member of a group is checked',
    target: { kind: 'security-group', groupId: SG_DB, port: 5432 },
    change: (w) => {
      addDb2(w);
      w.networkInterfaces.push({
        NetworkInterfaceId: 'eni-0000000000000db02',
        SubnetId: DB2,
        PrivateIpAddress: '10.0.11.9',
        Groups: [{ GroupId: SG_DB }],
      });
      dbAcl(w, [entry(100, true, 'allow', '0.0.0.0/0')], [DB2]);
    },
    verdict: 'unreachable',
    hop: { kind: 'nacl-inbound', subnetId: DB2, toward: '10.0.11.9 (eni-0000000000000db02)' },
  },
  {
    name: 'a group without members cannot be proved reachable',
    target: { kind: 'security-group', groupId: SG_DB, port: 5432 },
    change: (w) => {
      w.networkInterfaces = w.networkInterfaces.filter((n) => n.NetworkInterfaceId !== ENI_DB);
    },
    verdict: 'unknown',
    hop: { kind: 'target' },
  },
  {
    name: 'a group without members whose rules do not admit the function is unreachable anyway',
    target: { kind: 'security-group', groupId: SG_DB, port: 5432 },
    change: (w) => {
      w.networkInterfaces = w.networkInterfaces.filter((n) => n.NetworkInterfaceId !== ENI_DB);
      dbIngress(w);
    },
    verdict: 'unreachable',
    hop: { kind: 'sg-ingress', resource: SG_DB },
  },
  {
    name: 'Lambda’s own interfaces in the group are not targets',
    target: { kind: 'security-group', groupId: SG_FN, port: 8080 },
    change: (w) => {
      w.networkInterfaces.push({
        NetworkInterfaceId: 'eni-0lambda0000000001',
        SubnetId: FN_A,
        PrivateIpAddress: '10.0.1.9',
        InterfaceType: 'lambda',
        Groups: [{ GroupId: SG_FN }],
      });
      groupOf(w, SG_FN).IpPermissions = [tcp(8080, { UserIdGroupPairs: [{ GroupId: SG_FN }] })];
    },
    verdict: 'unknown',
    hop: { kind: 'target' },
    detail: /no network interface is in sg-0000000000000fn01/,
  },
  {
    name: 'every subnet of the function: the second subnet’s ACL is the one that denies',
    change: (w) => {
      w.function.subnetIds = [FN_A, FN_B];
      ownAcl(w, 'acl-00000000000000fn2', [FN_B], [entry(100, false, 'allow', '0.0.0.0/0')]);
    },
    verdict: 'unreachable',
    hop: { kind: 'nacl-outbound', resource: 'acl-00000000000000fn2' },
  },
  {
    name: 'IPv6: a dual-stack function reaches the database’s IPv6 address',
    target: { kind: 'address', address: '2600:1f18:abcd:1210::25', port: 5432 },
    change: (w) => {
      w.function.ipv6DualStack = true;
      const eni = w.networkInterfaces.find((n) => n.NetworkInterfaceId === ENI_DB);
      if (eni) eni.Ipv6Addresses = [{ Ipv6Address: '2600:1f18:abcd:1210::25' }];
    },
    verdict: 'reachable',
  },
  {
    name: 'IPv6: the database’s group admits the function by IPv4 range only',
    target: { kind: 'address', address: '2600:1f18:abcd:1210::25', port: 5432 },
    change: (w) => {
      w.function.ipv6DualStack = true;
      const eni = w.networkInterfaces.find((n) => n.NetworkInterfaceId === ENI_DB);
      if (eni) eni.Ipv6Addresses = [{ Ipv6Address: '2600:1f18:abcd:1210::25' }];
      dbIngress(w, tcp(5432, { IpRanges: [{ CidrIp: '10.0.0.0/16' }] }));
    },
    verdict: 'unreachable',
    hop: { kind: 'sg-ingress', resource: SG_DB },
  },
  {
    name: 'an endpoint interface in another subnet is just another host',
    target: { kind: 'address', address: '10.0.20.10', port: 443 },
    change: (w) => {
      groupOf(w, 'sg-0000000000000ep01').IpPermissions = [
        allTraffic({ UserIdGroupPairs: [{ GroupId: SG_FN }] }),
      ];
      ownAcl(w, 'acl-0000000000000ep01', [EP], [entry(100, false, 'allow', '0.0.0.0/0')]);
    },
    verdict: 'unreachable',
    hop: { kind: 'nacl-return-outbound', subnetId: EP },
  },
];

describe('tracePaths: targets inside the VPC', () => {
  it('without an address only the groups are judged: no route, no ACL', () => {
    const w = world();
    w.networkInterfaces = w.networkInterfaces.filter((n) => n.NetworkInterfaceId !== ENI_DB);
    const group = trace(w, { kind: 'security-group', groupId: SG_DB, port: 5432 });
    expect(group.subnets[0]?.hops.map((h) => `${h.kind}:${h.status}`)).toEqual([
      'sg-egress:pass',
      'target:unknown',
      'sg-ingress:pass',
    ]);
    const bad = trace(w, { kind: 'address', address: 'db.internal', port: 5432 });
    expect(bad.subnets[0]?.hops.map((h) => h.kind)).toEqual(['target']);
  });

  it.each(rows)('$name', ({ target = db, change, verdict, hop, detail, fix }) => {
    const w = world();
    change(w);
    const v = trace(w, target);
    expect(v.verdict).toBe(verdict);
    const h = decidingHop(v);
    if (verdict === 'reachable') {
      expect(h).toBeUndefined();
      return;
    }
    expect(h).toMatchObject(hop ?? {});
    if (detail) expect(h?.detail).toMatch(detail);
    if (fix) expect(h?.fix).toMatch(fix);
  });

  it('the local path: into the target subnet, its groups, and the replies back out', () => {
    const v = trace(world(), db);
    expect(v.subnets[0]?.hops.map((h) => `${h.kind}${h.subnetId ? `@${h.subnetId}` : ''}`)).toEqual([
      'sg-egress',
      'nacl-outbound',
      'route',
      `nacl-inbound@${DB}`,
      'sg-ingress',
      `nacl-return-outbound@${DB}`,
      'nacl-return-inbound',
    ]);
    const ingress = v.subnets[0]?.hops.find((h) => h.kind === 'sg-ingress');
    expect(ingress?.resource).toBe(SG_DB);
    expect(ingress?.evidence).toEqual([`${SG_DB} ingress tcp 5432 from ${SG_FN}`]);
    expect(v.label).toBe(`${DB_IP} tcp/5432`);
  });
});
