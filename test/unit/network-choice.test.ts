/**
 * The subnet chooser (attach --vpc without --subnets), table by table, from its rules: every
 * subnet of the VPC is a candidate; refusals in order (not-available, unsupported-az, no-ipv6,
 * no-free-ips, public, no-internet / internet-unknown with requireInternet, needs-unmet); one
 * subnet per Availability Zone (an existing Lambda interface, then more free addresses, then the
 * lower ID); AZ-name order; at most 16. The truths come from those rules and AWS's behaviour,
 * and a sanity table checks each fixture against the network analysis the chooser reads.
 */
import type { Subnet } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { combinationKey } from '../../src/core/eni-combos.js';
import {
  type ChooseSubnetsInput,
  chooseSubnets,
  type SubnetCandidate,
  type SubnetDecision,
} from '../../src/core/network-choice.js';
import { analyzeNetwork, LOW_FREE_IPS_THRESHOLD } from '../../src/core/reachability/analyze.js';
import {
  addSubnet,
  baseNet,
  groupOf,
  https,
  NAT,
  type Net,
  OTHER_VPC,
  PUB_A,
  REGION,
  RTB_MAIN,
  SG_EP,
  SG_FN,
  SG_OTHER,
  subnetId,
  TGW,
  tableOf,
  VPC,
  withS3Gateway,
  withSecretsEndpoint,
} from './network-choice-fixture.js';

const NAT_A = 'subnet-0c0c0c0c0c0c0a011';
const NAT_A2 = 'subnet-0c0c0c0c0c0c0a012';
const NAT_B = 'subnet-0c0c0c0c0c0c0b011';
const NAT_C = 'subnet-0c0c0c0c0c0c0c011';
const PUB_B = 'subnet-0c0c0c0c0c0c0b001';
const ISO_A = 'subnet-0c0c0c0c0c0c0a021';
const ISO_B = 'subnet-0c0c0c0c0c0c0b021';
const TGW_C = 'subnet-0c0c0c0c0c0c0c031';
const ELSEWHERE = 'subnet-0c0c0c0c0c0c09091';

/** NAT subnets in eu-west-1a, b and c (listed c, a, b) with 100, 200 and 300 free addresses. */
function natInThreeAzs(): Net {
  const net = baseNet();
  addSubnet(net, NAT_C, { az: 'c', table: 'nat', free: 300 });
  addSubnet(net, NAT_A, { az: 'a', table: 'nat', free: 100 });
  return addSubnet(net, NAT_B, { az: 'b', table: 'nat', free: 200 });
}

/** Two NAT subnets in eu-west-1a (100 and 500 free addresses) and one in eu-west-1b. */
function twoNatInOneAz(): Net {
  const net = baseNet();
  addSubnet(net, NAT_A, { az: 'a', table: 'nat', free: 100 });
  addSubnet(net, NAT_A2, { az: 'a', table: 'nat', free: 500 });
  return addSubnet(net, NAT_B, { az: 'b', table: 'nat' });
}

/**
 * No NAT gateway: isolated subnets in eu-west-1a and b whose table routes the S3 prefix list to a
 * gateway endpoint, and a Secrets Manager interface endpoint in both (sg-ep: tcp 443 from sg-fn).
 */
function isolated(): Net {
  const net = baseNet(false);
  addSubnet(net, ISO_A, { az: 'a', table: 'isolated' });
  addSubnet(net, ISO_B, { az: 'b', table: 'isolated' });
  return withSecretsEndpoint(withS3Gateway(net), [ISO_A, ISO_B]);
}

/** A NAT subnet in eu-west-1a, an isolated one (S3 gateway endpoint) in eu-west-1b. */
function natAndIsolated(): Net {
  const net = baseNet();
  addSubnet(net, NAT_A, { az: 'a', table: 'nat' });
  return withS3Gateway(addSubnet(net, ISO_B, { az: 'b', table: 'isolated' }));
}

/** NAT subnets in eu-west-1a and b, and one in eu-west-1c on the main table, whose default route goes to a transit gateway. */
function withTransitGateway(): Net {
  const net = baseNet();
  tableOf(net, RTB_MAIN).Routes?.push({
    DestinationCidrBlock: '0.0.0.0/0',
    TransitGatewayId: TGW,
    Origin: 'CreateRoute',
    State: 'active',
  });
  addSubnet(net, NAT_A, { az: 'a', table: 'nat' });
  addSubnet(net, NAT_B, { az: 'b', table: 'nat' });
  return addSubnet(net, TGW_C, { az: 'c', table: 'main' });
}

