import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type IacManagement, nextDeploy, recogniseIac } from '../../src/core/iac.js';
import { readFunctionWithTags } from '../../src/services/lambda.js';
import { iacGate } from '../../src/workflows/iac-gate.js';
import { getFunctionOutput, lambdaMock, resetAwsMocks, verifyAwsMocks } from '../aws-mocks.js';

const STACK_ID =
  'arn:aws:cloudformation:us-east-1:123456789012:stack/orders-prod/4c1a2b30-7a1b-11ee-b962-0242ac120002';
const cfn = (extra: Record<string, string> = {}) => ({
  'aws:cloudformation:stack-name': 'orders-prod',
  'aws:cloudformation:stack-id': STACK_ID,
  'aws:cloudformation:logical-id': 'OrdersFunction',
  ...extra,
});
const CFN_KEYS = Object.keys(cfn());

describe('recogniseIac: the tool that manages a function, from its tags', () => {
  const cases: [string, Record<string, string>, IacManagement | undefined][] = [
    ['no tags', {}, undefined],
    ['tags of its own only', { team: 'payments', Environment: 'prod' }, undefined],
    ['a CloudFormation stack', cfn(), { tool: 'cloudformation', stack: 'orders-prod', evidence: CFN_KEYS }],
    [
      'the stack named by its ID alone',
      { 'aws:cloudformation:stack-id': STACK_ID },
      { tool: 'cloudformation', stack: 'orders-prod', evidence: ['aws:cloudformation:stack-id'] },
    ],
    [
      'the logical ID alone: managed, stack unnamed',
      { 'aws:cloudformation:logical-id': 'Fn' },
      { tool: 'cloudformation', stack: undefined, evidence: ['aws:cloudformation:logical-id'] },
    ],
    [
      'SAM',
      cfn({ 'lambda:createdBy': 'SAM' }),
      { tool: 'sam', stack: 'orders-prod', evidence: [...CFN_KEYS, 'lambda:createdBy'] },
    ],
    [
      'lambda:createdBy of another value is not SAM',
      cfn({ 'lambda:createdBy': 'someone' }),
      { tool: 'cloudformation', stack: 'orders-prod', evidence: CFN_KEYS },
    ],
    [
      'CDK',
      cfn({ 'aws-cdk:auto-delete-objects': 'true' }),
      { tool: 'cdk', stack: 'orders-prod', evidence: [...CFN_KEYS, 'aws-cdk:auto-delete-objects'] },
    ],
    [
      'Serverless: STAGE and a <service>-<stage> stack',
      cfn({ STAGE: 'prod' }),
      { tool: 'serverless', stack: 'orders-prod', evidence: [...CFN_KEYS, 'STAGE'] },
    ],
    [
      'a STAGE that is not the end of the stack name is a tag of the user',
      cfn({ STAGE: 'dev' }),
      { tool: 'cloudformation', stack: 'orders-prod', evidence: CFN_KEYS },
    ],
    ['STAGE without a stack is nothing', { STAGE: 'prod' }, undefined],
    [
      'terraform-aws-modules/lambda',
      { 'terraform-aws-modules': 'lambda' },
      { tool: 'terraform', evidence: ['terraform-aws-modules'] },
    ],
    ['Terraform = "true"', { Terraform: 'true' }, { tool: 'terraform', evidence: ['Terraform'] }],
    ['Terraform = "false"', { Terraform: 'false' }, undefined],
    ['ManagedBy = Terraform', { ManagedBy: 'Terraform' }, { tool: 'terraform', evidence: ['ManagedBy'] }],
    [
      'managed-by = terraform',
      { 'managed-by': 'terraform' },
      { tool: 'terraform', evidence: ['managed-by'] },
    ],
    ['ManagedBy = Pulumi', { ManagedBy: 'Pulumi' }, undefined],
    [
      "CloudFormation's own tags win over a Terraform convention",
      cfn({ Terraform: 'true' }),
      { tool: 'cloudformation', stack: 'orders-prod', evidence: CFN_KEYS },
    ],
  ];
  it.each(cases)('%s', (_name, tags, expected) => {
    expect(recogniseIac(tags)).toEqual(expected);
  });
});

describe('nextDeploy: what the tool does with the change', () => {
  it.each([
    [
      { tool: 'cloudformation', stack: 'orders-prod', evidence: [] },
      /next deploy of stack orders-prod .*VpcConfig back/,
    ],
    [{ tool: 'sam', evidence: [] }, /next deploy of its stack/],
    [{ tool: 'terraform', evidence: [] }, /terraform plan shows the change as drift/],
  ] as [IacManagement, RegExp][])('%o', (iac, said) => {
    expect(nextDeploy(iac)).toMatch(said);
  });
});

