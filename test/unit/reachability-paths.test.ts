// The verdict lines and findings of analyzeNetwork, read from the path engine: the layouts the
// old analysis called reachable although a real function times out (issue 12), and, over many
// layouts, the rule that no verdict line contradicts a finding printed with it.
import type { IpPermission, Route } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import {
  analyzeNetwork,
  type NetworkAnalysis,
  type NetworkInput,
} from '../../src/core/reachability/analyze.js';
import {
  ACCOUNT,
  acl,
  allowAll,
  allTraffic,
  entry,
  FN_A,
  groupOf,
  IGW,
  local,
  NAT,
  ownAcl,
  PL_S3,
  PUB,
  REGION,
  route,
  SG_DB,
  SG_EP,
  SG_FN,
  tableOf,
  tcp,
  VPC,
  VPCE_S3,
  VPCE_SQS,
  type World,
  world,
} from './path-fixture.js';

/** The path fixture as the network analysis takes it (what the workflow hands over). */
function inputOf(w: World): NetworkInput {
  return {
    region: REGION,
    requested: {
      subnetIds: [...w.function.subnetIds],
      securityGroupIds: [...w.function.securityGroupIds],
      ipv6DualStack: w.function.ipv6DualStack ?? false,
    },
    subnets: w.subnets,
    securityGroups: w.securityGroups,
    vpcs: [{ VpcId: VPC, CidrBlock: '10.0.0.0/16', InstanceTenancy: 'default' }],
    routeTables: w.routeTables,
    vpcEndpoints: w.vpcEndpoints,
    natGateways: w.natGateways,
    internetGateways: w.internetGateways,
    networkAcls: w.networkAcls,
    prefixLists: w.prefixLists,
    vpcAttributes: w.vpcAttributes,
    networkInterfaces: w.networkInterfaces,
    deniedReads: w.deniedReads,
  };
}

const analyze = (w: World) => analyzeNetwork(inputOf(w));
const codes = (a: NetworkAnalysis) => a.findings.map((f) => f.code);

const denyRule = (n: number, egress: boolean, cidr: string, ports: [number, number]) =>
  entry(n, egress, 'deny', cidr, '6', ports);
const setEgress = (w: World, rules: IpPermission[]) => {
  groupOf(w, SG_FN).IpPermissionsEgress = rules;
};
const setFnRoutes = (w: World, routes: Route[]) => {
  tableOf(w, 'rtb-00000000000000fn1').Routes = [local, ...routes];
};
const toNat = (cidr: string) => route({ DestinationCidrBlock: cidr, NatGatewayId: NAT });
const toIgw = (cidr: string) => route({ DestinationCidrBlock: cidr, GatewayId: IGW });
const s3Route = route({ DestinationPrefixListId: PL_S3, GatewayId: VPCE_S3 });

interface Layout {
  name: string;
  setup: (w: World) => void;
  internet: RegExp;
  /** Codes that must be among the findings. */
  codes?: string[];
  /** Codes that must not be. */
  notCodes?: string[];
  awsServices?: RegExp;
  notAwsServices?: RegExp;
}