/** One NAT subnet in each of 18 Availability Zones of a made-up Region, listed in reverse. */
const MANY_AZS = 'abcdefghijklmnopqr'.split('');
const manyId = (i: number) => subnetId('d', i + 1);
function natInEighteenAzs(): Net {
  const net = baseNet();
  for (let i = MANY_AZS.length - 1; i >= 0; i--)
    addSubnet(net, manyId(i), { az: `${REGION}${MANY_AZS[i]}`, table: 'nat' });
  return net;
}

interface Row {
  name: string;
  net: () => Net;
  input?: Partial<Omit<ChooseSubnetsInput, 'network'>>;
  /** Every candidate, in listing order, with its decision. */
  decisions: Array<[string, SubnetDecision]>;
  /** subnetIds, in AZ order; empty when nothing qualifies (ok: false). */
  chosen: string[];
  /** Fields of some candidates. */
  fields?: Record<string, Partial<Pick<SubnetCandidate, 'internet' | 'via' | 'existingInterface'>>>;
}

const NAT_FIELDS = { internet: 'yes' as const, via: [NAT] };

const rows: Row[] = [
  {
    name: 'NAT subnets in 3 AZs with different free addresses: one per AZ, in AZ order',
    net: natInThreeAzs,
    decisions: [
      [PUB_A, 'public'],
      [NAT_C, 'chosen'],
      [NAT_A, 'chosen'],
      [NAT_B, 'chosen'],
    ],
    chosen: [NAT_A, NAT_B, NAT_C],
    fields: {
      [NAT_A]: { ...NAT_FIELDS, existingInterface: false },
      [NAT_C]: NAT_FIELDS,
      [PUB_A]: { internet: 'no', via: [] },
    },
  },
  {
    name: 'two NAT subnets in one AZ: the one with more free addresses',
    net: twoNatInOneAz,
    decisions: [
      [PUB_A, 'public'],
      [NAT_A, 'same-az'],
      [NAT_A2, 'chosen'],
      [NAT_B, 'chosen'],
    ],
    chosen: [NAT_A2, NAT_B],
    fields: { [NAT_A]: { ...NAT_FIELDS, existingInterface: false } },
  },
  {
    name: 'two NAT subnets in one AZ: an existing Lambda interface wins over more free addresses',
    net: twoNatInOneAz,
    input: { existingCombinations: new Set([combinationKey(NAT_A, [SG_FN])]) },
    decisions: [
      [PUB_A, 'public'],
      [NAT_A, 'chosen'],
      [NAT_A2, 'same-az'],
      [NAT_B, 'chosen'],
    ],
    chosen: [NAT_A, NAT_B],
    fields: {
      [NAT_A]: { ...NAT_FIELDS, existingInterface: true },
      [NAT_A2]: { existingInterface: false },
      [NAT_B]: { existingInterface: false },
    },
  },
  {
    name: "an interface of another group set is not the function's combination",
    net: twoNatInOneAz,
    input: { existingCombinations: new Set([combinationKey(NAT_A, [SG_FN, SG_OTHER])]) },
    decisions: [
      [PUB_A, 'public'],
      [NAT_A, 'same-az'],
      [NAT_A2, 'chosen'],
      [NAT_B, 'chosen'],
    ],
    chosen: [NAT_A2, NAT_B],
    fields: { [NAT_A]: { existingInterface: false } },
  },
  {
    name: 'the combination is the group set whatever the order the groups are given in',
    net: twoNatInOneAz,
    input: {
      securityGroupIds: [SG_OTHER, SG_FN],
      existingCombinations: new Set([combinationKey(NAT_A, [SG_FN, SG_OTHER])]),
    },
    decisions: [
      [PUB_A, 'public'],
      [NAT_A, 'chosen'],
      [NAT_A2, 'same-az'],
      [NAT_B, 'chosen'],
    ],
    chosen: [NAT_A, NAT_B],
    fields: { [NAT_A]: { existingInterface: true } },
  },
  {
    name: 'equal free addresses in one AZ: the lower subnet ID, whatever the listing order',
    net: () => {
      const net = baseNet();
      addSubnet(net, NAT_A2, { az: 'a', table: 'nat' });
      addSubnet(net, NAT_A, { az: 'a', table: 'nat' });
      return addSubnet(net, NAT_B, { az: 'b', table: 'nat' });
    },
    decisions: [
      [PUB_A, 'public'],
      [NAT_A2, 'same-az'],
      [NAT_A, 'chosen'],
      [NAT_B, 'chosen'],
    ],
    chosen: [NAT_A, NAT_B],
  },
  {
    name: 'a public subnet is never chosen, even with requireInternet false and the most free addresses',
    net: () => {
      const net = baseNet();
      addSubnet(net, NAT_A, { az: 'a', table: 'nat', free: 20 });
      return addSubnet(net, PUB_B, { az: 'b', table: 'public', free: 4000 });
    },
    input: { requireInternet: false },
    decisions: [
      [PUB_A, 'public'],
      [NAT_A, 'chosen'],
      [PUB_B, 'public'],
    ],
    chosen: [NAT_A],
  },
  {
    name: 'isolated subnets, --no-internet, needs s3: the gateway endpoint carries it',
    net: isolated,
    input: { requireInternet: false, needs: ['s3'] },
    decisions: [
      [ISO_A, 'chosen'],
      [ISO_B, 'chosen'],
    ],
    chosen: [ISO_A, ISO_B],
    fields: { [ISO_A]: { internet: 'no', via: [] } },
  },
  {
    name: "isolated subnets, --no-internet, needs secretsmanager: the endpoint's group admits 443 from the function",
    net: isolated,
    input: { requireInternet: false, needs: ['secretsmanager'] },
    decisions: [
      [ISO_A, 'chosen'],
      [ISO_B, 'chosen'],
    ],
    chosen: [ISO_A, ISO_B],
  },
  {
    name: "isolated subnets, --no-internet, needs secretsmanager: the endpoint's group does not admit the function",
    net: () => {
      const net = isolated();
      groupOf(net, SG_EP).IpPermissions = [https({ IpRanges: [{ CidrIp: '192.168.0.0/16' }] })];
      return net;
    },
    input: { requireInternet: false, needs: ['secretsmanager'] },
    decisions: [
      [ISO_A, 'needs-unmet'],
      [ISO_B, 'needs-unmet'],
    ],
    chosen: [],
  },
  {
    name: 'isolated subnets, --no-internet, needs sqs: no endpoint and no NAT',
    net: isolated,
    input: { requireInternet: false, needs: ['sqs'] },
    decisions: [
      [ISO_A, 'needs-unmet'],
      [ISO_B, 'needs-unmet'],
    ],
    chosen: [],
  },
  {
    name: 'isolated subnets, --no-internet, needs s3 and sqs: every need must be met',
    net: isolated,
    input: { requireInternet: false, needs: ['s3', 'sqs'] },
    decisions: [
      [ISO_A, 'needs-unmet'],
      [ISO_B, 'needs-unmet'],
    ],
    chosen: [],
  },
  {
    name: 'isolated subnets, --no-internet, no needs: eligible',
    net: isolated,
    input: { requireInternet: false },
    decisions: [
      [ISO_A, 'chosen'],
      [ISO_B, 'chosen'],
    ],
    chosen: [ISO_A, ISO_B],
  },
  {
    name: 'isolated subnets with requireInternet: nothing qualifies, the hint names --no-internet',
    net: isolated,
    decisions: [
      [ISO_A, 'no-internet'],
      [ISO_B, 'no-internet'],
    ],
    chosen: [],
  },
  {
    name: 'a NAT subnet and an isolated one, --no-internet, needs s3: both (via NAT, via the gateway endpoint)',
    net: natAndIsolated,
    input: { requireInternet: false, needs: ['s3'] },
    decisions: [
      [PUB_A, 'public'],
      [NAT_A, 'chosen'],
      [ISO_B, 'chosen'],
    ],
    chosen: [NAT_A, ISO_B],
    fields: { [NAT_A]: NAT_FIELDS, [ISO_B]: { internet: 'no', via: [] } },
  },
  {
    name: 'a NAT subnet and an isolated one, --no-internet, needs sqs: only the NAT subnet reaches it',
    net: natAndIsolated,
    input: { requireInternet: false, needs: ['sqs'] },
    decisions: [
      [PUB_A, 'public'],
      [NAT_A, 'chosen'],
      [ISO_B, 'needs-unmet'],
    ],
    chosen: [NAT_A],
  },
  {
    name: 'a NAT subnet and an isolated one with requireInternet: one AZ left',
    net: natAndIsolated,
    decisions: [
      [PUB_A, 'public'],
      [NAT_A, 'chosen'],
      [ISO_B, 'no-internet'],
    ],
    chosen: [NAT_A],
  },
  {
    name: 'a VPC in one Availability Zone',
    net: () => {
      const net = baseNet();
      addSubnet(net, NAT_A, { az: 'a', table: 'nat' });
      return addSubnet(net, NAT_A2, { az: 'a', table: 'nat' });
    },
    decisions: [
      [PUB_A, 'public'],
      [NAT_A, 'chosen'],
      [NAT_A2, 'same-az'],
    ],
    chosen: [NAT_A],
  },
  {
    name: 'the NAT gateway failed: no internet anywhere',
    net: () => {
      const net = twoNatInOneAz();
      for (const n of net.natGateways) n.State = 'failed';
      return net;
    },
    decisions: [
      [PUB_A, 'public'],
      [NAT_A, 'no-internet'],
      [NAT_A2, 'no-internet'],
      [NAT_B, 'no-internet'],
    ],
    chosen: [],
    fields: { [NAT_A]: { internet: 'no', via: [] } },
  },
  {
    name: 'a default route to a transit gateway: the internet path is not proved',
    net: withTransitGateway,
    decisions: [
      [PUB_A, 'public'],
      [NAT_A, 'chosen'],
      [NAT_B, 'chosen'],
      [TGW_C, 'internet-unknown'],
    ],
    chosen: [NAT_A, NAT_B],
    fields: { [TGW_C]: { internet: 'unknown', via: [] } },
  },
  {
    name: 'a transit gateway subnet with --no-internet and no needs skips the internet rule',
    net: withTransitGateway,
    input: { requireInternet: false },
    decisions: [
      [PUB_A, 'public'],
      [NAT_A, 'chosen'],
      [NAT_B, 'chosen'],
      [TGW_C, 'chosen'],
    ],
    chosen: [NAT_A, NAT_B, TGW_C],
  },
  {
    name: 'a transit gateway subnet with --no-internet: a need through it is not proved',
    net: withTransitGateway,
    input: { requireInternet: false, needs: ['sqs'] },
    decisions: [
      [PUB_A, 'public'],
      [NAT_A, 'chosen'],
      [NAT_B, 'chosen'],
      [TGW_C, 'needs-unmet'],
    ],
    chosen: [NAT_A, NAT_B],
  },
  {
    name: 'a subnet with no free address',
    net: () => {
      const net = natInThreeAzs();
      const b = net.subnets.find((s) => s.SubnetId === NAT_B);
      if (b) b.AvailableIpAddressCount = 0;
      return net;
    },
    decisions: [
      [PUB_A, 'public'],
      [NAT_C, 'chosen'],
      [NAT_A, 'chosen'],
      [NAT_B, 'no-free-ips'],
    ],
    chosen: [NAT_A, NAT_C],
  },
  {
    name: 'an Availability Zone Lambda does not support',
    net: natInThreeAzs,
    input: { unsupportedAzIds: ['euw1-az3'] },
    decisions: [
      [PUB_A, 'public'],
      [NAT_C, 'unsupported-az'],
      [NAT_A, 'chosen'],
      [NAT_B, 'chosen'],
    ],
    chosen: [NAT_A, NAT_B],
  },
  {
    name: 'dual-stack: only subnets with an associated IPv6 CIDR (checked before "public")',
    net: () => {
      const net = baseNet();
      addSubnet(net, NAT_A, { az: 'a', table: 'nat', ipv6: 'associated' });
      addSubnet(net, NAT_B, { az: 'b', table: 'nat' });
      return addSubnet(net, NAT_C, { az: 'c', table: 'nat', ipv6: 'disassociated' });
    },
    input: { ipv6: true },
    decisions: [
      [PUB_A, 'no-ipv6'],
      [NAT_A, 'chosen'],
      [NAT_B, 'no-ipv6'],
      [NAT_C, 'no-ipv6'],
    ],
    chosen: [NAT_A],
  },
  {
    name: 'a subnet that is not available yet',
    net: () => {
      const net = baseNet();
      addSubnet(net, NAT_A, { az: 'a', table: 'nat' });
      return addSubnet(net, NAT_B, { az: 'b', table: 'nat', state: 'pending' });
    },
    decisions: [
      [PUB_A, 'public'],
      [NAT_A, 'chosen'],
      [NAT_B, 'not-available'],
    ],
    chosen: [NAT_A],
  },
  {
    name: 'refusals in their order: state, then AZ, then free addresses, then public',
    net: () => {
      const net = baseNet();
      addSubnet(net, NAT_A, { az: 'a', table: 'nat' });
      addSubnet(net, NAT_B, { az: 'b', table: 'nat', state: 'pending', free: 0 });
      addSubnet(net, NAT_C, { az: 'c', table: 'nat', free: 0 });
      return addSubnet(net, PUB_B, { az: 'b', table: 'public', free: 0 });
    },
    input: { unsupportedAzIds: ['euw1-az2', 'euw1-az3'] },
    decisions: [
      [PUB_A, 'public'],
      [NAT_A, 'chosen'],
      [NAT_B, 'not-available'],
      [NAT_C, 'unsupported-az'],
      [PUB_B, 'unsupported-az'],
    ],
    chosen: [NAT_A],
  },
  {
    name: 'no free address comes before public',
    net: () => {
      const net = natInThreeAzs();
      return addSubnet(net, PUB_B, { az: 'b', table: 'public', free: 0 });
    },
    decisions: [
      [PUB_A, 'public'],
      [NAT_C, 'chosen'],
      [NAT_A, 'chosen'],
      [NAT_B, 'chosen'],
      [PUB_B, 'no-free-ips'],
    ],
    chosen: [NAT_A, NAT_B, NAT_C],
  },
  {
    name: "another VPC's subnets are no candidates",
    net: () => addSubnet(natInThreeAzs(), ELSEWHERE, { az: 'a', table: 'main', vpcId: OTHER_VPC }),
    decisions: [
      [PUB_A, 'public'],
      [NAT_C, 'chosen'],
      [NAT_A, 'chosen'],
      [NAT_B, 'chosen'],
    ],
    chosen: [NAT_A, NAT_B, NAT_C],
  },
  {
    name: 'at most 16 subnets: the first 16 AZs by name, the rest over the limit',
    net: natInEighteenAzs,
    decisions: [
      [PUB_A, 'public'],
      ...MANY_AZS.map((_, i): [string, SubnetDecision] => [
        manyId(i),
        i < 16 ? 'chosen' : 'over-limit',
      ]).reverse(),
    ],
    chosen: MANY_AZS.slice(0, 16).map((_, i) => manyId(i)),
  },
  {
    name: 'a low subnet is still chosen, with a warning naming it',
    net: () => {
      const net = baseNet();
      addSubnet(net, NAT_A, { az: 'a', table: 'nat', free: LOW_FREE_IPS_THRESHOLD - 1 });
      return addSubnet(net, NAT_B, { az: 'b', table: 'nat', free: LOW_FREE_IPS_THRESHOLD });
    },
    decisions: [
      [PUB_A, 'public'],
      [NAT_A, 'chosen'],
      [NAT_B, 'chosen'],
    ],
    chosen: [NAT_A, NAT_B],
  },
  {
    name: "groups without an egress rule: the function's traffic leaves no subnet",
    net: () => {
      const net = twoNatInOneAz();
      groupOf(net, SG_FN).IpPermissionsEgress = [];
      return net;
    },
    decisions: [
      [PUB_A, 'public'],
      [NAT_A, 'no-internet'],
      [NAT_A2, 'no-internet'],
      [NAT_B, 'no-internet'],
    ],
    chosen: [],
  },
  {
    name: 'route tables not readable: no subnet is proved, not even public',
    net: () => {
      const net = natInThreeAzs();
      net.routeTables = [];
      net.deniedReads = ['ec2:DescribeRouteTables'];
      return net;
    },
    decisions: [
      [PUB_A, 'internet-unknown'],
      [NAT_C, 'internet-unknown'],
      [NAT_A, 'internet-unknown'],
      [NAT_B, 'internet-unknown'],
    ],
    chosen: [],
    fields: { [NAT_A]: { internet: 'unknown', via: [] } },
  },
  {
    name: 'route tables not readable, with requireInternet false and no needs: still nothing is proved, not even "not public"',
    net: () => {
      const net = natInThreeAzs();
      net.routeTables = [];
      net.deniedReads = ['ec2:DescribeRouteTables'];
      return net;
    },
    input: { requireInternet: false },
    decisions: [
      [PUB_A, 'internet-unknown'],
      [NAT_C, 'internet-unknown'],
      [NAT_A, 'internet-unknown'],
      [NAT_B, 'internet-unknown'],
    ],
    chosen: [],
  },
];

