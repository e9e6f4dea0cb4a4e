import { afterAll, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../fake-aws/fake-aws.js';
import { MINIMAL_IDS as I, minimal } from '../fake-aws/scenarios.js';
import type { Scenario } from '../fake-aws/types.js';
import { cleanEnv, runBin } from './spawn.js';

// The infrastructure-as-code guard and --emit, the built binary against the fake AWS: the
// tags come back with GetFunction, as AWS returns them.
const ENV = cleanEnv({
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'us-east-1',
  LAMBDA_VPC_POLL_INTERVAL_MS: '20',
});
const NETWORK = ['--subnets', `${I.subnetA},${I.subnetB}`, '--sg', I.sg];
const STACK_TAGS = {
  'aws:cloudformation:stack-name': 'orders-prod',
  'aws:cloudformation:stack-id':
    'arn:aws:cloudformation:us-east-1:123456789012:stack/orders-prod/4c1a2b30-7a1b-11ee-b962-0242ac120002',
  'aws:cloudformation:logical-id': 'OrdersFunction',
};

const started: FakeAws[] = [];
afterAll(async () => {
  await Promise.all(started.map((f) => f.close()));
});

/** my-fn from a CloudFormation stack, tf-fn from terraform-aws-modules, plain-fn from neither. */
async function start(edit: (s: Scenario) => void = () => {}): Promise<FakeAws> {
  const scenario = minimal();
  scenario.functions = [
    { FunctionName: 'my-fn', Role: I.roleArn, Tags: STACK_TAGS },
    { FunctionName: 'tf-fn', Role: I.roleArn, Tags: { 'terraform-aws-modules': 'lambda', team: 'orders' } },
    { FunctionName: 'plain-fn', Role: I.roleArn, Tags: { team: 'orders' } },
  ];
  edit(scenario);
  const fake = await startFakeAws({ scenario });
  started.push(fake);
  return fake;
}

const cli = (f: FakeAws, args: string[]) => runBin(['--endpoint-url', f.url, ...args], ENV);
const updates = (f: FakeAws) => f.requests.filter((r) => r.operation === 'UpdateFunctionConfiguration');
const lambdaCalls = (f: FakeAws) => f.requests.filter((r) => r.service === 'lambda').map((r) => r.operation);

describe.concurrent('infrastructure-as-code guard', () => {
  it('a function from a stack: warned (stack, next deploy, --emit hint) and written', async () => {
    const f = await start();
    const r = await cli(f, ['attach', 'my-fn', ...NETWORK]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'my-fn is managed by CloudFormation (stack orders-prod; tags aws:cloudformation:stack-name, aws:cloudformation:stack-id, aws:cloudformation:logical-id)',
    );
    expect(r.stderr).toContain(
      "the next deploy of stack orders-prod that updates this function writes the template's VpcConfig back",
    );
    expect(r.stderr).toContain('--emit cloudformation prints it');
    expect(r.stdout).toContain('✔ my-fn: attached to');
    expect(updates(f)).toHaveLength(1);
    expect(f.state.getFunction('my-fn').VpcConfig?.SubnetIds).toEqual([I.subnetA, I.subnetB]);
  });

  it('the guard reads nothing of its own: a tagged function costs the same Lambda calls as an untagged one', async () => {
    const tagged = await start();
    const untagged = await start((s) => {
      for (const fn of s.functions ?? []) delete fn.Tags;
    });
    // --no-wait: the polls that follow the write depend on how fast the fake settles.
    expect((await cli(tagged, ['attach', 'my-fn', ...NETWORK, '--no-wait'])).code).toBe(0);
    expect((await cli(untagged, ['attach', 'my-fn', ...NETWORK, '--no-wait'])).code).toBe(0);
    expect(lambdaCalls(tagged)).toEqual(['GetFunction', 'UpdateFunctionConfiguration']);
    expect(lambdaCalls(tagged)).toEqual(lambdaCalls(untagged));
    expect(lambdaCalls(tagged).filter((op) => op === 'ListTags')).toEqual([]);
  });

  it('--dry-run: the warning all the same, nothing written', async () => {
    const f = await start();
    const r = await cli(f, ['detach', 'my-fn', '--dry-run']);
    expect(r.code).toBe(0);
    // Not in a VPC: nothing to write, so no warning either.
    expect(r.stderr).not.toContain('managed by');
    const attached = await start((s) => {
      const fn = s.functions?.[0];
      if (fn) fn.VpcConfig = { SubnetIds: [I.subnetA], SecurityGroupIds: [I.sg] };
    });
    const dry = await cli(attached, ['-o', 'json', 'detach', 'my-fn', '--dry-run']);
    expect(dry.code).toBe(0);
    const doc = JSON.parse(dry.stdout);
    expect(doc.results[0].outcome).toBe('planned');
    expect(doc.results[0].notes.join('\n')).toContain(
      'my-fn is managed by CloudFormation (stack orders-prod;',
    );
    expect(doc.emit).toEqual({ checked: false, skippedReason: 'without --emit' });
    expect(updates(attached)).toEqual([]);
  });

  it('--fail-on-iac: exit 11, the reason and the remedy, no UpdateFunctionConfiguration sent', async () => {
    const f = await start();
    const r = await cli(f, ['attach', 'my-fn', ...NETWORK, '--fail-on-iac']);
    expect(r.code).toBe(11);
    expect(r.stdout).toContain('✖ my-fn: failed, nothing written');
    expect(r.stderr).toContain('Error: my-fn is managed by CloudFormation (stack orders-prod;');
    expect(r.stderr).toContain('not written (--fail-on-iac)');
    expect(r.stderr).toContain('run without --fail-on-iac to write it here');
    expect(updates(f)).toEqual([]);
    // Refused before the role check: no IAM call for a function that is not written.
    expect(f.requests.filter((x) => x.service === 'iam')).toEqual([]);
  });

  it('a fleet with --fail-on-iac: each function its own verdict, the unmanaged one written, exit 11', async () => {
    const f = await start();
    const r = await cli(f, [
      '-o',
      'json',
      'attach',
      'my-fn',
      'tf-fn',
      'plain-fn',
      ...NETWORK,
      '--fail-on-iac',
    ]);
    expect(r.code).toBe(11);
    const doc = JSON.parse(r.stdout);
    const byName = Object.fromEntries(
      doc.results.map(
        (x: { function: string; outcome: string; written: boolean; error: { code: string } | null }) => [
          x.function,
          [x.outcome, x.written, x.error?.code ?? null],
        ],
      ),
    );
    expect(byName).toEqual({
      'my-fn': ['failed', false, 'ManagedByIac'],
      'tf-fn': ['failed', false, 'ManagedByIac'],
      'plain-fn': ['updated', true, null],
    });
    expect(doc.summary).toEqual({ total: 3, outcomes: { failed: 2, updated: 1 } });
    expect(updates(f).map((u) => (u.params as { FunctionName: string }).FunctionName)).toEqual(['plain-fn']);
  });

  it('a fleet without --fail-on-iac: a note for each managed function, by its own tool; all written', async () => {
    const f = await start();
    const r = await cli(f, ['-o', 'json', 'attach', 'my-fn', 'tf-fn', 'plain-fn', ...NETWORK]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const notes = (fn: string) =>
      doc.results.find((x: { function: string }) => x.function === fn).notes.join('\n') as string;
    expect(notes('my-fn')).toContain('--emit cloudformation');
    expect(notes('tf-fn')).toContain('tf-fn is managed by Terraform (tag terraform-aws-modules)');
    expect(notes('tf-fn')).toContain('terraform plan shows the change as drift');
    expect(notes('plain-fn')).not.toContain('managed by');
    expect(updates(f)).toHaveLength(3);
  });
});

describe.concurrent('tags Lambda leaves out (the caller lacks lambda:ListTags)', () => {
  const noListTags = (s: Scenario) => {
    s.deniedActions = ['lambda:ListTags'];
  };

  it('unknown, said so with the remedy, and written', async () => {
    const f = await start(noListTags);
    const r = await cli(f, ['attach', 'my-fn', ...NETWORK]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Lambda returned no tags for my-fn (AccessDeniedException:');
    expect(r.stderr).toContain('whether it is managed by infrastructure as code is unknown');
    expect(r.stderr).not.toContain('is managed by CloudFormation');
    expect(updates(f)).toHaveLength(1);
  });

  it('--fail-on-iac: not proved unmanaged, so not written (exit 9)', async () => {
    const f = await start(noListTags);
    const r = await cli(f, ['-o', 'json', 'attach', 'plain-fn', ...NETWORK, '--fail-on-iac']);
    expect(r.code).toBe(9);
    const doc = JSON.parse(r.stdout);
    expect(doc.results[0].error.code).toBe('Undetermined');
    expect(doc.results[0].written).toBe(false);
    expect(r.stderr).toContain('Allow the caller lambda:ListTags');
    expect(updates(f)).toEqual([]);
  });
});

describe.concurrent('--emit', () => {
  it('--emit terraform: the vpc_config block on stdout after the results, nothing written', async () => {
    const f = await start();
    const r = await cli(f, ['attach', 'tf-fn', ...NETWORK, '--emit', 'terraform']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('○ tf-fn: would attach (dry run, nothing written)');
    const block = `vpc_config {
  subnet_ids                  = ["${I.subnetA}", "${I.subnetB}"]
  security_group_ids          = ["${I.sg}"]
  ipv6_allowed_for_dual_stack = false
}`;
    expect(r.stdout).toContain(block);
    expect(r.stdout.indexOf('# tf-fn: in its aws_lambda_function resource')).toBeGreaterThan(
      r.stdout.indexOf('would attach'),
    );
    // The snippet goes to stdout only; the guard's note still goes to stderr.
    expect(r.stderr).not.toContain('vpc_config {');
    expect(r.stderr).toContain('tf-fn is managed by Terraform');
    expect(r.stderr).toContain('Make the change there: the snippet below is for it.');
    expect(updates(f)).toEqual([]);
    expect(f.writes()).toEqual([]);
  });

  it('--emit with --dry-run, as JSON: the emit section, one snippet per function, one already as requested included', async () => {
    const f = await start((s) => {
      const plain = s.functions?.find((fn) => fn.FunctionName === 'plain-fn');
      if (plain) plain.VpcConfig = { SubnetIds: [I.subnetA, I.subnetB], SecurityGroupIds: [I.sg] };
    });
    const r = await cli(f, [
      '-o',
      'json',
      'attach',
      'my-fn',
      'plain-fn',
      'missing-fn',
      ...NETWORK,
      '--emit',
      'cdk',
      '--dry-run',
    ]);
    const doc = JSON.parse(r.stdout);
    expect(doc.results.map((x: { outcome: string }) => x.outcome)).toEqual([
      'planned',
      'unchanged',
      'failed',
    ]);
    expect(doc.emit.checked).toBe(true);
    expect(doc.emit.tool).toBe('cdk');
    expect(doc.emit.snippets.map((s: { function: string }) => s.function)).toEqual(['my-fn', 'plain-fn']);
    for (const s of doc.emit.snippets as { text: string }[]) {
      expect(s.text).toContain(`Vpc.fromLookup(this, `);
      expect(s.text).toContain(`{ vpcId: '${I.vpc}' }`);
      expect(s.text).toContain(`'${I.subnetB}'`);
      expect(s.text).toContain(`SecurityGroup.fromSecurityGroupId(this, `);
    }
    expect(updates(f)).toEqual([]);
  });

  it('detach --emit serverless: the removal, nothing written, no interface wait (--wait-enis)', async () => {
    const f = await start((s) => {
      const fn = s.functions?.[0];
      if (fn) fn.VpcConfig = { SubnetIds: [I.subnetA], SecurityGroupIds: [I.sg] };
    });
    const r = await cli(f, ['-o', 'json', 'detach', 'my-fn', '--emit', 'serverless', '--wait-enis']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.results[0].outcome).toBe('planned');
    expect(doc.emit.snippets[0].text).toContain('vpc: ~');
    expect(doc.enis.checked).toBe(false);
    expect(updates(f)).toEqual([]);
    expect(f.requests.filter((x) => x.service === 'ec2')).toEqual([]);
  });

  it('--emit of an unknown tool: a usage error (exit 2), no AWS call', async () => {
    const f = await start();
    const r = await cli(f, ['attach', 'my-fn', ...NETWORK, '--emit', 'pulumi']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--emit pulumi: not a tool lambda-vpc writes for');
    expect(f.requests).toEqual([]);
  });
});
