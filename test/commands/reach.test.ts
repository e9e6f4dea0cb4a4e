import {
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
} from '@aws-sdk/client-ec2';
import { GetFunctionCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  allAwsCalls,
  allowUnused,
  awsError,
  ec2Mock,
  expectNoAwsCall,
  getFunctionOutput,
  lambdaMock,
  resetAwsMocks,
  verifyAwsMocks,
} from '../aws-mocks.js';
import { runCli } from '../helpers.js';
import { ORDERS_DB, rdsMock, serveRds, serveReachWorld } from '../reach-world.js';
import {
  DB,
  DB_IP,
  FN_A,
  FN_B,
  groupOf,
  SG_DB,
  SG_FN,
  VPC,
  type World,
  world,
} from '../unit/path-fixture.js';

const REGION = ['--region', 'eu-west-1'];
const reach = (...args: string[]) => runCli([...REGION, 'reach', ...args]);
const inVpc = (SubnetIds = [FN_A, FN_B], SecurityGroupIds = [SG_FN]) =>
  getFunctionOutput({ VpcConfig: { VpcId: VPC, SubnetIds, SecurityGroupIds } });

interface Doc {
  command: string;
  exitCode: number;
  error: { code: string; exitCode: number; message: string; hint: string | null } | null;
  function: string | null;
  configuration: { subnetIds: string[]; securityGroupIds: string[]; ipv6DualStack: boolean };
  verdict: string;
  deniedReads: string[];
  targets: Array<{
    target: string;
    kind: string;
    label: string;
    protocol: string;
    port: number | null;
    verdict: string;
    reason: string;
    notes: string[];
    subnets: Array<{
      subnetId: string;
      verdict: string;
      hops: Array<{
        kind: string;
        status: string;
        resource?: string;
        evidence: string[];
        fix?: string;
        missing?: string[];
      }>;
    }>;
  }>;
}
const json = (stdout: string) => JSON.parse(stdout) as Doc;

let w: World;
beforeEach(() => {
  resetAwsMocks();
  w = world();
});
afterEach(verifyAwsMocks);