function inputOf(row: Row): ChooseSubnetsInput {
  return {
    region: REGION,
    vpcId: VPC,
    network: row.net(),
    securityGroupIds: [SG_FN],
    ipv6: false,
    requireInternet: true,
    needs: [],
    existingCombinations: new Set(),
    unsupportedAzIds: [],
    ...row.input,
  };
}

/** A subnet of the input as the fixture built it: EC2's own shape, with its State. */
const subnetOf = (input: ChooseSubnetsInput, id: string): Subnet => {
  const s = input.network.subnets.find((x) => x.SubnetId === id);
  if (!s) throw new Error(`no subnet ${id}`);
  return s as Subnet;
};

const hasIpv6 = (s: ReturnType<typeof subnetOf>) =>
  (s.Ipv6CidrBlockAssociationSet ?? []).some(
    (b) => b.Ipv6CidrBlock && b.Ipv6CidrBlockState?.State === 'associated',
  );

/** The network check of the function in every subnet of the VPC, with its groups. */
function analysisOf(input: ChooseSubnetsInput) {
  const ids = input.network.subnets.filter((s) => s.VpcId === input.vpcId).map((s) => s.SubnetId ?? '');
  const analysis = analyzeNetwork({
    ...input.network,
    region: input.region,
    requested: { subnetIds: ids, securityGroupIds: [...input.securityGroupIds], ipv6DualStack: input.ipv6 },
  });
  return { ids, analysis };
}

