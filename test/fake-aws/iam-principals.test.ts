import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  type IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListUserPoliciesCommand,
  ListUserTagsCommand,
} from '@aws-sdk/client-iam';
import { UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { clients, failure, sdkConfig } from './clients.js';
import { type FakeAws, startFakeAws } from './fake-aws.js';
import { CALLER_POLICY_NAME, trustsLambda } from './iam-principals.js';
import { DEMO_IDS, demo, IAM_IDS as I, iamPrincipals, VPC_ACCESS_POLICY_ARN } from './scenarios.js';
import type { Scenario } from './types.js';

let fake: FakeAws;
afterEach(async () => {
  await fake?.close();
});

async function iamFor(scenario: Scenario = iamPrincipals()): Promise<IAMClient> {
  fake = await startFakeAws({ scenario });
  return clients(fake.url).iam;
}

const decode = (doc: string | undefined) => JSON.parse(decodeURIComponent(doc ?? ''));

describe('IAM users and groups', () => {
  it('GetUser answers the named user, or without a name the caller STS names', async () => {
    const iam = await iamFor();
    const identity = await new STSClient(sdkConfig(fake.url)).send(new GetCallerIdentityCommand({}));
    expect([identity.Arn, identity.UserId, identity.Account]).toEqual([
      I.userArn,
      'AIDAEXAMPLEDEPLOYER01',
      '123456789012',
    ]);
    const { User: named } = await iam.send(new GetUserCommand({ UserName: I.user }));
    expect(named).toMatchObject({
      Path: '/engineering/',
      UserName: I.user,
      UserId: 'AIDAEXAMPLEDEPLOYER01',
      Arn: I.userArn,
      PermissionsBoundary: {
        PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
        PermissionsBoundaryArn: I.deployerBoundary,
      },
      Tags: [{ Key: 'team', Value: 'platform' }],
    });
    expect(named?.CreateDate).toBeInstanceOf(Date);
    const { User: caller } = await iam.send(new GetUserCommand({}));
    expect(caller?.Arn).toBe(I.userArn);
    const tags = await iam.send(new ListUserTagsCommand({ UserName: I.user }));
    expect([tags.Tags, tags.IsTruncated]).toEqual([[{ Key: 'team', Value: 'platform' }], false]);
  });

  it('reads a user’s attached, inline and group policies, documents URL-encoded', async () => {
    const iam = await iamFor();
    const attached = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: I.user }));
    expect([attached.AttachedPolicies, attached.IsTruncated]).toEqual([
      [{ PolicyName: 'lambda-deployer', PolicyArn: I.deployerPolicy }],
      false,
    ]);
    const inline = await iam.send(new ListUserPoliciesCommand({ UserName: I.user }));
    expect(inline.PolicyNames).toEqual(['pass-execution-roles']);
    const doc = await iam.send(
      new GetUserPolicyCommand({ UserName: I.user, PolicyName: 'pass-execution-roles' }),
    );
    expect([doc.UserName, doc.PolicyName]).toEqual([I.user, 'pass-execution-roles']);
    expect(doc.PolicyDocument).toMatch(/^%7B/);
    expect(decode(doc.PolicyDocument).Statement[0].Action).toBe('iam:PassRole');

    const groups = await iam.send(new ListGroupsForUserCommand({ UserName: I.user }));
    expect(groups.Groups).toEqual([
      {
        Path: '/',
        GroupName: I.group,
        GroupId: expect.stringMatching(/^AGPA/),
        Arn: I.groupArn,
        CreateDate: expect.any(Date),
      },
    ]);
    const groupAttached = await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: I.group }));
    expect(groupAttached.AttachedPolicies).toEqual([
      { PolicyName: 'network-read', PolicyArn: I.networkReadPolicy },
    ]);
    const groupInline = await iam.send(new ListGroupPoliciesCommand({ GroupName: I.group }));
    expect(groupInline.PolicyNames).toEqual(['approved-vpcs']);
    const groupDoc = await iam.send(
      new GetGroupPolicyCommand({ GroupName: I.group, PolicyName: 'approved-vpcs' }),
    );
    expect([groupDoc.GroupName, groupDoc.PolicyName]).toEqual([I.group, 'approved-vpcs']);
    expect(decode(groupDoc.PolicyDocument).Statement[0].Condition).toEqual({
      'ForAllValues:StringEquals': { 'lambda:VpcIds': [DEMO_IDS.vpc] },
    });

    // Users and groups count as attachments; a boundary counts as a boundary use.
    const { Policy: boundary } = await iam.send(new GetPolicyCommand({ PolicyArn: I.deployerBoundary }));
    expect([boundary?.AttachmentCount, boundary?.PermissionsBoundaryUsageCount]).toEqual([0, 1]);
    const { Policy: network } = await iam.send(new GetPolicyCommand({ PolicyArn: I.networkReadPolicy }));
    expect(network?.AttachmentCount).toBe(1);
  });

  it('pages every list with Marker, IsTruncated and MaxItems', async () => {
    const scenario = iamPrincipals();
    const user = scenario.users?.[0];
    if (!user) throw new Error('the scenario has its user');
    user.AttachedPolicyArns.push(I.networkReadPolicy, VPC_ACCESS_POLICY_ARN);
    user.Groups = [I.group, 'auditors', 'on-call'];
    scenario.groups?.push(
      { GroupName: 'auditors', AttachedPolicyArns: [] },
      { GroupName: 'on-call', AttachedPolicyArns: [] },
    );
    const iam = await iamFor(scenario);
    const names: string[] = [];
    let Marker: string | undefined;
    let pages = 0;
    do {
      const r = await iam.send(new ListGroupsForUserCommand({ UserName: I.user, MaxItems: 2, Marker }));
      names.push(...(r.Groups ?? []).map((g) => g.GroupName ?? ''));
      expect(r.IsTruncated).toBe(r.Marker !== undefined);
      Marker = r.Marker;
      pages++;
    } while (Marker);
    expect([names, pages]).toEqual([[I.group, 'auditors', 'on-call'], 2]);

    const first = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: I.user, MaxItems: 1 }));
    expect([first.AttachedPolicies?.map((p) => p.PolicyName), first.IsTruncated]).toEqual([
      ['lambda-deployer'],
      true,
    ]);
    const rest = await iam.send(
      new ListAttachedUserPoliciesCommand({ UserName: I.user, Marker: first.Marker }),
    );
    expect(rest.AttachedPolicies?.map((p) => p.PolicyName)).toEqual([
      'network-read',
      'AWSLambdaVPCAccessExecutionRole',
    ]);

    const badMarker = await failure(
      iam.send(new ListUserPoliciesCommand({ UserName: I.user, Marker: 'nope' })),
    );
    expect([badMarker.name, badMarker.$metadata.httpStatusCode]).toEqual(['InvalidInputException', 400]);
    const tooMany = await failure(
      iam.send(new ListGroupPoliciesCommand({ GroupName: I.group, MaxItems: 1001 })),
    );
    expect([tooMany.name, tooMany.message]).toEqual([
      'ValidationError',
      "1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000",
    ]);
  });

  it.each([
    ['GetUser', new GetUserCommand({ UserName: 'ghost' }), 'The user with name ghost cannot be found.'],
    [
      'ListUserTags',
      new ListUserTagsCommand({ UserName: 'ghost' }),
      'The user with name ghost cannot be found.',
    ],
    [
      'ListAttachedUserPolicies',
      new ListAttachedUserPoliciesCommand({ UserName: 'ghost' }),
      'The user with name ghost cannot be found.',
    ],
    [
      'ListUserPolicies',
      new ListUserPoliciesCommand({ UserName: 'ghost' }),
      'The user with name ghost cannot be found.',
    ],
    [
      'GetUserPolicy of a missing user',
      new GetUserPolicyCommand({ UserName: 'ghost', PolicyName: 'x' }),
      'The user with name ghost cannot be found.',
    ],
    [
      'GetUserPolicy of a missing policy',
      new GetUserPolicyCommand({ UserName: I.user, PolicyName: 'x' }),
      'The user policy with name x cannot be found.',
    ],
    [
      'ListGroupsForUser',
      new ListGroupsForUserCommand({ UserName: 'ghost' }),
      'The user with name ghost cannot be found.',
    ],
    [
      'ListAttachedGroupPolicies',
      new ListAttachedGroupPoliciesCommand({ GroupName: 'ghost' }),
      'The group with name ghost cannot be found.',
    ],
    [
      'ListGroupPolicies',
      new ListGroupPoliciesCommand({ GroupName: 'ghost' }),
      'The group with name ghost cannot be found.',
    ],
    [
      'GetGroupPolicy of a missing group',
      new GetGroupPolicyCommand({ GroupName: 'ghost', PolicyName: 'x' }),
      'The group with name ghost cannot be found.',
    ],
    [
      'GetGroupPolicy of a missing policy',
      new GetGroupPolicyCommand({ GroupName: I.group, PolicyName: 'x' }),
      'The group policy with name x cannot be found.',
    ],
  ])('%s: 404 NoSuchEntity with IAM’s message', async (_name, command, message) => {
    const iam = await iamFor();
    // biome-ignore lint/suspicious/noExplicitAny: one table over commands of different output types
    const err = await failure(iam.send(command as any));
    expect([err.name, err.$metadata.httpStatusCode, err.message]).toEqual([
      'NoSuchEntityException',
      404,
      message,
    ]);
    expect(fake.requests[0]?.errorCode).toBe('NoSuchEntity');
  });

  it('a caller the scenario has no user for is a user whose policy allows all but deniedActions', async () => {
    const iam = await iamFor({ ...demo(), deniedActions: ['iam:SimulatePrincipalPolicy'] });
    const { User } = await iam.send(new GetUserCommand({}));
    expect([User?.UserName, User?.Arn, User?.PermissionsBoundary]).toEqual([
      'dev',
      'arn:aws:iam::123456789012:user/dev',
      undefined,
    ]);
    const inline = await iam.send(new ListUserPoliciesCommand({ UserName: 'dev' }));
    expect(inline.PolicyNames).toEqual([CALLER_POLICY_NAME]);
    const doc = await iam.send(new GetUserPolicyCommand({ UserName: 'dev', PolicyName: CALLER_POLICY_NAME }));
    expect(decode(doc.PolicyDocument).Statement).toEqual([
      { Effect: 'Allow', NotAction: ['iam:SimulatePrincipalPolicy'], Resource: '*' },
    ]);
    // Read live: a denial added later is in the next read.
    fake.state.denyAction('lambda:UpdateFunctionConfiguration');
    const later = await iam.send(
      new GetUserPolicyCommand({ UserName: 'dev', PolicyName: CALLER_POLICY_NAME }),
    );
    expect(decode(later.PolicyDocument).Statement[0].NotAction).toEqual([
      'iam:SimulatePrincipalPolicy',
      'lambda:UpdateFunctionConfiguration',
    ]);
    const groups = await iam.send(new ListGroupsForUserCommand({ UserName: 'dev' }));
    expect(groups.Groups).toEqual([]);
  });

  it('GetUser without a name, called with a role’s credentials, is a ValidationError', async () => {
    const iam = await iamFor({
      ...demo(),
      caller: {
        Arn: 'arn:aws:sts::123456789012:assumed-role/deploy/ci',
        UserId: 'AROAEXAMPLEDEPLOY:ci',
        Account: '123456789012',
      },
    });
    const err = await failure(iam.send(new GetUserCommand({})));
    expect([err.name, err.$metadata.httpStatusCode, err.message]).toEqual([
      'ValidationError',
      400,
      'Must specify userName when calling with non-User credentials',
    ]);
  });

  it('a scenario whose user is in an undefined group is refused', async () => {
    const scenario = iamPrincipals();
    scenario.groups = [];
    await expect(startFakeAws({ scenario })).rejects.toThrow(
      'fake-aws: user deployer is in group lambda-deployers, which the scenario does not define',
    );
  });
});

