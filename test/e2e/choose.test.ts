import { afterAll, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../fake-aws/fake-aws.js';
import { choose, CHOOSE_IDS as I } from '../fake-aws/scenarios.js';
import type { Scenario } from '../fake-aws/types.js';
import { checkJsonOutput } from '../json-schema.js';
import { cleanEnv, runBin } from './spawn.js';

// attach --vpc, --like, --create-sg and the selectors, the built binary against the fake's
// "choose" world (test/fake-aws/scenarios-choose.ts): prod has NAT-private subnets in three AZs
// (a second one in AZ a), a public and two isolated subnets, and orders-api's Lambda interfaces
// on (private-a, lambda-egress) and (private-b, lambda-egress).
const ENV = cleanEnv({
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: I.region,
  NO_COLOR: '1',
  LAMBDA_VPC_POLL_INTERVAL_MS: '20',
});

const started: FakeAws[] = [];
afterAll(async () => {
  await Promise.all(started.map((f) => f.close()));
});

async function start(edit: (s: Scenario) => void = () => {}): Promise<FakeAws> {
  const s = choose();
  s.updateDelayMs = 30;
  edit(s);
  const fake = await startFakeAws({ scenario: s });
  started.push(fake);
  return fake;
}

const cli = (fake: FakeAws, args: string[]) => runBin([...args, '--endpoint-url', fake.url], ENV);

interface Candidate {
  id: string;
  decision: string;
  reason: string;
  existingInterface: boolean;
}

async function json(fake: FakeAws, args: string[]) {
  const r = await cli(fake, [...args, '--output', 'json']);
  checkJsonOutput(r.stdout);
  return { ...r, doc: JSON.parse(r.stdout) };
}

/** attach new-fn into prod with the lambda-egress group: the network the most tests ask for. */
const PROD = ['attach', I.newFn, '--vpc', 'name:prod', '--sg', 'name:lambda-egress'];

const decisions = (doc: { choice: { subnets: { candidates: Candidate[] } } }) =>
  Object.fromEntries(doc.choice.subnets.candidates.map((c) => [c.id, c.decision]));

const writes = (fake: FakeAws) =>
  fake.requests.filter((r) => r.write && r.status < 400).map((r) => r.operation);

const functionVpc = (fake: FakeAws, name: string) =>
  fake.state.functions.get(name)?.config.VpcConfig ?? undefined;

describe('attach --vpc: the subnets chosen from the live routes', () => {
  it('one NAT-private subnet per AZ, the existing Lambda interface first, never the public one; a dry run writes nothing', async () => {
    const fake = await start();
    const { code, doc } = await json(fake, [...PROD, '--dry-run']);
    expect(code).toBe(0);
    expect(doc.choice.subnets.subnetIds).toEqual([I.privateA, I.privateB, I.privateC]);
    expect(decisions(doc)).toEqual({
      [I.privateA]: 'chosen',
      [I.privateB]: 'chosen',
      [I.privateC]: 'chosen',
      [I.privateA2]: 'same-az',
      [I.publicA]: 'public',
      [I.isolatedA]: 'no-internet',
      [I.isolatedB]: 'no-internet',
    });
    const a = doc.choice.subnets.candidates.find((c: Candidate) => c.id === I.privateA);
    expect(a.existingInterface).toBe(true);
    expect(doc.choice.securityGroups).toMatchObject({
      chosenBy: 'given',
      securityGroupIds: [I.sgLambdaEgress],
    });
    expect(doc.choice.vpc).toEqual({ id: I.prodVpc, name: 'prod' });
    expect(doc.results[0].after.subnetIds).toEqual([I.privateA, I.privateB, I.privateC]);
    expect(writes(fake)).toEqual([]);
    // The network check reused the choice's reads: each describe once.
    const count = (op: string) => fake.requests.filter((r) => r.operation === op).length;
    expect(count('DescribeRouteTables')).toBe(1);
    // The VPC the selector found is not described again.
    expect(count('DescribeVpcs')).toBe(1);
    // The interface budget counts from the choice's listing of the Region.
    expect(count('DescribeNetworkInterfaces')).toBe(1);
    expect(doc.eniBudget).toMatchObject({ checked: true, newInterfaces: 1 });
  });

  it('the written configuration is the chosen one', async () => {
    const fake = await start();
    const r = await cli(fake, ['attach', I.newFn, '--vpc', I.prodVpc, '--sg', I.sgLambdaEgress]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Network choice: ${I.prodVpc} (prod)`);
    expect(r.stderr).toMatch(
      new RegExp(`✓ ${I.privateA} +eu-west-1a/euw1-az1 +chosen: internet via ${I.nat}`),
    );
    expect(r.stderr).toContain(`· ${I.publicA}`);
    expect(functionVpc(fake, I.newFn)?.SubnetIds).toEqual([I.privateA, I.privateB, I.privateC]);
    expect(writes(fake)).toEqual(['UpdateFunctionConfiguration']);
  });

  it('--no-internet --needs: isolated subnets reaching S3 and Secrets Manager qualify; a need they cannot reach refuses them', async () => {
    const fake = await start();
    const ok = await json(fake, [...PROD, '--no-internet', '--needs', 's3,secretsmanager', '--dry-run']);
    expect(ok.code).toBe(0);
    const d = decisions(ok.doc);
    expect([d[I.isolatedA], d[I.isolatedB]].every((x) => x === 'chosen' || x === 'same-az')).toBe(true);
    expect(d[I.publicA]).toBe('public');
    const sqs = await json(fake, [...PROD, '--no-internet', '--needs', 'sqs', '--dry-run']);
    expect(decisions(sqs.doc)[I.isolatedA]).toBe('needs-unmet');
    expect(decisions(sqs.doc)[I.privateA]).toBe('chosen');
  });

  it('a VPC with one Availability Zone: its subnet, and a warning', async () => {
    const fake = await start();
    const { code, doc } = await json(fake, [
      'attach',
      I.newFn,
      '--vpc',
      'name:single-az',
      '--sg',
      'name:single-az-egress',
      '--dry-run',
    ]);
    expect(code).toBe(0);
    expect(doc.choice.subnets.subnetIds).toEqual([I.singleAzPrivate]);
    expect(doc.choice.warnings.join(' ')).toContain('one Availability Zone');
  });

  it('nothing proved, nothing chosen: a denied route-table read is exit 2 with every reason, no write', async () => {
    const fake = await start();
    fake.state.denyAction('ec2:DescribeRouteTables');
    const r = await cli(fake, ['attach', I.newFn, '--vpc', 'name:prod', '--sg', 'name:lambda-egress']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`No subnet of ${I.prodVpc} qualifies`);
    expect(r.stderr).toContain('its routes are not known');
    expect(writes(fake)).toEqual([]);
  });
});

describe('selectors and their mistakes', () => {
  it('--subnets tag: without --vpc finds the VPC from the subnets', async () => {
    const fake = await start();
    const { code, doc } = await json(fake, [
      'attach',
      I.newFn,
      '--subnets',
      'tag:tier=private',
      '--sg',
      'name:lambda-egress',
      '--dry-run',
    ]);
    expect(code).toBe(0);
    expect(doc.choice.subnets.chosenBy).toBe('given');
    expect([...doc.choice.subnets.subnetIds].sort()).toEqual(
      [I.privateA, I.privateA2, I.privateB, I.privateC].sort(),
    );
  });

  it.each([
    [['--vpc', 'name:dup', '--sg', 'name:default'], `2 VPCs match: ${I.dupVpc1} (dup), ${I.dupVpc2} (dup)`],
    [['--vpc', 'name:nowhere', '--sg', 'name:default'], '--vpc name:nowhere matches no VPC in this Region.'],
    [
      ['--vpc', 'name:prod', '--sg', 'name:nope'],
      `--sg name:nope matches no security group in ${I.prodVpc}.`,
    ],
    [['--vpc', 'name:prod'], 'attach --vpc needs security groups'],
  ])('%j: exit 2, named, nothing written', async (args, message) => {
    const fake = await start();
    const r = await cli(fake, ['attach', I.newFn, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(writes(fake)).toEqual([]);
  });

  it('no group named: the groups that allow egress are listed, none is created', async () => {
    const fake = await start();
    const r = await cli(fake, ['attach', I.newFn, '--vpc', 'name:prod']);
    expect(r.stderr).toContain(`${I.sgLambdaEgress} (lambda-egress: all traffic)`);
    expect(fake.requests.some((q) => q.operation === 'CreateSecurityGroup')).toBe(false);
  });

  it.each([
    [['--vpc', 'name:prod', '--like', I.ordersApi], '--like copies the VPC of another function'],
    [['--subnets', I.privateA, '--sg', I.sgLambdaEgress, '--no-internet'], '--no-internet applies'],
    [['--vpc', 'name:prod', '--create-sg', 'sg-mine'], 'not a valid group name'],
    [
      ['--vpc', 'name:prod', '--sg', 'name:x', '--create-sg', 'x'],
      '--create-sg and --sg both name the groups',
    ],
    [['--vpc', 'name:prod', '--sg', 'name:x', '--skip-network-check'], '--skip-network-check cannot go with'],
    [['--vpc', 'prod', '--sg', 'name:x'], '--vpc prod: not a VPC ID'],
    [['--vpc', 'name:prod', '--create-sg', 'x', '--emit', 'terraform'], '--emit cannot go with --create-sg'],
    [['--subnets', 'tag:tier=private'], 'attach needs --sg (security groups)'],
  ])('%j: a usage error before any AWS call', async (args, message) => {
    const fake = await start();
    const r = await cli(fake, ['attach', I.newFn, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(fake.requests).toEqual([]);
  });
});

describe('--like', () => {
  it("copies the other function's configuration; the function is written with it", async () => {
    const fake = await start();
    const { code, doc } = await json(fake, ['attach', I.newFn, '--like', I.ordersApi]);
    expect(code).toBe(0);
    expect(doc.choice.subnets).toMatchObject({ chosenBy: 'like', subnetIds: [I.privateA, I.privateB] });
    expect(doc.choice.securityGroups).toMatchObject({
      chosenBy: 'like',
      securityGroupIds: [I.sgLambdaEgress],
    });
    expect(functionVpc(fake, I.newFn)).toMatchObject({
      SubnetIds: [I.privateA, I.privateB],
      SecurityGroupIds: [I.sgLambdaEgress],
    });
  });

  it('--sg given wins over the groups copied', async () => {
    const fake = await start();
    const { doc } = await json(fake, [
      'attach',
      I.newFn,
      '--like',
      I.ordersApi,
      '--sg',
      'name:db',
      '--dry-run',
    ]);
    expect(doc.choice.securityGroups).toMatchObject({ chosenBy: 'given', securityGroupIds: [I.sgDb] });
    expect(doc.choice.subnets.subnetIds).toEqual([I.privateA, I.privateB]);
  });

  it('a function not in a VPC has nothing to copy: exit 2, nothing written', async () => {
    const fake = await start();
    const r = await cli(fake, ['attach', I.newFn, '--like', I.otherFn]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--like ${I.otherFn}: that function is not in a VPC`);
    expect(writes(fake)).toEqual([]);
  });
});

describe('--create-sg', () => {
  const args = ['--vpc', 'name:prod', '--create-sg', 'fn-egress'];
  const groupsNamed = (fake: FakeAws, name: string) =>
    fake.state.securityGroups.filter((g) => g.GroupName === name && g.VpcId === I.prodVpc);

  it('a dry run plans the group and creates nothing', async () => {
    const fake = await start();
    const { code, doc } = await json(fake, ['attach', I.newFn, ...args, '--dry-run']);
    expect(code).toBe(0);
    expect(doc.choice.createdSecurityGroup).toEqual({
      name: 'fn-egress',
      id: null,
      outcome: 'planned',
      written: false,
    });
    expect(fake.requests.some((r) => r.operation === 'CreateSecurityGroup')).toBe(false);
    expect(writes(fake)).toEqual([]);
  });

  it('creates the group once, writes the function with it, and the next run reuses it', async () => {
    const fake = await start();
    const first = await json(fake, ['attach', I.newFn, ...args]);
    expect(first.code).toBe(0);
    const [group] = groupsNamed(fake, 'fn-egress');
    expect(first.doc.choice.createdSecurityGroup).toEqual({
      name: 'fn-egress',
      id: group?.GroupId,
      outcome: 'created',
      written: true,
    });
    expect(functionVpc(fake, I.newFn)?.SecurityGroupIds).toEqual([group?.GroupId]);
    expect(first.doc.results[0].notes.join(' ')).toContain(
      `Created security group ${group?.GroupId} (fn-egress) for this run`,
    );
    const second = await json(fake, ['attach', I.otherFn, ...args]);
    expect(second.doc.choice.createdSecurityGroup).toMatchObject({ outcome: 'reused', written: false });
    expect(fake.requests.filter((r) => r.operation === 'CreateSecurityGroup')).toHaveLength(1);
    expect(groupsNamed(fake, 'fn-egress')).toHaveLength(1);
  });

  it("the create's answer lost after it was applied: a read by name says it exists; one group, not two", async () => {
    const fake = await start();
    fake.faults.add({ service: 'ec2', operation: 'CreateSecurityGroup', kind: 'dropAfterApply', times: 1 });
    const { code, doc } = await json(fake, ['attach', I.newFn, ...args]);
    expect(code).toBe(0);
    expect(doc.choice.createdSecurityGroup).toMatchObject({ outcome: 'created-answer-lost', written: true });
    expect(groupsNamed(fake, 'fn-egress')).toHaveLength(1);
    expect(functionVpc(fake, I.newFn)?.SecurityGroupIds).toEqual([
      groupsNamed(fake, 'fn-egress')[0]?.GroupId,
    ]);
  });

  it('the first answer lost, then 5xx on every retry: a read by name finds the group, reported as created', async () => {
    const fake = await start();
    fake.faults.add({ service: 'ec2', operation: 'CreateSecurityGroup', kind: 'dropAfterApply', times: 1 });
    fake.faults.add({ service: 'ec2', operation: 'CreateSecurityGroup', kind: 'error503', skip: 1 });
    const { code, doc } = await json(fake, ['attach', I.newFn, ...args]);
    expect(code).toBe(0);
    expect(doc.choice.createdSecurityGroup).toMatchObject({ outcome: 'created-answer-lost', written: true });
    expect(groupsNamed(fake, 'fn-egress')).toHaveLength(1);
  });

  it('no answer at all and no group found: not claimed created, the function not written', async () => {
    const fake = await start();
    fake.faults.add({ service: 'ec2', operation: 'CreateSecurityGroup', kind: 'drop' });
    const r = await cli(fake, ['attach', I.newFn, ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no group fn-egress is described in ${I.prodVpc}`);
    expect(groupsNamed(fake, 'fn-egress')).toHaveLength(0);
    expect(writes(fake)).not.toContain('UpdateFunctionConfiguration');
  });

  it('a name with a wildcard is matched literally: a lost create never adopts another group', async () => {
    const fake = await start();
    fake.faults.add({ service: 'ec2', operation: 'CreateSecurityGroup', kind: 'drop' });
    const r = await cli(fake, ['attach', I.newFn, '--vpc', 'name:prod', '--create-sg', 'lambda*']);
    expect(r.code).toBe(1);
    expect(functionVpc(fake, I.newFn)?.SecurityGroupIds ?? []).toEqual([]);
  });

  it('names are case-insensitive in a VPC: LAMBDA-EGRESS reuses lambda-egress', async () => {
    const fake = await start();
    const { doc } = await json(fake, [
      'attach',
      I.newFn,
      '--vpc',
      'name:prod',
      '--create-sg',
      'LAMBDA-EGRESS',
      '--dry-run',
    ]);
    expect(doc.choice.createdSecurityGroup).toEqual({
      name: 'LAMBDA-EGRESS',
      id: I.sgLambdaEgress,
      outcome: 'reused',
      written: false,
    });
  });

  it('a run refused by the chooser creates no group, and its document lists every subnet', async () => {
    const fake = await start();
    fake.state.denyAction('ec2:DescribeRouteTables');
    const { code, doc } = await json(fake, ['attach', I.newFn, ...args]);
    expect(code).toBe(2);
    expect(doc.error.code).toBe('InvalidParameter');
    expect(doc.choice.subnets.candidates).toHaveLength(7);
    expect(doc.choice.createdSecurityGroup).toMatchObject({ outcome: 'planned', written: false });
    expect(fake.requests.some((q) => q.operation === 'CreateSecurityGroup')).toBe(false);
  });

  it('denied: exit 4, no group, the function not written', async () => {
    const fake = await start();
    fake.state.denyAction('ec2:CreateSecurityGroup');
    const r = await cli(fake, ['attach', I.newFn, ...args]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('--create-sg fn-egress');
    expect(r.stderr).toContain('No group was created and nothing was written');
    expect(groupsNamed(fake, 'fn-egress')).toHaveLength(0);
    expect(writes(fake)).toEqual([]);
  });
});