/**
 * What the rules make of each subnet, read from its describe result and from the network
 * analysis (the public-subnet finding, the internet and service paths): a refusal, or 'eligible'.
 */
function refusalsByAnalysis(input: ChooseSubnetsInput): Map<string, SubnetDecision | 'eligible'> {
  const { ids, analysis } = analysisOf(input);
  const pathVerdict = (target: string, id: string) => {
    const path = analysis.paths.find((p) => p.target === target);
    if (!path) throw new Error(`the analysis traced no path to ${target}`);
    return path.subnets.find((p) => p.id === id)?.verdict;
  };
  const out = new Map<string, SubnetDecision | 'eligible'>();
  for (const id of ids) {
    const s = subnetOf(input, id);
    const summary = analysis.subnets.find((x) => x.id === id);
    const internet = pathVerdict('internet', id);
    let decision: SubnetDecision | 'eligible' = 'eligible';
    if (s.State !== undefined && s.State !== 'available') decision = 'not-available';
    else if (input.unsupportedAzIds?.includes(s.AvailabilityZoneId ?? '')) decision = 'unsupported-az';
    else if (input.ipv6 && !hasIpv6(s)) decision = 'no-ipv6';
    else if (s.AvailableIpAddressCount === 0) decision = 'no-free-ips';
    else if (summary?.internet.kind === 'public-no-internet') decision = 'public';
    // Without its routes even "not public" is unproved: refused whatever --no-internet says.
    else if (summary?.internet.kind === 'unknown') decision = 'internet-unknown';
    else if (input.requireInternet && internet === 'unreachable') decision = 'no-internet';
    else if (input.requireInternet && internet === 'unknown') decision = 'internet-unknown';
    else if (input.needs.some((n) => pathVerdict(n, id) !== 'reachable')) decision = 'needs-unmet';
    out.set(id, decision);
  }
  return out;
}

