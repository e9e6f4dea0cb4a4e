import { describe, expect, it } from 'vitest';
import {
  classifyEndpointPolicy,
  type EndpointPolicy,
  type Hop,
  type Target,
  type Verdict,
} from '../../src/core/reachability/path/index.js';
import {
  decidingHop,
  EP,
  entry,
  FN_A,
  groupOf,
  NAT,
  ownAcl,
  PL_S3,
  REGION,
  RTB_FN,
  route,
  SG_EP,
  SG_FN,
  tableOf,
  tcp,
  trace,
  VPC,
  VPCE_S3,
  VPCE_SQS,
  type World,
  world,
} from './path-fixture.js';

const s3: Target = { kind: 'service', service: 's3' };
const sqs: Target = { kind: 'service', service: 'sqs' };

const endpoint = (w: World, id: string) => {
  const e = w.vpcEndpoints.find((x) => x.VpcEndpointId === id);
  if (!e) throw new Error(`no endpoint ${id}`);
  return e;
};
const dropRoute = (
  w: World,
  match: (r: NonNullable<ReturnType<typeof tableOf>['Routes']>[number]) => boolean,
) => {
  const t = tableOf(w, RTB_FN);
  t.Routes = (t.Routes ?? []).filter((r) => !match(r));
};
const noNatRoute = (w: World) => dropRoute(w, (r) => r.NatGatewayId === NAT);
const noS3Route = (w: World) => dropRoute(w, (r) => r.DestinationPrefixListId === PL_S3);
const dns = (w: World, support: boolean, hostnames: boolean) => {
  w.vpcAttributes = [
    { VpcId: VPC, EnableDnsSupport: { Value: support }, EnableDnsHostnames: { Value: hostnames } },
  ];
};

const bucketOnly = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::orders/*' }],
});
const denyAll = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
    { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: '*' },
  ],
});

interface Row {
  name: string;
  target: Target;
  change: (w: World) => void;
  verdict: Verdict;
  hop?: Partial<Pick<Hop, 'kind' | 'resource' | 'subnetId' | 'toward'>>;
  /** Hop kinds the path must contain (to show which way it went). */
  via?: Hop['kind'][];
  fix?: RegExp;
  note?: RegExp;
}

