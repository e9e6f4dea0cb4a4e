import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli.js';
import { type FakeAws, startFakeAws } from '../fake-aws/fake-aws.js';
import { demo, DEMO_IDS as I } from '../fake-aws/scenarios.js';
import type { Scenario } from '../fake-aws/types.js';
import { captureStream, fakeClock } from '../helpers.js';
import { checkJsonOutput } from '../json-schema.js';
import { cleanEnv, runBin } from './spawn.js';

// The built binary against the fake AWS. The demo has reports-job ($LATEST and version 1) in
// both private subnets with one Lambda interface in each; here orders-api joins private-a with
// its own interface, version 1 is behind the alias `live`, and a left-over interface of a
// deleted function sits in private-a, available.
const ENV = cleanEnv({
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'us-east-1',
  NO_COLOR: '1',
  LAMBDA_VPC_POLL_INTERVAL_MS: '20',
});
const ENI_A = 'eni-0a1b2c3d4e5f60101';
const ORDERS_ENI = 'eni-0a1b2c3d4e5f60201';
const LEFTOVER_ENI = 'eni-0a1b2c3d4e5f60299';

let fake: FakeAws | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function scenario(edit: (s: Scenario) => void = () => {}): Scenario {
  const s = demo();
  const orders = s.functions?.find((f) => f.FunctionName === 'orders-api');
  if (orders) orders.VpcConfig = { SubnetIds: [I.privateSubnetA], SecurityGroupIds: [I.sgNoEgress] };
  const reports = s.functions?.find((f) => f.FunctionName === 'reports-job');
  if (reports) reports.aliases = [{ Name: 'live', FunctionVersion: '1' }];
  const lambdaEni = (id: string, fn: string, attached: string) => ({
    NetworkInterfaceId: id,
    SubnetId: I.privateSubnetA,
    Description: `AWS Lambda VPC ENI-${fn}-${id}`,
    InterfaceType: 'lambda',
    RequesterManaged: true,
    GroupIds: [I.sgNoEgress],
    Status: 'in-use' as const,
    PrivateIpAddress: '10.0.1.40',
    AttachTime: attached,
  });
  s.networkInterfaces?.push(lambdaEni(ORDERS_ENI, 'orders-api', new Date().toISOString()), {
    ...lambdaEni(LEFTOVER_ENI, 'deleted-fn', '2026-01-01T00:00:00.000Z'),
    GroupIds: [I.sgAllEgress, I.sgNoEgress],
    Status: 'available',
  });
  edit(s);
  return s;
}

const start = async (edit?: (s: Scenario) => void) => {
  fake = await startFakeAws({ scenario: scenario(edit) });
  return fake;
};
const cli = (f: FakeAws, ...args: string[]) => runBin(['--endpoint-url', f.url, ...args], ENV);
const operations = (f: FakeAws) => f.requests.map((r) => r.operation);
const READ = /^(Describe|List|Get)/;

interface TeardownJson {
  exitCode: number;
  error: { code: string; message: string } | null;
  teardown: {
    complete: boolean;
    deletable: string;
    unknown: Array<{ part: string; call: string }>;
    functions: {
      checked: boolean;
      latest?: Array<{ function: string }>;
      published?: Array<{ function: string; version: string; aliases: string[] | null }>;
    };
    interfaces: {
      checked: boolean;
      lambda?: Array<{ id: string; verdict: string }>;
      other?: Array<{ id: string; interfaceType: string }>;
    };
    roles: { checked: boolean; items?: Array<{ role: string; stillNeededBy: string[] }> };
    steps: Array<{ number: number; action: string; by: string; status: string; commands: string[] }>;
  };
}
const parse = (stdout: string) => JSON.parse(stdout) as TeardownJson;