/** The analysis' internet verdict for one subnet, in the chooser's words, and what carries it. */
const internetOf = (input: ChooseSubnetsInput, id: string) => {
  const { analysis } = analysisOf(input);
  const p = analysis.paths.find((x) => x.target === 'internet')?.subnets.find((x) => x.id === id);
  const internet = { reachable: 'yes', unreachable: 'no', unknown: 'unknown' } as const;
  return { internet: p ? internet[p.verdict] : undefined, via: p?.via };
};

describe('the fixtures say what the network analysis says', () => {
  it.each(rows)('$name', (row) => {
    const input = inputOf(row);
    const byAnalysis = refusalsByAnalysis(input);
    const assumed = new Map(
      row.decisions.map(([id, d]) => [id, ['chosen', 'same-az', 'over-limit'].includes(d) ? 'eligible' : d]),
    );
    expect(assumed).toEqual(byAnalysis);
    for (const [id, f] of Object.entries(row.fields ?? {})) {
      const seen = internetOf(input, id);
      if (f.internet) expect(seen.internet, id).toBe(f.internet);
      if (f.via) expect(seen.via, id).toEqual(f.via);
    }
  });
});

/** The chosen subnets' Availability Zones. */
const azsOf = (input: ChooseSubnetsInput, ids: readonly string[]) =>
  new Set(ids.map((id) => subnetOf(input, id).AvailabilityZone));