const rows: Row[] = [
  {
    name: 's3 through the gateway endpoint’s prefix-list route',
    target: s3,
    change: () => {},
    verdict: 'reachable',
    via: ['gateway-endpoint', 'endpoint-policy'],
  },
  {
    name: 'at equal length a static route beats the prefix-list route: that part of s3 goes through NAT',
    target: s3,
    change: (w) => {
      tableOf(w, RTB_FN).Routes?.push(route({ DestinationCidrBlock: '52.218.0.0/17', NatGatewayId: NAT }));
    },
    verdict: 'reachable',
    via: ['gateway-endpoint', 'nat-gateway'],
  },
  {
    name: 'at equal length the prefix-list route beats a propagated VPN route',
    target: s3,
    change: (w) => {
      tableOf(w, RTB_FN).Routes?.push(
        route({
          DestinationCidrBlock: '52.92.0.0/17',
          GatewayId: 'vgw-0123456789abcdef0',
          Origin: 'EnableVgwRoutePropagation',
        }),
      );
    },
    verdict: 'reachable',
    via: ['gateway-endpoint'],
  },
  {
    name: 'a longer propagated route still wins over the prefix list (longest prefix first)',
    target: s3,
    change: (w) => {
      tableOf(w, RTB_FN).Routes?.push(
        route({
          DestinationCidrBlock: '52.92.0.0/18',
          GatewayId: 'vgw-0123456789abcdef0',
          Origin: 'EnableVgwRoutePropagation',
        }),
      );
    },
    verdict: 'unknown',
    hop: { kind: 'next-hop', resource: 'vgw-0123456789abcdef0' },
  },
  {
    name: 's3 with egress only to its prefix list',
    target: s3,
    change: (w) => {
      groupOf(w, SG_FN).IpPermissionsEgress = [tcp(443, { PrefixListIds: [{ PrefixListId: PL_S3 }] })];
    },
    verdict: 'reachable',
  },
  {
    name: 's3 with egress only to 10.0.0.0/8',
    target: s3,
    change: (w) => {
      groupOf(w, SG_FN).IpPermissionsEgress = [tcp(443, { IpRanges: [{ CidrIp: '10.0.0.0/8' }] })];
    },
    verdict: 'unreachable',
    hop: { kind: 'sg-egress' },
    fix: /PrefixListIds=\[\{PrefixListId=pl-6da54004\}\]/,
  },
  {
    name: 's3 whose endpoint policy denies everything',
    target: s3,
    change: (w) => {
      endpoint(w, VPCE_S3).PolicyDocument = denyAll;
    },
    verdict: 'unreachable',
    hop: { kind: 'endpoint-policy', resource: VPCE_S3 },
    fix: /modify-vpc-endpoint --vpc-endpoint-id vpce-0000000000000s301 --reset-policy/,
  },
  {
    name: 's3 whose endpoint policy allows one bucket: reachable, with a note',
    target: s3,
    change: (w) => {
      endpoint(w, VPCE_S3).PolicyDocument = bucketOnly;
    },
    verdict: 'reachable',
    note: /policy of vpce-0000000000000s301 restricts requests/,
  },
  {
    name: 's3 without the prefix list’s entries follows its route, with a note',
    target: s3,
    change: (w) => {
      w.prefixLists = [];
    },
    verdict: 'reachable',
    via: ['gateway-endpoint'],
    note: /entries of pl-6da54004 were not read/,
  },
  {
    name: 's3 whose gateway endpoint is not in the subnet’s route table goes through NAT',
    target: s3,
    change: noS3Route,
    verdict: 'reachable',
    via: ['nat-gateway'],
    note: /vpce-0000000000000s301 \(s3\) is not associated with rtb-00000000000000fn1/,
  },
  {
    name: 's3 from an isolated subnet whose table lacks the endpoint',
    target: s3,
    change: (w) => {
      noS3Route(w);
      noNatRoute(w);
    },
    verdict: 'unreachable',
    hop: { kind: 'route', resource: RTB_FN },
    fix: /^aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-0000000000000s301 --add-route-table-ids rtb-00000000000000fn1$/,
  },
  {
    name: 'dynamodb from an isolated subnet without any endpoint',
    target: { kind: 'service', service: 'dynamodb' },
    change: noNatRoute,
    verdict: 'unreachable',
    hop: { kind: 'route' },
    fix: /create-vpc-endpoint --vpc-id vpc-0a1b2c3d4e5f67890 --vpc-endpoint-type Gateway --service-name com\.amazonaws\.eu-west-1\.dynamodb --route-table-ids rtb-00000000000000fn1/,
  },
  {
    name: 's3 in another region is not served by this region’s endpoint',
    target: { kind: 'service', service: 's3', region: 'us-east-1' },
    change: () => {},
    verdict: 'reachable',
    via: ['nat-gateway'],
  },
  {
    name: 'sqs through its interface endpoint (private DNS)',
    target: sqs,
    change: () => {},
    verdict: 'reachable',
    via: ['dns', 'interface-endpoint', 'sg-ingress', 'endpoint-policy'],
  },
  {
    name: 'sqs whose endpoint group admits nothing from the function, even with a NAT gateway',
    target: sqs,
    change: (w) => {
      groupOf(w, SG_EP).IpPermissions = [tcp(443, { IpRanges: [{ CidrIp: '10.9.0.0/16' }] })];
    },
    verdict: 'unreachable',
    hop: { kind: 'sg-ingress', resource: SG_EP, toward: `${VPCE_SQS} in ${EP}` },
    fix: /authorize-security-group-ingress --group-id sg-0000000000000ep01 --protocol tcp --port 443 --source-group sg-0000000000000fn01/,
  },
  {
    name: 'sqs whose endpoint subnet ACL denies 443 in',
    target: sqs,
    change: (w) =>
      ownAcl(
        w,
        'acl-0000000000000ep01',
        [EP],
        [
          entry(100, true, 'allow', '0.0.0.0/0'),
          entry(200, false, 'deny', '10.0.1.0/24', '6', [443, 443]),
          entry(300, false, 'allow', '0.0.0.0/0'),
        ],
      ),
    verdict: 'unreachable',
    hop: { kind: 'nacl-inbound', subnetId: EP },
    fix: /--rule-number 199/,
  },
  {
    name: 'sqs with DNS hostnames off: the hostname goes public, through NAT',
    target: sqs,
    change: (w) => dns(w, true, false),
    verdict: 'reachable',
    via: ['nat-gateway'],
    note: /enableDnsHostnames is off/,
  },
  {
    name: 'sqs with DNS hostnames off and no NAT: it times out',
    target: sqs,
    change: (w) => {
      dns(w, true, false);
      noNatRoute(w);
    },
    verdict: 'unreachable',
    hop: { kind: 'route' },
  },
  {
    name: 'sqs with DNS support off: names resolve only through custom DNS',
    target: sqs,
    change: (w) => dns(w, false, true),
    verdict: 'unknown',
    hop: { kind: 'dns' },
    fix: /modify-vpc-attribute --vpc-id vpc-0a1b2c3d4e5f67890 --enable-dns-support/,
  },
  {
    name: 'sqs whose endpoint has private DNS off goes through NAT',
    target: sqs,
    change: (w) => {
      endpoint(w, VPCE_SQS).PrivateDnsEnabled = false;
    },
    verdict: 'reachable',
    via: ['nat-gateway'],
    note: /private DNS off/,
  },
  {
    name: 'sqs whose endpoint is pending goes through NAT',
    target: sqs,
    change: (w) => {
      endpoint(w, VPCE_SQS).State = 'pending' as (typeof w.vpcEndpoints)[number]['State'];
    },
    verdict: 'reachable',
    via: ['nat-gateway'],
  },
  {
    name: 'sqs endpoint in two subnets: the one whose interface was not read is judged by its subnet range',
    target: sqs,
    change: (w) => {
      endpoint(w, VPCE_SQS).SubnetIds = [EP, FN_A];
      ownAcl(
        w,
        'acl-00000000000000fn1',
        [FN_A],
        [entry(100, true, 'allow', '0.0.0.0/0'), entry(100, false, 'allow', '0.0.0.0/0')],
      );
    },
    verdict: 'reachable',
  },
  {
    name: 'kms from an isolated subnet: create an interface endpoint',
    target: { kind: 'service', service: 'kms' },
    change: noNatRoute,
    verdict: 'unreachable',
    hop: { kind: 'route', resource: RTB_FN },
    fix: new RegExp(
      `create-vpc-endpoint --vpc-id ${VPC} --vpc-endpoint-type Interface --service-name com\\.amazonaws\\.${REGION}\\.kms --subnet-ids ${FN_A}`,
    ),
  },
  {
    name: 'secretsmanager through NAT',
    target: { kind: 'service', service: 'secretsmanager' },
    change: () => {},
    verdict: 'reachable',
    via: ['nat-gateway', 'internet-gateway'],
  },
];