describe('iacGate: a verdict per function, from the tags of the read it is given', () => {
  const admit = async (tags: Record<string, string>, failOnIac: boolean, tagsError?: string) => {
    const notes: string[] = [];
    const refusal = await iacGate({ failOnIac }).admit(
      'orders',
      {},
      { tags, tagsError, note: (t) => notes.push(t) },
    );
    return { refusal, notes };
  };
  const NO_LIST_TAGS =
    'AccessDeniedException: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: lambda:ListTags';

  it('tags left out of the read (no lambda:ListTags): unknown, said so with the remedy; written', async () => {
    const { refusal, notes } = await admit({}, false, NO_LIST_TAGS);
    expect(refusal).toBeUndefined();
    expect(notes).toEqual([
      `Lambda returned no tags for orders (${NO_LIST_TAGS}): whether it is managed by infrastructure as code is unknown. Allow the caller lambda:ListTags on the function so its tags can tell.`,
    ]);
  });

  it('tags left out, --fail-on-iac: not proved unmanaged, so refused as Undetermined (exit 9)', async () => {
    const { refusal, notes } = await admit({}, true, NO_LIST_TAGS);
    expect(refusal?.code).toBe('Undetermined');
    expect(refusal?.exitCode).toBe(9);
    expect(refusal?.message).toContain(
      'whether it is managed by infrastructure as code is unknown; not written',
    );
    expect(refusal?.hint).toContain('lambda:ListTags');
    expect(notes).toEqual([]);
  });

  it('a managed function: a note naming the stack, the next deploy and the --emit tool; not refused', async () => {
    const { refusal, notes } = await admit(cfn({ 'lambda:createdBy': 'SAM' }), false);
    expect(refusal).toBeUndefined();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('orders is managed by AWS SAM (stack orders-prod;');
    expect(notes[0]).toContain("writes the template's VpcConfig back");
    expect(notes[0]).toContain('--emit sam prints it');
  });

  it('--emit for the same tool: the hint points at the snippet instead', async () => {
    const notes: string[] = [];
    await iacGate({ failOnIac: false, emit: 'terraform' }).admit(
      'orders',
      {},
      { tags: { Terraform: 'true' }, note: (t) => notes.push(t) },
    );
    expect(notes[0]).toMatch(/Make the change there: the snippet below is for it\.$/);
  });

  it('--fail-on-iac: refused with ManagedByIac (exit 11), and no note', async () => {
    const { refusal, notes } = await admit({ ManagedBy: 'terraform' }, true);
    expect(refusal?.code).toBe('ManagedByIac');
    expect(refusal?.exitCode).toBe(11);
    expect(refusal?.message).toContain('orders is managed by Terraform (tag ManagedBy): not written');
    expect(refusal?.hint).toContain('--emit terraform');
    expect(notes).toEqual([]);
  });

  it.each([false, true])('an unmanaged function passes, no note (--fail-on-iac %s)', async (failOnIac) => {
    expect(await admit({ team: 'payments' }, failOnIac)).toEqual({ refusal: undefined, notes: [] });
  });
});

describe('readFunctionWithTags: the tags of the one GetFunction, or why Lambda left them out', () => {
  const lambda = new LambdaClient({ region: 'us-east-1' });
  beforeEach(resetAwsMocks);
  afterEach(verifyAwsMocks);

  it('the tags, and no tagsError, when Lambda returns them', async () => {
    lambdaMock.on(GetFunctionCommand).resolves({ ...getFunctionOutput(), Tags: { STAGE: 'prod' } });
    const read = await readFunctionWithTags(lambda, 'my-fn');
    expect(read.tags).toEqual({ STAGE: 'prod' });
    expect(read.tagsError).toBeUndefined();
  });

  it('TagsError: no tags, and the reason', async () => {
    lambdaMock.on(GetFunctionCommand).resolves({
      ...getFunctionOutput(),
      TagsError: {
        ErrorCode: 'AccessDeniedException',
        Message: 'not authorized to perform: lambda:ListTags',
      },
    });
    const read = await readFunctionWithTags(lambda, 'my-fn');
    expect(read.tags).toEqual({});
    expect(read.tagsError).toBe('AccessDeniedException: not authorized to perform: lambda:ListTags');
    expect(lambdaMock.commandCalls(GetFunctionCommand)).toHaveLength(1);
  });
});