describe('chooseSubnets', () => {
  it.each(rows)('$name', (row) => {
    const input = inputOf(row);
    const choice = chooseSubnets(input);

    expect(choice.candidates.map((c) => [c.id, c.decision])).toEqual(row.decisions);
    for (const c of choice.candidates) {
      const s = subnetOf(input, c.id);
      expect(c.az).toBe(s.AvailabilityZone);
      expect(c.azId).toBe(s.AvailabilityZoneId);
      expect(c.freeIps).toBe(s.AvailableIpAddressCount);
      expect(c.existingInterface).toBe(
        input.existingCombinations?.has(combinationKey(c.id, input.securityGroupIds)) ?? null,
      );
      expect(c.reason.trim(), c.id).not.toBe('');
      expect(c.reason, c.id).not.toContain('\n');
    }
    for (const [id, f] of Object.entries(row.fields ?? {}))
      expect(
        choice.candidates.find((c) => c.id === id),
        id,
      ).toMatchObject(f);

    if (row.chosen.length === 0) {
      expect(choice.ok).toBe(false);
      if (choice.ok) return;
      expect(choice.message).toContain(VPC);
      expect(choice.hint).toContain('--subnets');
      // `no-internet` is a refusal of requireInternet only: --no-internet would lift it.
      if (row.decisions.some(([, d]) => d === 'no-internet')) expect(choice.hint).toContain('--no-internet');
      return;
    }
    expect(choice.ok).toBe(true);
    if (!choice.ok) return;
    expect(choice.subnetIds).toEqual(row.chosen);
    const oneAz = choice.warnings.filter((w) => w.includes('one Availability Zone'));
    if (azsOf(input, row.chosen).size === 1) expect(oneAz).toHaveLength(1);
    else expect(oneAz).toEqual([]);
    for (const id of row.chosen) {
      const low = (subnetOf(input, id).AvailableIpAddressCount ?? 0) < LOW_FREE_IPS_THRESHOLD;
      if (low)
        expect(
          choice.warnings.some((w) => w.includes(id)),
          id,
        ).toBe(true);
    }
  });
});