describe('reach FUNCTION', () => {
  beforeEach(() => {
    lambdaMock.on(GetFunctionCommand).resolves(inVpc());
  });

  it('exits 0 when every target is reachable from every subnet, each hop with its evidence', async () => {
    serveReachWorld(w);
    const { code, stdout, stderr } = await reach('my-fn', '--to', 'internet', '--to', 's3');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`my-fn: subnets ${FN_A}, ${FN_B} · security groups ${SG_FN}`);
    expect(stdout).toContain(`✔ internet tcp/443: reachable · every hop passes from ${FN_A}, ${FN_B}`);
    expect(stdout).toContain(`✔ s3 tcp/443: reachable`);
    expect(stdout).toMatch(/✔ nat-gateway +nat-0123456789abcdef0 is available and public/);
    expect(stdout).toContain('evidence:');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('✔ 2 reachable, 0 unreachable, 0 unknown');
    // One batched EC2 read per type: the subnets once for the function's, the targets' and the NAT's.
    expect(ec2Mock.commandCalls(DescribeNetworkAclsCommand)).toHaveLength(1);
    expect(rdsMock.calls()).toHaveLength(0);
  });

  it('exits 10 when a target is unreachable, naming the hop and printing the fix', async () => {
    serveReachWorld(w);
    const { code, stdout } = await reach('my-fn', '--to', `${DB_IP}:6379`);
    expect(code).toBe(10);
    expect(stdout).toContain(`✖ ${DB_IP} tcp/6379: unreachable · ${FN_A}:`);
    expect(stdout).toMatch(/✖ sg-ingress +no ingress rule of sg-0000000000000db01 allows tcp 6379/);
    expect(stdout).toContain(
      `fix: aws ec2 authorize-security-group-ingress --group-id ${SG_DB} --protocol tcp --port 6379 --source-group ${SG_FN}`,
    );
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('✖ 0 reachable, 1 unreachable, 0 unknown');
    expect(ec2Mock.commandCalls(DescribeNetworkInterfacesCommand)[0]?.args[0].input.Filters).toEqual([
      { Name: 'addresses.private-ip-address', Values: [DB_IP] },
    ]);
  });

  it('exits 10 when one subnet of two fails, though the other passes', async () => {
    // FN_B gets an ACL of its own that denies outbound 443.
    const shared = w.networkAcls[0] ?? {};
    shared.Associations = (shared.Associations ?? []).filter((a) => a.SubnetId !== FN_B);
    w.networkAcls.push({
      NetworkAclId: 'acl-00000000000000fb1',
      VpcId: VPC,
      IsDefault: false,
      Associations: [{ SubnetId: FN_B, NetworkAclId: 'acl-00000000000000fb1' }],
      Entries: [
        {
          RuleNumber: 90,
          Egress: true,
          RuleAction: 'deny',
          Protocol: '6',
          CidrBlock: '0.0.0.0/0',
          PortRange: { From: 443, To: 443 },
        },
        { RuleNumber: 100, Egress: true, RuleAction: 'allow', Protocol: '-1', CidrBlock: '0.0.0.0/0' },
        { RuleNumber: 100, Egress: false, RuleAction: 'allow', Protocol: '-1', CidrBlock: '0.0.0.0/0' },
      ],
    });
    serveReachWorld(w);
    const { code, stdout } = await reach('my-fn', '--to', 'internet', '--output', 'json');
    expect(code).toBe(10);
    const [t] = json(stdout).targets;
    expect(t?.subnets.map((p) => [p.subnetId, p.verdict])).toEqual([
      [FN_A, 'reachable'],
      [FN_B, 'unreachable'],
    ]);
    const failing = t?.subnets[1]?.hops.find((h) => h.status === 'fail');
    expect(failing).toMatchObject({ kind: 'nacl-outbound', resource: 'acl-00000000000000fb1' });
    expect(failing?.evidence.join(' ')).toContain('90');
  });

  it('exits 9 when a denied read leaves a hop unknown, and names the read', async () => {
    serveReachWorld(w, ['DescribeNetworkAcls']);
    const { code, stdout } = await reach('my-fn', '--to', 'internet', '--output', 'json');
    expect(code).toBe(9);
    const doc = json(stdout);
    expect(doc.verdict).toBe('unknown');
    expect(doc.deniedReads).toEqual(['ec2:DescribeNetworkAcls']);
    expect(doc.error).toMatchObject({ code: 'Undetermined', exitCode: 9 });
    const hop = doc.targets[0]?.subnets[0]?.hops.find((h) => h.status === 'unknown');
    expect(hop).toMatchObject({ kind: 'nacl-outbound', missing: ['ec2:DescribeNetworkAcls'] });
  });

  it('prints one JSON document: the configuration and, per target, the verdict and the hops per subnet', async () => {
    serveReachWorld(w);
    const { code, stdout, stderr } = await reach(
      'my-fn',
      '--to',
      `${DB_IP}:6379`,
      '--to',
      'internet',
      '--output',
      'json',
    );
    expect(code).toBe(10);
    const doc = json(stdout);
    // Only the error, as every failing command prints it: the report is the document.
    expect(stderr).toBe(`Error: ${doc.error?.message}\nHint: ${doc.error?.hint}\n`);
    expect(doc).toMatchObject({
      command: 'reach',
      exitCode: 10,
      function: 'my-fn',
      configuration: { subnetIds: [FN_A, FN_B], securityGroupIds: [SG_FN], ipv6DualStack: false },
      verdict: 'unreachable',
      deniedReads: [],
      error: { code: 'Unreachable', exitCode: 10 },
    });
    expect(doc.error?.message).toMatch(new RegExp(`^1 of 2 targets unreachable: ${DB_IP} tcp/6379: `));
    expect(doc.targets.map((t) => [t.target, t.kind, t.label, t.protocol, t.port, t.verdict])).toEqual([
      [`${DB_IP}:6379`, 'address', `${DB_IP} tcp/6379`, 'tcp', 6379, 'unreachable'],
      ['internet', 'internet', 'internet tcp/443', 'tcp', 443, 'reachable'],
    ]);
    for (const t of doc.targets) {
      expect(t.subnets.map((p) => p.subnetId)).toEqual([FN_A, FN_B]);
      for (const p of t.subnets)
        for (const h of p.hops)
          expect(Object.keys(h)).toEqual(expect.arrayContaining(['kind', 'status', 'detail', 'evidence']));
    }
  });

  it('exits 2 for a function not in a VPC, pointing at --subnets/--sg', async () => {
    allowUnused(GetFunctionCommand); // replaced by the one below
    lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput());
    const { code, stdout, stderr } = await reach('my-fn', '--to', 'internet');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toBe(
      'Error: my-fn is not in a VPC in eu-west-1: it has no path through one to check.',
    );
    expect(stderr).toContain('--subnets and --sg');
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it('reads a published version with its qualifier', async () => {
    serveReachWorld(w);
    const { code } = await reach('my-fn:3', '--to', 'internet');
    expect(code).toBe(0);
    expect(lambdaMock.commandCalls(GetFunctionCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'my-fn',
      Qualifier: '3',
    });
  });
});