describe('teardown against the fake AWS', () => {
  it('a subnet used by two functions and a published version: the steps in order, with reads only', async () => {
    const f = await start();
    const r = await cli(f, 'teardown', '--subnet', I.privateSubnetA);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `Teardown plan for subnet ${I.privateSubnetA} (us-east-1): safe to delete once the steps below are done`,
    );
    expect(r.stdout).toContain('Functions: 2 functions ($LATEST), 1 published version');
    expect(r.stdout).toContain('reports-job:1 (published, aliases live)');
    expect(r.stdout).toContain('Network interfaces: 3 of Lambda, 0 of other services');
    const at = (text: string) => {
      const i = r.stdout.indexOf(text);
      expect(i, text).toBeGreaterThan(-1);
      return i;
    };
    const order = [
      at(' detach orders-api reports-job --wait-enis'),
      at('aws lambda update-alias --function-name reports-job --name live'),
      at('aws lambda delete-function --function-name reports-job --qualifier 1 --region us-east-1'),
      at(` teardown --subnet ${I.privateSubnetA}`),
      at(`aws ec2 delete-network-interface --network-interface-id ${LEFTOVER_ENI} --region us-east-1`),
      at(`aws ec2 delete-subnet --subnet-id ${I.privateSubnetA} --region us-east-1`),
      at('aws iam detach-role-policy --role-name orders-api-role'),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // reports-job's interface in private-b stays another subnet's business.
    expect(r.stdout).not.toContain('eni-0a1b2c3d4e5f60102');
    expect(
      operations(f).every((op) => READ.test(op)),
      operations(f).join(','),
    ).toBe(true);
    expect(f.writes()).toEqual([]);
    expect(operations(f).sort()).toEqual(['DescribeNetworkInterfaces', 'ListAliases', 'ListFunctions']);
    expect(f.requests.find((q) => q.operation === 'ListFunctions')?.params).toMatchObject({
      FunctionVersion: 'ALL',
    });
  });

  it('JSON: the plan under `teardown`, each step saying who does it', async () => {
    const f = await start();
    const r = await cli(f, 'teardown', '--subnet', I.privateSubnetA, '--output', 'json');
    expect(r.code).toBe(0);
    const doc = parse(r.stdout);
    expect(doc.error).toBeNull();
    const t = doc.teardown;
    expect([t.complete, t.deletable]).toEqual([true, 'after-steps']);
    expect(t.functions.latest?.map((v) => v.function)).toEqual(['orders-api', 'reports-job']);
    expect(t.functions.published).toEqual([
      expect.objectContaining({ function: 'reports-job', version: '1', aliases: ['live'] }),
    ]);
    expect(t.interfaces.lambda?.map((e) => [e.id, e.verdict])).toEqual([
      [ENI_A, 'in-use'],
      [ORDERS_ENI, 'in-use'],
      [LEFTOVER_ENI, 'stranded'],
    ]);
    expect(t.steps.map((s) => [s.number, s.action, s.by, s.status])).toEqual([
      [1, 'detach-latest', 'lambda-vpc', 'to-do'],
      [2, 'remove-published-versions', 'you', 'to-do'],
      [3, 'wait-for-interfaces', 'lambda-vpc', 'to-do'],
      [4, 'delete-leftover-interfaces', 'you', 'to-do'],
      [5, 'delete-network', 'you', 'to-do'],
      [6, 'remove-role-permissions', 'you', 'to-do'],
    ]);
    // Both functions run with the one role, and nothing outside private-a is in a VPC with it.
    expect(t.roles.items).toEqual([{ role: I.vpcRoleArn, usedBy: expect.any(Array), stillNeededBy: [] }]);
    expect(f.writes()).toEqual([]);
  });

  it("a subnet with another service's interface: blocked, and the interface named", async () => {
    const f = await start();
    const r = await cli(f, 'teardown', '--subnet', I.isolatedSubnet, '--output', 'json');
    expect(r.code).toBe(0);
    const t = parse(r.stdout).teardown;
    expect(t.deletable).toBe('blocked');
    expect(t.interfaces.other?.map((e) => e.interfaceType)).toEqual(['vpc_endpoint']);
    expect(t.steps.filter((s) => s.status === 'to-do').map((s) => s.action)).toEqual(['delete-network']);
    expect(operations(f)).not.toContain('ListAliases');
  });

  it('an empty subnet: safe to delete now, proved by both reads', async () => {
    const f = await start();
    const r = await cli(f, 'teardown', '--subnet', I.publicSubnet);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nothing uses it: safe to delete now');
    expect(r.stdout).toContain(`aws ec2 delete-subnet --subnet-id ${I.publicSubnet} --region us-east-1`);
  });

  it('--sg and --vpc filter DescribeNetworkInterfaces by group-id and vpc-id', async () => {
    const f = await start();
    const bySg = await cli(f, 'teardown', '--sg', I.sgNoEgress, '--output', 'json');
    expect(bySg.code).toBe(0);
    const sg = parse(bySg.stdout).teardown;
    expect(sg.functions.latest?.map((v) => v.function)).toEqual(['orders-api']);
    expect(sg.interfaces.lambda?.map((e) => e.id)).toEqual([ORDERS_ENI, LEFTOVER_ENI]);
    const byVpc = await cli(f, 'teardown', '--vpc', I.vpc, '--output', 'json');
    const vpc = parse(byVpc.stdout).teardown;
    expect(vpc.interfaces.lambda).toHaveLength(4);
    expect(vpc.interfaces.other?.map((e) => e.interfaceType)).toEqual(['vpc_endpoint']);
    const filters = f.requests
      .filter((q) => q.operation === 'DescribeNetworkInterfaces')
      .map((q) => JSON.stringify(q.params));
    expect(filters[0]).toContain('group-id');
    expect(filters[1]).toContain('vpc-id');
  });

  it('ListFunctions denied: the functions part is unknown, nothing is called safe, exit 9', async () => {
    const f = await start((s) => {
      s.deniedActions = ['lambda:ListFunctions'];
    });
    const r = await cli(f, 'teardown', '--subnet', I.publicSubnet, '--output', 'json');
    expect(r.code).toBe(9);
    const doc = parse(r.stdout);
    expect(doc.error?.code).toBe('Undetermined');
    expect(doc.teardown.deletable).toBe('unknown');
    expect(doc.teardown.unknown.map((u) => u.call)).toEqual(['lambda:ListFunctions']);
    expect(doc.teardown.steps.find((s) => s.action === 'delete-network')?.status).toBe('unknown');
    expect(r.stderr).toContain('lambda:ListFunctions failed (AccessDenied)');
  });

  it('a bad ID is a usage error before any call', async () => {
    const f = await start();
    const r = await cli(f, 'teardown', '--sg', 'sg-12,sg-0a1b2c3d4e5f60081');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'sg-12' is not a valid security group ID");
    expect(f.requests).toEqual([]);
  });
});