describe('what the tables rely on', () => {
  it('has a row for every decision', () => {
    const seen = new Set(rows.flatMap((r) => r.decisions.map(([, d]) => d)));
    const all: SubnetDecision[] = [
      'chosen',
      'same-az',
      'over-limit',
      'not-available',
      'unsupported-az',
      'no-ipv6',
      'no-free-ips',
      'public',
      'no-internet',
      'internet-unknown',
      'needs-unmet',
    ];
    expect([...seen].sort()).toEqual([...all].sort());
  });

  it('both one-AZ warnings have a row: a VPC in one AZ, and a VPC in two with one eligible', () => {
    const oneAzVpc = rows.find((r) => r.name === 'a VPC in one Availability Zone');
    const oneEligible = rows.find((r) => r.name.startsWith('a public subnet is never chosen'));
    for (const row of [oneAzVpc, oneEligible]) {
      if (!row) throw new Error('row renamed');
      const input = inputOf(row);
      const vpcAzs = azsOf(
        input,
        input.network.subnets.filter((s) => s.VpcId === VPC).map((s) => s.SubnetId ?? ''),
      );
      expect(vpcAzs.size).toBe(row === oneAzVpc ? 1 : 2);
      expect(azsOf(input, row.chosen).size).toBe(1);
    }
  });
});

describe('Lambda interfaces not read', () => {
  it('existingInterface is null, not false, and the choice falls back to free addresses', () => {
    const row = rows[0];
    if (!row) throw new Error('no row');
    const choice = chooseSubnets({ ...inputOf(row), existingCombinations: null });
    expect(choice.ok).toBe(true);
    expect(choice.candidates.every((c) => c.existingInterface === null)).toBe(true);
    if (choice.ok) expect(choice.subnetIds).toEqual(row.chosen);
  });
});