const LAYOUTS: Layout[] = [
  // --- Network ACLs (4): silent before, the verdict said yes ---------------------------------
  {
    name: "the function's subnet ACL denies outbound tcp 443",
    setup: (w) =>
      ownAcl(
        w,
        'acl-0000000000000fn01',
        [FN_A],
        [denyRule(90, true, '0.0.0.0/0', [443, 443]), ...allowAll()],
      ),
    internet: /^internet: no \(.*acl-0000000000000fn01 outbound denies tcp 443/,
    codes: ['NACL_BLOCKS_OUTBOUND'],
  },
  {
    name: "the function's subnet ACL denies the replies (inbound ephemeral ports)",
    setup: (w) =>
      ownAcl(
        w,
        'acl-0000000000000fn01',
        [FN_A],
        [denyRule(90, false, '0.0.0.0/0', [1024, 65535]), ...allowAll()],
      ),
    internet: /^internet: no \(replies: acl-0000000000000fn01 inbound denies tcp 1024-65535/,
    codes: ['NACL_BLOCKS_RETURN'],
  },
  {
    name: "the NAT gateway's subnet ACL denies outbound tcp 443 to the internet",
    setup: (w) =>
      ownAcl(w, 'acl-000000000000pub01', [PUB], [denyRule(90, true, '0.0.0.0/0', [443, 443]), ...allowAll()]),
    internet: /^internet: no \(subnet-0ppppppppppppp001: acl-000000000000pub01 outbound denies tcp 443/,
    codes: ['NAT_SUBNET_NACL_BLOCKS'],
  },
  {
    name: "the NAT gateway's subnet ACL denies the replies from the internet",
    setup: (w) =>
      ownAcl(
        w,
        'acl-000000000000pub01',
        [PUB],
        [
          entry(80, false, 'allow', '10.0.0.0/16'),
          denyRule(90, false, '0.0.0.0/0', [1024, 65535]),
          ...allowAll(),
        ],
      ),
    internet: /^internet: no \(subnet-0ppppppppppppp001: replies: acl-000000000000pub01 inbound denies/,
    codes: ['NAT_SUBNET_NACL_BLOCKS'],
  },
  // --- Interface endpoints (5): counted as a way to the service before -----------------------
  {
    name: "the endpoint's group has no ingress rule",
    setup: (w) => {
      groupOf(w, SG_EP).IpPermissions = [];
    },
    internet: /^internet: yes via nat-/,
    codes: ['ENDPOINT_SG_BLOCKS'],
    awsServices:
      /sqs: no \(interface endpoint vpce-000000000000sqs01 does not admit tcp 443 from the function\)/,
    notAwsServices: /sqs[^;]* via interface endpoints/,
  },
  {
    name: "the endpoint's group admits another group only",
    setup: (w) => {
      groupOf(w, SG_EP).IpPermissions = [
        tcp(443, { UserIdGroupPairs: [{ GroupId: SG_DB, UserId: ACCOUNT }] }),
      ];
    },
    internet: /^internet: yes/,
    codes: ['ENDPOINT_SG_BLOCKS'],
    notAwsServices: /sqs[^;]* via interface endpoints/,
  },
  {
    name: "the endpoint's group admits tcp 443 from a CIDR that is not the function's subnet",
    setup: (w) => {
      groupOf(w, SG_EP).IpPermissions = [tcp(443, { IpRanges: [{ CidrIp: '10.0.20.0/24' }] })];
    },
    internet: /^internet: yes/,
    codes: ['ENDPOINT_SG_BLOCKS'],
    notAwsServices: /sqs[^;]* via interface endpoints/,
  },
  {
    name: "the VPC's DNS hostnames are off: private DNS has no effect, sqs goes out through the NAT",
    setup: (w) => {
      w.vpcAttributes = [
        { VpcId: VPC, EnableDnsSupport: { Value: true }, EnableDnsHostnames: { Value: false } },
      ];
    },
    internet: /^internet: yes/,
    codes: ['VPC_DNS_DISABLED'],
    awsServices: /^AWS services: all via NAT; s3 via gateway endpoints$/,
  },
  {
    name: "the VPC's DNS hostnames are off and there is no NAT: sqs is not reachable",
    setup: (w) => {
      w.vpcAttributes = [
        { VpcId: VPC, EnableDnsSupport: { Value: true }, EnableDnsHostnames: { Value: false } },
      ];
      setFnRoutes(w, [s3Route]);
    },
    internet: /^internet: no \(no default route\)/,
    codes: ['VPC_DNS_DISABLED', 'NO_DEFAULT_ROUTE'],
    awsServices: /^AWS services: s3 via gateway endpoints; sqs: no/,
  },
  // --- The function's own egress (6): a note said so, the verdict said yes -------------------
  {
    name: 'egress only to 10.0.0.0/8',
    setup: (w) => setEgress(w, [allTraffic({ IpRanges: [{ CidrIp: '10.0.0.0/8' }] })]),
    internet: /^internet: no \(no egress rule of sg-0000000000000fn01 allows tcp 443 to the internet\)/,
    codes: ['SG_HTTPS_EGRESS_LIMITED'],
    notAwsServices: /all via NAT/,
  },
  {
    name: 'egress only to the S3 prefix list: S3 only',
    setup: (w) => setEgress(w, [tcp(443, { PrefixListIds: [{ PrefixListId: PL_S3 }] })]),
    internet: /^internet: no/,
    codes: ['SG_HTTPS_EGRESS_LIMITED'],
    awsServices: /^AWS services: s3 via gateway endpoints(;|$)/,
    notAwsServices: /all via NAT|sqs[^;]* via interface/,
  },
  {
    name: 'egress only to another group',
    setup: (w) => setEgress(w, [tcp(443, { UserIdGroupPairs: [{ GroupId: SG_DB, UserId: ACCOUNT }] })]),
    internet: /^internet: no/,
    codes: ['SG_HTTPS_EGRESS_LIMITED'],
  },
  {
    name: 'egress only to ::/0 (IPv6)',
    setup: (w) => setEgress(w, [allTraffic({ Ipv6Ranges: [{ CidrIpv6: '::/0' }] })]),
    internet: /^internet: no/,
    codes: ['SG_HTTPS_EGRESS_LIMITED'],
  },
  {
    name: 'egress tcp 443 only to the interface endpoint subnet: sqs only',
    setup: (w) => setEgress(w, [tcp(443, { IpRanges: [{ CidrIp: '10.0.20.0/24' }] })]),
    internet: /^internet: no/,
    codes: ['SG_HTTPS_EGRESS_LIMITED'],
    awsServices: /sqs via interface endpoints/,
    notAwsServices: /all via NAT|s3 via/,
  },
  {
    name: 'egress to 0.0.0.0/1 and 128.0.0.0/1 covers the internet: no note',
    setup: (w) =>
      setEgress(w, [tcp(443, { IpRanges: [{ CidrIp: '0.0.0.0/1' }, { CidrIp: '128.0.0.0/1' }] })]),
    internet: /^internet: yes via nat-/,
    notCodes: ['SG_HTTPS_EGRESS_LIMITED', 'SG_NO_HTTPS_EGRESS'],
  },
  // --- Longest prefix match (2): only the exact 0.0.0.0/0 was read ---------------------------
  {
    name: '0.0.0.0/1 and 128.0.0.0/1 to an internet gateway beat 0.0.0.0/0 to the NAT',
    setup: (w) => setFnRoutes(w, [toNat('0.0.0.0/0'), toIgw('0.0.0.0/1'), toIgw('128.0.0.0/1'), s3Route]),
    internet: /^internet: no \(public subnet\)/,
    codes: ['PUBLIC_SUBNET_NO_INTERNET'],
  },
  {
    name: '0.0.0.0/1 and 128.0.0.0/1 to the NAT beat 0.0.0.0/0 to an internet gateway: no false warning',
    setup: (w) => setFnRoutes(w, [toIgw('0.0.0.0/0'), toNat('0.0.0.0/1'), toNat('128.0.0.0/1'), s3Route]),
    internet: /^internet: yes via nat-0123456789abcdef0$/,
    notCodes: ['PUBLIC_SUBNET_NO_INTERNET'],
  },
];

describe('verdicts on the path engine: the layouts the old analysis called reachable', () => {
  it('the fixture itself reaches everything', () => {
    const a = analyze(world());
    expect(a.verdict).toMatchObject({
      internet: { reachable: 'yes', via: [NAT], text: `internet: yes via ${NAT}` },
      awsServices: {
        reachable: 'yes',
        text: 'AWS services: all via NAT; s3 via gateway endpoints; sqs via interface endpoints',
      },
    });
    const services = Object.fromEntries(a.verdict.awsServices.services.map((v) => [v.service, v]));
    expect(services.s3).toMatchObject({ reachable: 'yes', reason: null });
    expect(services.s3?.via[0]).toMatch(/^vpce-/);
    expect(services.sqs?.via[0]).toMatch(/^vpce-/);
    expect(services.kms).toEqual({ service: 'kms', reachable: 'yes', via: [NAT], reason: null });
    expect(codes(a)).toEqual(['SINGLE_AZ']);
    expect(a.paths.map((p) => [p.target, p.verdict])).toContainEqual(['sqs', 'reachable']);
  });

  it.each(LAYOUTS)('$name', (l) => {
    const w = world();
    l.setup(w);
    const a = analyze(w);
    expect(a.verdict.internet.text).toMatch(l.internet);
    for (const c of l.codes ?? []) expect(codes(a)).toContain(c);
    for (const c of l.notCodes ?? []) expect(codes(a)).not.toContain(c);
    if (l.awsServices) expect(a.verdict.awsServices.text).toMatch(l.awsServices);
    if (l.notAwsServices) expect(a.verdict.awsServices.text).not.toMatch(l.notAwsServices);
    expect(contradictions(a)).toEqual([]);
  });
});

describe('the path reads, denied or never made', () => {
  it.each([
    ['ec2:DescribeNetworkAcls', 'network ACLs not checked (no permission for ec2:DescribeNetworkAcls)'],
  ])('%s denied: internet unknown, naming it', (read, reason) => {
    const w = world();
    w.deniedReads = [read];
    expect(analyze(w).verdict.internet.text).toBe(`internet: unknown (${reason})`);
  });

  it('no ACLs in the input: unknown, "not read"', () => {
    const { networkAcls: _, ...input } = inputOf(world());
    const a = analyzeNetwork(input);
    expect(a.verdict.internet.text).toBe(
      'internet: unknown (network ACLs not checked (not read: ec2:DescribeNetworkAcls))',
    );
    expect(a.paths[0]?.subnets[0]?.missing).toEqual(['ec2:DescribeNetworkAcls']);
  });

  it('DNS attributes denied: the interface endpoint is not counted, nothing is a yes it cannot prove', () => {
    const w = world();
    w.deniedReads = ['ec2:DescribeVpcAttribute'];
    const a = analyze(w);
    expect(a.verdict.awsServices.text).not.toMatch(/sqs via interface endpoints/);
    expect(a.verdict.awsServices.text).toMatch(
      /sqs: unknown \(VPC DNS attributes not checked \(no permission for ec2:DescribeVpcAttribute\)\)/,
    );
  });

  it('prefix list entries denied: egress naming a list is not proved', () => {
    const w = world();
    setEgress(w, [tcp(443, { PrefixListIds: [{ PrefixListId: 'pl-0customer000000001' }] })]);
    w.deniedReads = ['ec2:GetManagedPrefixListEntries'];
    const a = analyze(w);
    expect(a.verdict.internet.text).toMatch(/^internet: unknown/);
    expect(codes(a)).toContain('SG_EGRESS_NOT_PROVED');
  });
});

// ---------------------------------------------------------------------------------------------
// No verdict line contradicts a finding: over every combination of routes, egress, ACLs and
// endpoint set-ups, what the findings say about the internet and the endpoints, the lines say too.
// ---------------------------------------------------------------------------------------------

/** Findings that say the function has no internet access (from some subnet). */
const NO_INTERNET = new Set([
  'PUBLIC_SUBNET_NO_INTERNET',
  'NO_DEFAULT_ROUTE',
  'NAT_NOT_AVAILABLE',
  'NAT_PRIVATE',
  'NAT_IN_PRIVATE_SUBNET',
  'SG_NO_EGRESS',
  'SG_NO_HTTPS_EGRESS',
  'SG_HTTPS_EGRESS_LIMITED',
  'NAT_SUBNET_NACL_BLOCKS',
]);

function contradictions(a: NetworkAnalysis): string[] {
  const out: string[] = [];
  const yes = a.verdict.internet.text.startsWith('internet: yes');
  const internetPath = a.paths.find((p) => p.target === 'internet');
  if (yes !== (internetPath?.verdict === 'reachable'))
    out.push(`internet line ${a.verdict.internet.text} vs path ${internetPath?.verdict}`);
  for (const f of a.findings) {
    const says =
      NO_INTERNET.has(f.code) ||
      (f.code.startsWith('NACL_BLOCKS_') && f.message.includes('reach the internet')) ||
      f.code === 'DEFAULT_ROUTE_OTHER' ||
      f.code === 'SG_EGRESS_NOT_PROVED';
    if (says && yes) out.push(`${f.code} beside "${a.verdict.internet.text}"`);
    if (f.code === 'ENDPOINT_SG_BLOCKS') {
      const svc = /\((\S+)\) (answers|has private DNS)/.exec(f.message)?.[1] ?? '?';
      const viaIface = a.verdict.awsServices.text
        .split('; ')
        .find((p) => p.endsWith('via interface endpoints'));
      if (viaIface?.split(' via ')[0]?.split(', ').includes(svc))
        out.push(`${f.code} beside "${a.verdict.awsServices.text}"`);
    }
  }
  if ((a.verdict.internet.reachable === 'yes') !== yes)
    out.push(`internet ${a.verdict.internet.reachable} beside "${a.verdict.internet.text}"`);
  for (const s of a.verdict.awsServices.services) {
    const p = a.paths.find((x) => x.target === s.service);
    if ((s.reachable === 'yes') !== (p?.verdict === 'reachable'))
      out.push(`${s.service} ${s.reachable} but its path is ${p?.verdict}`);
  }
  if (/all via NAT(;|$)/.test(a.verdict.awsServices.text) && internetPath?.verdict !== 'reachable')
    out.push(`"all via NAT" but the internet path is ${internetPath?.verdict}`);
  for (const part of a.verdict.awsServices.text.replace(/^AWS services: /, '').split('; ')) {
    const m = /^(.+) via (gateway|interface) endpoints$/.exec(part);
    for (const svc of m?.[1]?.split(', ') ?? []) {
      const p = a.paths.find((x) => x.target === svc);
      if (p?.verdict !== 'reachable') out.push(`"${part}" but ${svc} is ${p?.verdict}`);
    }
  }
  return out;
}

const ROUTES: Record<string, (w: World) => void> = {
  nat: () => {},
  igw: (w) => setFnRoutes(w, [toIgw('0.0.0.0/0'), s3Route]),
  none: (w) => setFnRoutes(w, [s3Route]),
  'split-igw': (w) => setFnRoutes(w, [toNat('0.0.0.0/0'), toIgw('0.0.0.0/1'), toIgw('128.0.0.0/1'), s3Route]),
  'split-nat': (w) => setFnRoutes(w, [toIgw('0.0.0.0/0'), toNat('0.0.0.0/1'), toNat('128.0.0.0/1')]),
  tgw: (w) =>
    setFnRoutes(w, [route({ DestinationCidrBlock: '0.0.0.0/0', TransitGatewayId: 'tgw-0123456789abcdef0' })]),
  blackhole: (w) =>
    setFnRoutes(w, [route({ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: NAT, State: 'blackhole' })]),
  'nat-private': (w) => {
    const n = w.natGateways[0];
    if (n) n.ConnectivityType = 'private';
  },
};
const EGRESS: Record<string, (w: World) => void> = {
  all: () => {},
  '10/8': (w) => setEgress(w, [allTraffic({ IpRanges: [{ CidrIp: '10.0.0.0/8' }] })]),
  s3: (w) => setEgress(w, [tcp(443, { PrefixListIds: [{ PrefixListId: PL_S3 }] })]),
  group: (w) => setEgress(w, [tcp(443, { UserIdGroupPairs: [{ GroupId: SG_EP }] })]),
  v6: (w) => setEgress(w, [allTraffic({ Ipv6Ranges: [{ CidrIpv6: '::/0' }] })]),
  none: (w) => setEgress(w, []),
  tcp80: (w) => setEgress(w, [tcp(80, { IpRanges: [{ CidrIp: '0.0.0.0/0' }] })]),
  halves: (w) => setEgress(w, [tcp(443, { IpRanges: [{ CidrIp: '0.0.0.0/1' }, { CidrIp: '128.0.0.0/1' }] })]),
};
const ACLS: Record<string, (w: World) => void> = {
  open: () => {},
  'fn-out': LAYOUTS[0]?.setup ?? (() => {}),
  'fn-return': LAYOUTS[1]?.setup ?? (() => {}),
  'nat-out': LAYOUTS[2]?.setup ?? (() => {}),
  'nat-return': LAYOUTS[3]?.setup ?? (() => {}),
  'endpoint-in': (w) =>
    ownAcl(
      w,
      'acl-0000000000000ep01',
      ['subnet-0eeeeeeeeeeeeee01'],
      [denyRule(90, false, '10.0.0.0/16', [443, 443]), ...allowAll()],
    ),
  unread: (w) => {
    w.deniedReads = ['ec2:DescribeNetworkAcls'];
  },
};
const ENDPOINTS: Record<string, (w: World) => void> = {
  ok: () => {},
  'sg-none': LAYOUTS[4]?.setup ?? (() => {}),
  'hostnames-off': LAYOUTS[7]?.setup ?? (() => {}),
  'support-off': (w) => {
    w.vpcAttributes = [
      { VpcId: VPC, EnableDnsSupport: { Value: false }, EnableDnsHostnames: { Value: true } },
    ];
  },
  'no-endpoints': (w) => {
    w.vpcEndpoints = w.vpcEndpoints.filter((e) => e.VpcEndpointId !== VPCE_SQS);
  },
};

describe('no verdict line contradicts a finding printed beside it', () => {
  const combos = (r: string) =>
    Object.entries(EGRESS).flatMap(([e, egress]) =>
      Object.entries(ACLS).flatMap(([n, nacl]) =>
        Object.entries(ENDPOINTS).map(([p, endpoint]) => ({
          name: `${r}/${e}/${n}/${p}`,
          steps: [ROUTES[r] ?? (() => {}), egress, nacl, endpoint],
        })),
      ),
    );

  // Every combination of routes × egress × ACLs × endpoints (8 × 8 × 7 × 5), one route at a time.
  it.each(Object.keys(ROUTES))('routes %s: every egress, ACL and endpoint layout', (r) => {
    const bad: string[] = [];
    for (const { name, steps } of combos(r)) {
      const w = world();
      for (const step of steps) step(w);
      for (const c of contradictions(analyze(w))) bad.push(`${name}: ${c}`);
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('the rule itself catches what the old analysis printed', () => {
    // Egress only to 10.0.0.0/8: the old lines said "internet: yes" beside SG_HTTPS_EGRESS_LIMITED.
    const w = world();
    EGRESS['10/8']?.(w);
    const a = analyze(w);
    const old = {
      ...a,
      verdict: {
        internet: { reachable: 'yes' as const, via: [NAT], text: `internet: yes via ${NAT}` },
        awsServices: { ...a.verdict.awsServices, text: 'AWS services: all via NAT' },
      },
    };
    expect(contradictions(old)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('SG_HTTPS_EGRESS_LIMITED beside'),
        expect.stringContaining('all via NAT'),
      ]),
    );
  });

  it('and an unread ACL never lets a yes through', () => {
    const w = world();
    w.networkAcls = [acl('acl-0000000000000def1', [], allowAll(), true)];
    w.deniedReads = ['ec2:DescribeNetworkAcls'];
    expect(analyze(w).verdict.internet.text).not.toMatch(/yes/);
  });
});
