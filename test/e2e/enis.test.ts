import { afterEach, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../fake-aws/fake-aws.js';
import { demo, DEMO_IDS as I } from '../fake-aws/scenarios.js';
import type { Scenario } from '../fake-aws/types.js';
import { cleanEnv, runBin } from './spawn.js';

// The built binary against the local fake AWS. The demo has reports-job in the private
// subnets with a published version 1 using them too, and their two Lambda ENIs.
const ENV = cleanEnv({
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'us-east-1',
  LAMBDA_VPC_POLL_INTERVAL_MS: '20',
});
const ENI_A = 'eni-0a1b2c3d4e5f60101';
const ENI_B = 'eni-0a1b2c3d4e5f60102';
/** orders-api alone on (private-a, {no-egress, all-egress}): its interface is only its own. */
const ORDERS_ENI = 'eni-0a1b2c3d4e5f60201';
const STRANDED_ENI = 'eni-0a1b2c3d4e5f60299';

let fake: FakeAws | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function scenario(edit: (s: Scenario) => void = () => {}): Scenario {
  const s = demo();
  s.updateDelayMs = 40;
  const orders = s.functions?.find((f) => f.FunctionName === 'orders-api');
  if (orders)
    orders.VpcConfig = { SubnetIds: [I.privateSubnetA], SecurityGroupIds: [I.sgAllEgress, I.sgNoEgress] };
  const lambdaEni = (id: string, groups: string[], attached: string) => ({
    NetworkInterfaceId: id,
    SubnetId: I.privateSubnetA,
    Description: `AWS Lambda VPC ENI-orders-api-${id}`,
    InterfaceType: 'lambda',
    RequesterManaged: true,
    GroupIds: groups,
    Status: 'in-use' as const,
    PrivateIpAddress: '10.0.1.40',
    AttachTime: attached,
  });
  s.networkInterfaces?.push(
    // Listed in the other order than the function's: the same set.
    lambdaEni(ORDERS_ENI, [I.sgNoEgress, I.sgAllEgress], new Date().toISOString()),
    { ...lambdaEni(STRANDED_ENI, [I.sgNoEgress], '2026-01-01T00:00:00.000Z'), Status: 'available' },
  );
  edit(s);
  return s;
}

const start = async (edit?: (s: Scenario) => void) => {
  fake = await startFakeAws({ scenario: scenario(edit) });
  return fake;
};
const cli = (f: FakeAws, ...args: string[]) => runBin(['--endpoint-url', f.url, ...args], ENV);
const count = (f: FakeAws, operation: string) => f.requests.filter((r) => r.operation === operation).length;

describe('enis against the fake AWS', () => {
  it('enis reports-job: its two interfaces, kept alive by $LATEST and version 1, with one listing and one describe', async () => {
    const f = await start();
    const r = await cli(f, 'enis', 'reports-job');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('reports-job ($LATEST): 2 Lambda network interfaces');
    expect(r.stdout).toMatch(
      new RegExp(`${ENI_A}\\s+${I.privateSubnetA}\\s+us-east-1a\\s+10.0.1.17\\s+in-use`),
    );
    expect(r.stdout).toMatch(new RegExp(`${ENI_B}.*reports-job:\\$LATEST, reports-job:1$`, 'm'));
    expect(r.stdout).not.toContain(ORDERS_ENI);
    expect(count(f, 'ListFunctions')).toBe(1);
    expect(count(f, 'DescribeNetworkInterfaces')).toBe(1);
    expect(f.requests.find((q) => q.operation === 'ListFunctions')?.params).toMatchObject({
      FunctionVersion: 'ALL',
    });
    expect(f.writes()).toEqual([]);
  });

  it('JSON: one document with the interfaces under `enis`', async () => {
    const f = await start();
    const r = await cli(f, '-o', 'json', 'enis', '--subnet', I.privateSubnetA);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ command: 'enis', exitCode: 0, results: [], error: null });
    expect(doc.enis.interfaces.map((e: { id: string; verdict: string }) => [e.id, e.verdict])).toEqual([
      [ENI_A, 'in-use'],
      [ORDERS_ENI, 'in-use'],
      [STRANDED_ENI, 'stranded'],
    ]);
    expect(doc.enis.configuredUsers).toEqual([
      { function: 'orders-api', version: '$LATEST' },
      { function: 'reports-job', version: '$LATEST' },
      { function: 'reports-job', version: '1' },
    ]);
  });

  it('--eni of a stranded interface prints the delete command and deletes nothing', async () => {
    const f = await start();
    const r = await cli(f, 'enis', '--eni', STRANDED_ENI);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('it looks stranded');
    expect(r.stdout).toContain(
      `aws ec2 delete-network-interface --network-interface-id ${STRANDED_ENI} --region us-east-1`,
    );
    expect(f.state.networkInterfaces.some((e) => e.NetworkInterfaceId === STRANDED_ENI)).toBe(true);
    expect(f.writes()).toEqual([]);
  });

  it('status shows the ENI count', async () => {
    const f = await start();
    const r = await cli(f, 'status', 'reports-job');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`ENIs             2 (${ENI_A}, ${ENI_B})`);
    expect(count(f, 'DescribeNetworkInterfaces')).toBe(1);
  });
});