describe('reach: RDS targets', () => {
  beforeEach(() => {
    lambdaMock.on(GetFunctionCommand).resolves(inVpc());
  });

  it("takes the port, groups and subnets from the database and checks its group's ingress", async () => {
    serveReachWorld(w);
    serveRds();
    const { code, stdout } = await reach('my-fn', '--to', 'rds:orders-db', '--output', 'json');
    expect(code).toBe(0);
    const [t] = json(stdout).targets;
    expect(t).toMatchObject({
      target: 'rds:orders-db',
      kind: 'rds',
      label: 'rds:orders-db tcp/5432',
      port: 5432,
      verdict: 'reachable',
    });
    const ingress = t?.subnets[0]?.hops.find((h) => h.kind === 'sg-ingress');
    expect(ingress).toMatchObject({ status: 'pass', resource: SG_DB });
    expect(rdsMock.commandCalls(DescribeDBInstancesCommand)[0]?.args[0].input).toEqual({
      DBInstanceIdentifier: 'orders-db',
    });
    expect(rdsMock.commandCalls(DescribeDBClustersCommand)).toHaveLength(1);
    // The DB subnet group's subnet was read with the function's, in the same call.
    const subnetCalls = ec2Mock.commandCalls(DescribeSubnetsCommand);
    expect(subnetCalls[0]?.args[0].input.Filters?.[0]?.Values).toEqual([FN_A, FN_B, DB]);
  });

  it('finds the database by its endpoint hostname, and fails when its group does not admit the function', async () => {
    groupOf(w, SG_DB).IpPermissions = [];
    serveReachWorld(w);
    // An instance's endpoint names the instance: no cluster is asked for.
    serveRds([ORDERS_DB], { clusters: false });
    const { code, stdout } = await reach('my-fn', '--to', 'orders-db.abc123xyz.eu-west-1.rds.amazonaws.com');
    expect(code).toBe(10);
    expect(stdout).toContain(
      `fix: aws ec2 authorize-security-group-ingress --group-id ${SG_DB} --protocol tcp --port 5432 --source-group ${SG_FN}`,
    );
  });

  it('is unknown, naming the reads, when RDS may not be read', async () => {
    serveReachWorld(w);
    rdsMock.on(DescribeDBInstancesCommand).rejects(awsError('AccessDenied'));
    rdsMock.on(DescribeDBClustersCommand).rejects(awsError('AccessDenied'));
    const { code, stdout } = await reach('my-fn', '--to', 'rds:orders-db', '--output', 'json');
    expect(code).toBe(9);
    const doc = json(stdout);
    expect(doc.deniedReads).toEqual(['rds:DescribeDBClusters', 'rds:DescribeDBInstances']);
    expect(doc.targets[0]).toMatchObject({ verdict: 'unknown', port: null });
    expect(doc.targets[0]?.subnets[0]?.hops[0]?.missing).toEqual([
      'rds:DescribeDBInstances',
      'rds:DescribeDBClusters',
    ]);
  });

  it('exits 5 for a database that does not exist', async () => {
    serveReachWorld(w);
    serveRds([]);
    const { code, stderr } = await reach('my-fn', '--to', 'rds:nope');
    expect(code).toBe(5);
    expect(stderr.split('\n')[0]).toBe('Error: No RDS instance or cluster nope in eu-west-1.');
  });
});

describe('reach --subnets --sg (a planned configuration)', () => {
  const SG = 'sg-0000000000000f001';
  it('reads no function, and traces from the planned subnets and groups', async () => {
    const planned = JSON.parse(JSON.stringify(w).replaceAll(SG_FN, SG)) as World;
    serveReachWorld(planned);
    const { code, stdout } = await reach(
      '--subnets',
      FN_A,
      '--sg',
      SG,
      '--to',
      `${DB_IP}:5432`,
      '--output',
      'json',
    );
    expect(lambdaMock.calls()).toHaveLength(0);
    expect(code).toBe(0);
    expect(json(stdout)).toMatchObject({
      function: null,
      configuration: { subnetIds: [FN_A], securityGroupIds: [SG] },
    });
  });

  it('with --ipv6-dual-stack, traces IPv6 internet as its own path', async () => {
    const planned = JSON.parse(JSON.stringify(w).replaceAll(SG_FN, SG)) as World;
    serveReachWorld(planned);
    const { code, stdout } = await reach(
      '--subnets',
      FN_A,
      '--sg',
      SG,
      '--ipv6-dual-stack',
      '--to',
      'internet',
      '--output',
      'json',
    );
    expect(code).toBe(0);
    expect(json(stdout).targets.map((t) => t.label)).toEqual(['internet tcp/443', 'internet (IPv6) tcp/443']);
  });
});