describe('Lambda checks the role as IAM decides it', () => {
  it('refuses a VPC for a role its boundary caps or that it cannot assume', async () => {
    fake = await startFakeAws({ scenario: iamPrincipals() });
    const { lambda } = clients(fake.url);
    const attach = (FunctionName: string) =>
      lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName,
          VpcConfig: { SubnetIds: [DEMO_IDS.privateSubnetA], SecurityGroupIds: [DEMO_IDS.sgAllEgress] },
        }),
      );
    const messages = [];
    for (const fn of [I.boundedFn, I.ec2TrustFn, I.orphanFn]) {
      const err = await failure(attach(fn));
      messages.push([err.name, err.message]);
    }
    expect(messages).toEqual([
      [
        'InvalidParameterValueException',
        'The provided execution role does not have permissions to call CreateNetworkInterface on EC2',
      ],
      ['InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.'],
      ['InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.'],
    ]);
    await expect(attach('orders-api')).resolves.toMatchObject({ LastUpdateStatus: 'InProgress' });
  });

  const trust = (...Statement: Record<string, unknown>[]) => ({
    RoleName: 'r',
    AttachedPolicyArns: [],
    AssumeRolePolicyDocument: { Version: '2012-10-17', Statement },
  });
  const lambdaPrincipal = { Service: 'lambda.amazonaws.com' };
  it.each([
    ['the default trust policy', { RoleName: 'r', AttachedPolicyArns: [] }, true],
    [
      'a list of services',
      trust({
        Effect: 'Allow',
        Principal: { Service: ['ec2.amazonaws.com', 'lambda.amazonaws.com'] },
        Action: ['sts:AssumeRole'],
      }),
      true,
    ],
    ['sts:* to everyone', trust({ Effect: 'Allow', Principal: '*', Action: 'sts:*' }), true],
    [
      'EC2 only',
      trust({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }),
      false,
    ],
    [
      'another action',
      trust({ Effect: 'Allow', Principal: lambdaPrincipal, Action: 'sts:TagSession' }),
      false,
    ],
    [
      'an Allow that a Deny takes back',
      trust(
        { Effect: 'Allow', Principal: lambdaPrincipal, Action: 'sts:AssumeRole' },
        { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' },
      ),
      false,
    ],
  ])('trustsLambda: %s', (_name, role, expected) => {
    expect(trustsLambda(role)).toBe(expected);
  });
});