describe('detach --wait-enis against the fake AWS', () => {
  it('waits until Lambda has deleted the interface only orders-api used', async () => {
    const f = await start((s) => {
      // Lambda deletes the interface only once the CLI has seen it there twice (the describe
      // that plans the wait, then one poll), however slow the machine.
      s.lambdaEniCleanupMs = 600_000;
    });
    let describes = 0;
    f.afterRequest((entry) => {
      if (entry.operation === 'DescribeNetworkInterfaces' && ++describes === 2)
        f.state.networkInterfaces = f.state.networkInterfaces.filter(
          (e) => e.NetworkInterfaceId !== ORDERS_ENI,
        );
    });
    const r = await cli(f, 'detach', 'orders-api', '--wait-enis');
    expect(r.stderr).not.toContain('Error');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`network interfaces: waiting for Lambda to delete 1 of 1: ${ORDERS_ENI}`);
    expect(r.stdout).toContain(`✔ Lambda deleted 1 network interface`);
    expect(f.state.networkInterfaces.map((e) => e.NetworkInterfaceId)).not.toContain(ORDERS_ENI);
    // The stranded interface of another combination was never the fixture's to delete.
    expect(f.state.networkInterfaces.map((e) => e.NetworkInterfaceId)).toContain(STRANDED_ENI);
    expect(count(f, 'ListFunctions')).toBe(1);
    expect(count(f, 'UpdateFunctionConfiguration')).toBe(1);
    // One describe to plan, one poll that still sees it, one that finds it gone.
    expect(count(f, 'DescribeNetworkInterfaces')).toBe(3);
  });

  it('reports-job: warns about version 1 before writing, and says it keeps both interfaces', async () => {
    const f = await start((s) => {
      s.lambdaEniCleanupMs = 50;
    });
    const r = await cli(f, 'detach', 'reports-job', '--wait-enis');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Warning: Published version 1 of reports-job still uses a VPC');
    expect(r.stdout).toContain('No network interface to wait for');
    expect(r.stdout).toContain(`○ ${ENI_A} (${I.privateSubnetA}) stays: still used by reports-job:1`);
    expect(count(f, 'DescribeNetworkInterfaces')).toBe(1);
    expect(f.state.networkInterfaces.map((e) => e.NetworkInterfaceId)).toContain(ENI_A);
  });

  it('exits 7 when Lambda never deletes it (a role without EC2 rights), saying what is left', async () => {
    const f = await start();
    const r = await cli(f, '-o', 'json', 'detach', 'orders-api', '--wait-enis', '--eni-timeout', '300ms');
    expect(r.code).toBe(7);
    expect(r.stderr).toContain(`Error: Timed out after 300ms waiting for Lambda to delete ${ORDERS_ENI}.`);
    const doc = JSON.parse(r.stdout);
    expect(doc.results[0]).toMatchObject({ outcome: 'updated', written: true });
    expect(doc.enis).toMatchObject({ waited: true, remaining: [ORDERS_ENI], error: { code: 'TimedOut' } });
  });
});