describe('teardown --execute against the fake AWS', () => {
  it('--yes: detaches $LATEST with --wait-enis, never touches version 1, then shows what is left', async () => {
    const f = await start();
    // Lambda deletes orders-api's interface once the wait has seen it there (the plan's describe,
    // the wait's own, one poll): deterministic however slow the machine.
    let describes = 0;
    f.afterRequest((entry) => {
      if (entry.operation === 'DescribeNetworkInterfaces' && ++describes === 3)
        f.state.networkInterfaces = f.state.networkInterfaces.filter(
          (e) => e.NetworkInterfaceId !== ORDERS_ENI,
        );
    });
    const r = await cli(f, '-o', 'json', 'teardown', '--subnet', I.privateSubnetA, '--execute', '--yes');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as TeardownJson & {
      results: Array<{ function: string; outcome: string; written: boolean }>;
      execution: { checked: boolean; ran: boolean; detached: string[] };
      enis: { deleted: string[]; kept: Array<{ id: string; usedBy: string[] }> };
    };
    expect(doc.results.map((x) => [x.function, x.outcome, x.written])).toEqual([
      ['orders-api', 'updated', true],
      ['reports-job', 'updated', true],
    ]);
    expect(doc.execution).toMatchObject({
      checked: true,
      ran: true,
      detached: ['orders-api', 'reports-job'],
    });
    expect(doc.enis.deleted).toEqual([ORDERS_ENI]);
    // detach takes reports-job out of private-b too, where version 1 keeps its other interface.
    expect(doc.enis.kept.map((k) => [k.id, k.usedBy])).toEqual([
      [ENI_A, ['reports-job:1']],
      ['eni-0a1b2c3d4e5f60102', ['reports-job:1']],
    ]);
    // The plan read again: step 1 done, version 1 and its interface still in the way.
    const t = doc.teardown;
    expect(t.steps.map((s) => s.status).slice(0, 3)).toEqual(['nothing-to-do', 'to-do', 'to-do']);
    expect(t.functions.published?.map((v) => `${v.function}:${v.version}`)).toEqual(['reports-job:1']);
    expect(t.interfaces.lambda?.map((e) => e.id)).toEqual([ENI_A, LEFTOVER_ENI]);
    // The only writes: the two detaches. No version, interface, subnet or policy deleted.
    expect(f.writes().map((w) => [w.operation, w.params.FunctionName])).toEqual([
      ['UpdateFunctionConfiguration', 'orders-api'],
      ['UpdateFunctionConfiguration', 'reports-job'],
    ]);
    expect(operations(f).filter((op) => !READ.test(op))).toEqual([
      'UpdateFunctionConfiguration',
      'UpdateFunctionConfiguration',
    ]);
    expect(f.state.getFunction('reports-job').VpcConfig?.SubnetIds).toEqual([]);
    expect(f.state.findFunction('reports-job')?.versions[0]?.VpcConfig?.SubnetIds).toEqual([
      I.privateSubnetA,
      I.privateSubnetB,
    ]);
  });

  it('the read after step 1 denied: the detaches are reported as made, the plan left unknown, exit 9', async () => {
    const f = await start();
    let listings = 0;
    let describes = 0;
    f.afterRequest((entry) => {
      // The plan's listing, then detach's own: the one after step 1 is refused.
      if (entry.operation === 'ListFunctions' && ++listings === 2) f.state.denyAction('lambda:ListFunctions');
      if (entry.operation === 'DescribeNetworkInterfaces' && ++describes === 3)
        f.state.networkInterfaces = f.state.networkInterfaces.filter(
          (e) => e.NetworkInterfaceId !== ORDERS_ENI,
        );
    });
    const r = await cli(f, '-o', 'json', 'teardown', '--subnet', I.privateSubnetA, '--execute', '--yes');
    expect(r.code).toBe(9);
    const doc = JSON.parse(r.stdout);
    expect(doc.results.map((x: { function: string; written: boolean }) => [x.function, x.written])).toEqual([
      ['orders-api', true],
      ['reports-job', true],
    ]);
    expect(doc.execution).toMatchObject({ ran: true, planReadAfter: true, error: null });
    expect(doc.teardown.functions.checked).toBe(false);
    expect(doc.teardown.deletable).toBe('unknown');
    expect(doc.error.code).toBe('Undetermined');
    expect(f.writes()).toHaveLength(2);
  });

  it('without a terminal and without --yes: a usage error before any call', async () => {
    const f = await start();
    const r = await cli(f, 'teardown', '--subnet', I.privateSubnetA, '--execute');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '--execute detaches functions and needs confirmation, but this is not a terminal.',
    );
    expect(f.requests).toEqual([]);
  });

  it('an incomplete plan is not executed: nothing written, exit 9', async () => {
    const f = await start((s) => {
      s.deniedActions = ['ec2:DescribeNetworkInterfaces'];
    });
    const r = await cli(f, '-o', 'json', 'teardown', '--subnet', I.privateSubnetA, '--execute', '--yes');
    expect(r.code).toBe(9);
    const doc = JSON.parse(r.stdout);
    expect(doc.execution).toMatchObject({ checked: true, ran: false });
    expect(doc.execution.skippedReason).toContain('incomplete');
    expect(doc.results).toEqual([]);
    expect(f.writes()).toEqual([]);
  });

  it('asked on a terminal and declined: nothing written, the plan as it was', async () => {
    const f = await start();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTEST');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    const stdout = captureStream();
    const stderr = captureStream(true);
    const questions: string[] = [];
    try {
      const code = await run(
        ['--endpoint-url', f.url, 'teardown', '--subnet', I.privateSubnetA, '--execute'],
        {
          stdout,
          stderr,
          env: { NO_COLOR: '1' },
          clock: fakeClock(),
          confirm: async (question) => {
            questions.push(question);
            return false;
          },
        },
      );
      checkJsonOutput(stdout.text);
      expect(code).toBe(0);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(questions).toEqual([
      expect.stringMatching(/^Detach orders-api, reports-job from the VPC and wait for Lambda to delete/),
    ]);
    expect(stderr.text).toContain('Nothing changed.');
    expect(stdout.text).not.toContain('After step 1');
    expect(f.writes()).toEqual([]);
  });
});