describe('reach: bad input stops before any AWS call', () => {
  it.each([
    [
      ['my-fn', '--to', '10.0.5.17'],
      "Error: --to '10.0.5.17': an address needs a port, as in '10.0.5.17:5432'.",
    ],
    [['my-fn'], 'Error: reach needs at least one --to target.'],
    [
      ['--to', 'internet'],
      'Error: reach needs a function, or --subnets and --sg for a planned configuration.',
    ],
    [['my-fn', '--to', 'internet', '--protocol', 'icmp'], "Error: --protocol 'icmp' is not tcp or udp."],
    [
      ['my-fn', '--subnets', FN_A, '--sg', 'sg-0a1b2c3d', '--to', 's3'],
      'Error: Name a function, or give a planned configuration with --subnets and --sg, not both.',
    ],
    [['--subnets', FN_A, '--to', 's3'], 'Error: A planned configuration needs --sg too.'],
    [
      ['--subnets', 'subnet-nope', '--sg', 'sg-0a1b2c3d', '--to', 's3'],
      "Error: 'subnet-nope' is not a valid subnet ID (expected e.g. subnet-0123456789abcdef0).",
    ],
    [
      ['my-fn', '--to', 'dynamo'],
      "Error: --to 'dynamo' is not a target lambda-vpc knows: not 'internet', an AWS service name, rds:NAME, an RDS hostname, IP:PORT, eni-…:PORT or sg-…:PORT.",
    ],
  ])('%j', async (args, first) => {
    const { code, stdout, stderr } = await reach(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toBe(first);
    expectNoAwsCall();
  });
});

describe('attach --check-reach', () => {
  beforeEach(() => {
    lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput());
    lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({});
  });
  const attach = (...extra: string[]) =>
    runCli([
      ...REGION,
      'attach',
      'my-fn',
      '--subnets',
      `${FN_A},${FN_B}`,
      '--sg',
      'sg-0000000000000f001',
      '--skip-perms-check',
      '--no-wait',
      ...extra,
    ]);

  it('stops before writing with exit 10 when a target is unreachable', async () => {
    const planned = JSON.parse(JSON.stringify(w).replaceAll(SG_FN, 'sg-0000000000000f001')) as World;
    serveReachWorld(planned);
    const { code, stderr, stdout } = await attach('--check-reach', `${DB_IP}:6379`, '--output', 'json');
    expect(code).toBe(10);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
    expect(stderr.split('\n')[0]).toMatch(
      /^Error: Reach check: 1 of 1 target unreachable: 10\.0\.10\.25 tcp\/6379: /,
    );
    const doc = JSON.parse(stdout) as { results: unknown[]; reach: Doc; error: { code: string } };
    expect(doc.results).toEqual([]);
    expect(doc.error.code).toBe('Unreachable');
    expect(doc.reach.targets[0]?.verdict).toBe('unreachable');
    // The preflights run before any function is read: Lambda was never asked.
    expect(lambdaMock.calls()).toHaveLength(0);
    // Set up for the test that writes; here they must not be called (asserted above).
    allowUnused(GetFunctionCommand, UpdateFunctionConfigurationCommand);
  });

  it('writes when every target is reachable', async () => {
    const planned = JSON.parse(JSON.stringify(w).replaceAll(SG_FN, 'sg-0000000000000f001')) as World;
    serveReachWorld(planned);
    const { code, stderr } = await attach('--check-reach', 'internet', '--check-reach', 's3');
    expect(stderr).toContain('Reach: ✔ internet tcp/443: reachable');
    expect(code).toBe(0);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(1);
  });

  it('refuses a bad --check-reach target before any AWS call', async () => {
    const { code, stderr } = await attach('--check-reach', 'sg-0a1b2c3d');
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe(
      "Error: --to 'sg-0a1b2c3d': a security group needs a port, as in 'sg-0a1b2c3d:5432'.",
    );
    expectNoAwsCall();
  });
});

it('makes no AWS call of its own for --help', async () => {
  const { code, stdout } = await runCli(['reach', '--help']);
  expect(code).toBe(0);
  expect(stdout).toContain('lambda-vpc reach my-fn --to rds:orders-db');
  expect(allAwsCalls()).toBe(0);
});