describe('tracePaths: AWS services', () => {
  it.each(rows)('$name', ({ target, change, verdict, hop, via, fix, note }) => {
    const w = world();
    change(w);
    const v = trace(w, target);
    expect(v.verdict).toBe(verdict);
    const kinds = v.subnets.flatMap((p) => p.hops.map((h) => h.kind));
    for (const k of via ?? []) expect(kinds).toContain(k);
    if (note) expect(v.notes.join('\n')).toMatch(note);
    const h = decidingHop(v);
    if (verdict === 'reachable') {
      expect(h).toBeUndefined();
      return;
    }
    expect(h).toMatchObject(hop ?? {});
    if (fix) expect(h?.fix).toMatch(fix);
  });
});

describe('classifyEndpointPolicy', () => {
  it.each<[string, string | undefined, EndpointPolicy]>([
    ['no policy', undefined, 'full'],
    [
      'the default full-access policy',
      '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}',
      'full',
    ],
    ['one bucket only', bucketOnly, 'restricted'],
    ['an explicit deny of everything', denyAll, 'deny-all'],
    [
      'nothing allowed at all',
      '{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"*"}]}',
      'deny-all',
    ],
    [
      'a deny with a condition is not a deny of everything',
      '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"123456789012"}}}]}',
      'restricted',
    ],
    [
      'a deny for one role is not a deny of everything',
      '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:role/x"},"Action":"*","Resource":"*"}]}',
      'restricted',
    ],
    ['URL-encoded', encodeURIComponent(denyAll), 'deny-all'],
  ])('%s', (_name, doc, expected) => {
    expect(classifyEndpointPolicy(doc)).toBe(expected);
  });
});
