import type {
  EgressOnlyInternetGateway,
  InternetGateway,
  ManagedPrefixList,
  NatGateway,
  NetworkAcl,
  NetworkInterface,
  RouteTable,
  SecurityGroup,
  Subnet,
  VpcEndpoint,
} from '@aws-sdk/client-ec2';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Target, Verdict } from '../../src/core/reachability/path/index.js';
import { READ } from '../../src/core/reachability/path/index.js';
import type {
  Ec2EgressOnlyInternetGateway,
  Ec2InternetGateway,
  Ec2ManagedPrefixList,
  Ec2NatGateway,
  Ec2NetworkAcl,
  Ec2NetworkInterface,
  Ec2RouteTable,
  Ec2SecurityGroup,
  Ec2Subnet,
  Ec2VpcAttributes,
  Ec2VpcEndpoint,
} from '../../src/core/reachability/types.js';
import { DB_IP, decidingHop, SG_DB, trace, type World, world } from './path-fixture.js';

const targets = {
  internet: { kind: 'internet' },
  internet6: { kind: 'internet', family: 'ipv6' },
  s3: { kind: 'service', service: 's3' },
  sqs: { kind: 'service', service: 'sqs' },
  db: { kind: 'address', address: DB_IP, port: 5432 },
  group: { kind: 'security-group', groupId: SG_DB, port: 5432 },
} satisfies Record<string, Target>;
type Name = keyof typeof targets;

const R: Verdict = 'reachable';
const U: Verdict = 'unknown';

/**
 * For each read: what the caller hands over when it is denied (an empty list, as the services
 * return), and the verdict of each target. A read decides only the hops that need it: a denied
 * NAT read leaves the database reachable, a denied endpoint read leaves the internet reachable.
 */
const rows: Array<{ read: string; empty: (w: World) => void; expected: Record<Name, Verdict> }> = [
  {
    read: READ.acls,
    empty: (w) => {
      w.networkAcls = [];
    },
    expected: { internet: U, internet6: U, s3: U, sqs: U, db: U, group: U },
  },
  {
    read: READ.routes,
    empty: (w) => {
      w.routeTables = [];
    },
    expected: { internet: U, internet6: U, s3: U, sqs: U, db: U, group: U },
  },
  {
    read: READ.groups,
    empty: (w) => {
      w.securityGroups = [];
    },
    expected: { internet: U, internet6: U, s3: U, sqs: U, db: U, group: U },
  },
  {
    read: READ.subnets,
    empty: (w) => {
      w.subnets = [];
    },
    expected: { internet: U, internet6: U, s3: U, sqs: U, db: U, group: U },
  },
  {
    read: READ.nat,
    empty: (w) => {
      w.natGateways = [];
    },
    expected: { internet: U, internet6: R, s3: R, sqs: R, db: R, group: R },
  },
  {
    read: READ.endpoints,
    empty: (w) => {
      w.vpcEndpoints = [];
    },
    expected: { internet: R, internet6: R, s3: U, sqs: U, db: R, group: R },
  },
  {
    read: READ.interfaces,
    empty: (w) => {
      w.networkInterfaces = [];
    },
    // sqs: the endpoint's subnet range is judged instead of its interface's address, and passes.
    expected: { internet: R, internet6: R, s3: R, sqs: R, db: U, group: U },
  },
  {
    read: READ.vpcAttributes,
    empty: (w) => {
      w.vpcAttributes = [];
    },
    expected: { internet: R, internet6: R, s3: R, sqs: U, db: R, group: R },
  },
  {
    read: READ.igw,
    empty: (w) => {
      w.internetGateways = [];
    },
    // The active route to the gateway stands in for the attachment.
    expected: { internet: R, internet6: R, s3: R, sqs: R, db: R, group: R },
  },
];

