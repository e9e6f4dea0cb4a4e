// Each fault kind on each IAM read check-perms makes, and accessDenied in the other services' formats.
import { DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import {
  GetGroupPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  type IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  ListUserPoliciesCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { clients, failure } from './clients.js';
import { type FakeAws, startFakeAws } from './fake-aws.js';
import { DEMO_IDS, IAM_IDS as I, iamPrincipals } from './scenarios.js';
import type { FaultKind, Scenario } from './types.js';

let fake: FakeAws;
afterEach(async () => {
  await fake?.close();
});

async function iamFor(scenario: Scenario = iamPrincipals()): Promise<IAMClient> {
  fake = await startFakeAws({ scenario });
  return clients(fake.url).iam;
}

describe('a fault on one IAM read', () => {
  // Every read check-perms makes when the simulator is denied, with the resource AWS names.
  const READS = [
    ['GetRole', () => new GetRoleCommand({ RoleName: I.boundedRole }), I.boundedRoleArn],
    ['ListRoleTags', () => new ListRoleTagsCommand({ RoleName: I.boundedRole }), I.boundedRoleArn],
    [
      'ListAttachedRolePolicies',
      () => new ListAttachedRolePoliciesCommand({ RoleName: I.boundedRole }),
      I.boundedRoleArn,
    ],
    ['ListRolePolicies', () => new ListRolePoliciesCommand({ RoleName: I.boundedRole }), I.boundedRoleArn],
    [
      'GetRolePolicy',
      () => new GetRolePolicyCommand({ RoleName: DEMO_IDS.vpcRole, PolicyName: 'orders-table' }),
      DEMO_IDS.vpcRoleArn,
    ],
    [
      'GetPolicyVersion',
      () => new GetPolicyVersionCommand({ PolicyArn: I.noEc2Boundary, VersionId: 'v2' }),
      I.noEc2Boundary,
    ],
    ['GetUser', () => new GetUserCommand({}), I.userArn],
    ['ListAttachedUserPolicies', () => new ListAttachedUserPoliciesCommand({ UserName: I.user }), I.userArn],
    ['ListUserPolicies', () => new ListUserPoliciesCommand({ UserName: I.user }), I.userArn],
    [
      'GetUserPolicy',
      () => new GetUserPolicyCommand({ UserName: I.user, PolicyName: 'pass-execution-roles' }),
      I.userArn,
    ],
    ['ListGroupsForUser', () => new ListGroupsForUserCommand({ UserName: I.user }), I.userArn],
    [
      'ListAttachedGroupPolicies',
      () => new ListAttachedGroupPoliciesCommand({ GroupName: I.group }),
      I.groupArn,
    ],
    ['ListGroupPolicies', () => new ListGroupPoliciesCommand({ GroupName: I.group }), I.groupArn],
    [
      'GetGroupPolicy',
      () => new GetGroupPolicyCommand({ GroupName: I.group, PolicyName: 'approved-vpcs' }),
      I.groupArn,
    ],
  ] as const;

  const KINDS: Array<[FaultKind, string, number]> = [
    ['accessDenied', 'AccessDenied', 403],
    ['throttle', 'Throttling', 400],
    ['error500', 'ServiceFailureException', 500],
    ['error503', 'ServiceUnavailable', 503],
  ];

  it.each(
    READS.flatMap(([operation, command, resource]) =>
      KINDS.map((k) => [operation, command, resource, ...k] as const),
    ),
  )(
    '%s, %s: that request fails, the next one and the other reads answer',
    async (operation, command, resource, kind, name, status) => {
      const iam = await iamFor({
        ...iamPrincipals(),
        faults: [{ service: 'iam', operation, kind, times: 1 }],
      });
      // biome-ignore lint/suspicious/noExplicitAny: one table over commands of different output types
      const send = () => iam.send(command() as any);
      const err = await failure(send());
      expect([err.name, err.$metadata.httpStatusCode]).toEqual([name, status]);
      if (kind === 'accessDenied') {
        expect(err.message).toBe(
          `User: ${I.userArn} is not authorized to perform: iam:${operation} on resource: ${resource} because no identity-based policy allows the iam:${operation} action`,
        );
      }
      await expect(send()).resolves.toBeDefined();
      // Only the named operation: another read in between is untouched.
      const other =
        operation === 'GetRole'
          ? iam.send(new ListRoleTagsCommand({ RoleName: I.boundedRole }))
          : iam.send(new GetRoleCommand({ RoleName: I.boundedRole }));
      await expect(other).resolves.toBeDefined();
      expect(fake.requests.map((r) => r.status)).toEqual([status, 200, 200]);
      // The one-off denial leaves nothing behind in the caller's permissions.
      expect(fake.state.deniedActions).toEqual([]);
    },
  );

  it('accessDenied answers in each service’s own format, for the requests the rule names', async () => {
    fake = await startFakeAws({
      scenario: {
        ...iamPrincipals(),
        faults: [
          { service: 'ec2', operation: 'DescribeSubnets', kind: 'accessDenied', times: 1 },
          { service: 'lambda', operation: 'GetFunction', kind: 'accessDenied', skip: 1, times: 1 },
        ],
      },
    });
    const { ec2, lambda } = clients(fake.url);
    const ec2Denied = await failure(ec2.send(new DescribeSubnetsCommand({})));
    expect([ec2Denied.name, ec2Denied.$metadata.httpStatusCode]).toEqual(['UnauthorizedOperation', 403]);
    expect(ec2Denied.message).toContain(
      `User: ${I.userArn} is not authorized to perform: ec2:DescribeSubnets`,
    );
    await expect(ec2.send(new DescribeSubnetsCommand({}))).resolves.toBeDefined();
    const get = () => lambda.send(new GetFunctionCommand({ FunctionName: I.boundedFn }));
    await expect(get()).resolves.toBeDefined();
    const lambdaDenied = await failure(get());
    expect([lambdaDenied.name, lambdaDenied.$metadata.httpStatusCode]).toEqual([
      'AccessDeniedException',
      403,
    ]);
    await expect(get()).resolves.toBeDefined();
    expect(fake.state.deniedActions).toEqual([]);
  });

  it('an accessDenied fault on the simulator denies it as the per-caller denial does', async () => {
    const iam = await iamFor({
      ...iamPrincipals(),
      faults: [{ operation: 'SimulatePrincipalPolicy', kind: 'accessDenied' }],
    });
    const simulate = () =>
      iam.send(
        new SimulatePrincipalPolicyCommand({ PolicySourceArn: I.boundedRoleArn, ActionNames: ['ec2:*'] }),
      );
    for (let i = 0; i < 2; i++) {
      const err = await failure(simulate());
      expect([err.name, err.message]).toEqual([
        'AccessDenied',
        `User: ${I.userArn} is not authorized to perform: iam:SimulatePrincipalPolicy on resource: ${I.boundedRoleArn} because no identity-based policy allows the iam:SimulatePrincipalPolicy action`,
      ]);
    }
    expect(fake.requests.map((r) => r.errorCode)).toEqual(['AccessDenied', 'AccessDenied']);
  });
});