describe('denied reads make the hops that need them unknown, never skipped', () => {
  describe.each(rows)('$read', ({ read, empty, expected }) => {
    it.each(Object.keys(targets) as Name[])('%s', (name) => {
      for (const emptied of [true, false]) {
        const w = world();
        w.function.ipv6DualStack = true;
        if (emptied) empty(w);
        w.deniedReads = [read];
        const v = trace(w, targets[name]);
        expect(v.verdict).toBe(expected[name]);
        if (expected[name] === 'unknown') {
          const h = decidingHop(v);
          expect(h?.missing).toContain(read);
          expect(h?.detail).toContain(`no permission for ${read}`);
          expect(v.reason).toContain(read);
        }
      }
    });
  });

  it('the same world with nothing denied reaches everything (so each row above can fail)', () => {
    const w = world();
    w.function.ipv6DualStack = true;
    for (const t of Object.values(targets)) expect(trace(w, t).verdict).toBe('reachable');
  });

  it('unread prefix-list entries: the prefix-list route is assumed and says so', () => {
    const w = world();
    w.prefixLists = w.prefixLists.map(({ Entries: _entries, ...list }) => list);
    w.deniedReads = [READ.prefixListEntries];
    const v = trace(w, targets.s3);
    expect(v.verdict).toBe('reachable');
    expect(v.notes.join('\n')).toMatch(/entries of pl-6da54004 were not read/);
  });

  it('unread prefix-list entries decide nothing a rule needs them for', () => {
    const w = world();
    const db = w.securityGroups.find((g) => g.GroupId === SG_DB);
    if (db)
      db.IpPermissions = [
        {
          IpProtocol: 'tcp',
          FromPort: 5432,
          ToPort: 5432,
          PrefixListIds: [{ PrefixListId: 'pl-0apps0000000000001' }],
        },
      ];
    w.prefixLists.push({
      PrefixListId: 'pl-0apps0000000000001',
      AddressFamily: 'IPv4',
      PrefixListName: 'apps',
    });
    w.deniedReads = [READ.prefixListEntries];
    const v = trace(w, targets.db);
    expect(v.verdict).toBe('unknown');
    expect(decidingHop(v)).toMatchObject({ kind: 'sg-ingress', missing: [READ.prefixListEntries] });
  });

  it('several denied reads: every hop that needs one names it', () => {
    const w = world();
    w.deniedReads = [READ.acls, READ.nat];
    const hops = trace(w, targets.internet).subnets[0]?.hops ?? [];
    const missing = new Set(hops.flatMap((h) => h.missing ?? []));
    expect([...missing].sort()).toEqual([READ.acls, READ.nat].sort());
    expect(hops.filter((h) => h.status === 'unknown').map((h) => h.kind)).toEqual([
      'nacl-outbound',
      'nat-gateway',
      'nacl-return-inbound',
    ]);
  });
});

describe('type compatibility with @aws-sdk/client-ec2', () => {
  it('accepts the SDK output shapes directly', () => {
    expectTypeOf<NetworkAcl>().toExtend<Ec2NetworkAcl>();
    expectTypeOf<ManagedPrefixList & { Entries?: { Cidr?: string }[] }>().toExtend<Ec2ManagedPrefixList>();
    expectTypeOf<NetworkInterface>().toExtend<Ec2NetworkInterface>();
    expectTypeOf<{
      VpcId?: string;
      EnableDnsSupport?: { Value?: boolean };
      EnableDnsHostnames?: { Value?: boolean };
    }>().toExtend<Ec2VpcAttributes>();
    expectTypeOf<SecurityGroup>().toExtend<Ec2SecurityGroup>();
    expectTypeOf<RouteTable>().toExtend<Ec2RouteTable>();
    expectTypeOf<VpcEndpoint>().toExtend<Ec2VpcEndpoint>();
    expectTypeOf<NatGateway>().toExtend<Ec2NatGateway>();
    expectTypeOf<Subnet>().toExtend<Ec2Subnet>();
    expectTypeOf<InternetGateway>().toExtend<Ec2InternetGateway>();
    expectTypeOf<EgressOnlyInternetGateway>().toExtend<Ec2EgressOnlyInternetGateway>();
  });
});
