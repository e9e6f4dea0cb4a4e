// Creates in moto, through the SDK, what check-perms reads of IAM: a tagged role with a boundary
// and a trust policy, its attached and inline policies, a user (path, boundary, tags) in a group,
// with attached and inline policies of its own and of the group. Seeds the fake with the same,
// asks both the same reads (and some that fail) and prints where the answers differ, field by
// field. Not part of `npm test` (CI has no moto): `npm run compare-moto -- iam`. Findings:
// docs/fake-aws.md.
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
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
  ListUserTagsCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { clients } from './clients.js';
import { printDifferences, startMoto } from './compare-tools.js';
import { startFakeAws } from './fake-aws.js';
import type { PolicyDocument, Scenario } from './types.js';

const ACCOUNT = '123456789012';
const arn = (kind: string, path: string) => `arn:aws:iam::${ACCOUNT}:${kind}${path}`;
const allow = (Action: string | string[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action, Resource: '*' }],
});

const BOUNDARY = { name: 'lambda-boundary', v1: allow('*'), v2: allow(['logs:*', 'ec2:Describe*']) };
const VPC_POLICY = {
  name: 'vpc-access',
  v1: allow(['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface']),
};
const DEPLOYER = {
  name: 'lambda-deployer',
  v1: allow(['lambda:GetFunction', 'lambda:UpdateFunctionConfiguration']),
};
const NETWORK_READ = { name: 'network-read', v1: allow('ec2:DescribeSubnets') };
const TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const ROLE = { name: 'bounded-role', path: '/service-role/', tags: { team: 'orders', env: 'prod' } };
const USER = { name: 'deployer', path: '/engineering/', tags: { team: 'platform' } };
const GROUP = 'lambda-deployers';
const ROLE_INLINE = { name: 'orders-table', doc: allow('dynamodb:GetItem') };
const USER_INLINE = { name: 'pass-roles', doc: allow('iam:PassRole') };
const GROUP_INLINE = { name: 'read-functions', doc: allow('lambda:ListFunctions') };
const policyArn = (name: string) => arn('policy/', name);
const toTags = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

async function buildInMoto(iam: IAMClient): Promise<void> {
  for (const p of [BOUNDARY, VPC_POLICY, DEPLOYER, NETWORK_READ]) {
    await iam.send(new CreatePolicyCommand({ PolicyName: p.name, PolicyDocument: JSON.stringify(p.v1) }));
  }
  await iam.send(
    new CreatePolicyVersionCommand({
      PolicyArn: policyArn(BOUNDARY.name),
      PolicyDocument: JSON.stringify(BOUNDARY.v2),
      SetAsDefault: true,
    }),
  );
  await iam.send(
    new CreateRoleCommand({
      RoleName: ROLE.name,
      Path: ROLE.path,
      AssumeRolePolicyDocument: JSON.stringify(TRUST),
      PermissionsBoundary: policyArn(BOUNDARY.name),
      Tags: toTags(ROLE.tags),
    }),
  );
  await iam.send(new AttachRolePolicyCommand({ RoleName: ROLE.name, PolicyArn: policyArn(VPC_POLICY.name) }));
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: ROLE.name,
      PolicyName: ROLE_INLINE.name,
      PolicyDocument: JSON.stringify(ROLE_INLINE.doc),
    }),
  );
  await iam.send(
    new CreateUserCommand({
      UserName: USER.name,
      Path: USER.path,
      PermissionsBoundary: policyArn(BOUNDARY.name),
      Tags: toTags(USER.tags),
    }),
  );
  await iam.send(new CreateGroupCommand({ GroupName: GROUP }));
  await iam.send(new AddUserToGroupCommand({ GroupName: GROUP, UserName: USER.name }));
  await iam.send(new AttachUserPolicyCommand({ UserName: USER.name, PolicyArn: policyArn(DEPLOYER.name) }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: USER.name,
      PolicyName: USER_INLINE.name,
      PolicyDocument: JSON.stringify(USER_INLINE.doc),
    }),
  );
  await iam.send(new AttachGroupPolicyCommand({ GroupName: GROUP, PolicyArn: policyArn(NETWORK_READ.name) }));
  await iam.send(
    new PutGroupPolicyCommand({
      GroupName: GROUP,
      PolicyName: GROUP_INLINE.name,
      PolicyDocument: JSON.stringify(GROUP_INLINE.doc),
    }),
  );
}

const SCENARIO: Scenario = {
  policies: [
    { Arn: policyArn(BOUNDARY.name), DefaultVersionId: 'v2', Versions: { v1: BOUNDARY.v1, v2: BOUNDARY.v2 } },
    ...[VPC_POLICY, DEPLOYER, NETWORK_READ].map((p) => ({
      Arn: policyArn(p.name),
      DefaultVersionId: 'v1',
      Versions: { v1: p.v1 },
    })),
  ],
  roles: [
    {
      RoleName: ROLE.name,
      Path: ROLE.path,
      AssumeRolePolicyDocument: TRUST,
      PermissionsBoundaryArn: policyArn(BOUNDARY.name),
      Tags: ROLE.tags,
      AttachedPolicyArns: [policyArn(VPC_POLICY.name)],
      InlinePolicies: { [ROLE_INLINE.name]: ROLE_INLINE.doc },
    },
  ],
  users: [
    {
      UserName: USER.name,
      Path: USER.path,
      PermissionsBoundaryArn: policyArn(BOUNDARY.name),
      Tags: USER.tags,
      Groups: [GROUP],
      AttachedPolicyArns: [policyArn(DEPLOYER.name)],
      InlinePolicies: { [USER_INLINE.name]: USER_INLINE.doc },
    },
  ],
  groups: [
    {
      GroupName: GROUP,
      AttachedPolicyArns: [policyArn(NETWORK_READ.name)],
      InlinePolicies: { [GROUP_INLINE.name]: GROUP_INLINE.doc },
    },
  ],
};

interface Probe {
  name: string;
  run: (iam: IAMClient) => Promise<unknown>;
}

/** The answer without $metadata, policy documents decoded (both sides URL-encode them, or should). */
const result = async (p: Promise<unknown>) => {
  try {
    const { $metadata: _m, ...rest } = (await p) as { $metadata?: unknown };
    return decodeDocuments(rest);
  } catch (error) {
    const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    return { error: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
};

const DOCUMENT_FIELDS = new Set(['AssumeRolePolicyDocument', 'PolicyDocument', 'Document']);

function decodeDocuments(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeDocuments);
  if (!v || typeof v !== 'object' || v instanceof Date) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (DOCUMENT_FIELDS.has(k) && typeof x === 'string') {
      const encoded = x.startsWith('%7B');
      let parsed: unknown;
      try {
        parsed = JSON.parse(encoded ? decodeURIComponent(x) : x);
      } catch {
        parsed = x;
      }
      out[k] = parsed;
      out[`${k}Encoding`] = encoded ? 'url-encoded' : 'plain JSON';
    } else out[k] = decodeDocuments(x);
  }
  return out;
}

const probes: Probe[] = [
  { name: 'GetRole', run: (iam) => result(iam.send(new GetRoleCommand({ RoleName: ROLE.name }))) },
  { name: 'ListRoleTags', run: (iam) => result(iam.send(new ListRoleTagsCommand({ RoleName: ROLE.name }))) },
  {
    name: 'ListRoleTags MaxItems 1',
    run: (iam) => result(iam.send(new ListRoleTagsCommand({ RoleName: ROLE.name, MaxItems: 1 }))),
  },
  {
    name: 'ListAttachedRolePolicies',
    run: (iam) => result(iam.send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE.name }))),
  },
  {
    name: 'ListRolePolicies',
    run: (iam) => result(iam.send(new ListRolePoliciesCommand({ RoleName: ROLE.name }))),
  },
  {
    name: 'GetRolePolicy',
    run: (iam) =>
      result(iam.send(new GetRolePolicyCommand({ RoleName: ROLE.name, PolicyName: ROLE_INLINE.name }))),
  },
  {
    name: 'GetPolicy boundary',
    run: (iam) => result(iam.send(new GetPolicyCommand({ PolicyArn: policyArn(BOUNDARY.name) }))),
  },
  {
    name: 'GetPolicyVersion boundary v2',
    run: (iam) =>
      result(iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn(BOUNDARY.name), VersionId: 'v2' }))),
  },
  { name: 'GetUser', run: (iam) => result(iam.send(new GetUserCommand({ UserName: USER.name }))) },
  { name: 'ListUserTags', run: (iam) => result(iam.send(new ListUserTagsCommand({ UserName: USER.name }))) },
  {
    name: 'ListGroupsForUser',
    run: (iam) => result(iam.send(new ListGroupsForUserCommand({ UserName: USER.name }))),
  },
  {
    name: 'ListAttachedUserPolicies',
    run: (iam) => result(iam.send(new ListAttachedUserPoliciesCommand({ UserName: USER.name }))),
  },
  {
    name: 'ListUserPolicies',
    run: (iam) => result(iam.send(new ListUserPoliciesCommand({ UserName: USER.name }))),
  },
  {
    name: 'GetUserPolicy',
    run: (iam) =>
      result(iam.send(new GetUserPolicyCommand({ UserName: USER.name, PolicyName: USER_INLINE.name }))),
  },
  {
    name: 'ListAttachedGroupPolicies',
    run: (iam) => result(iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: GROUP }))),
  },
  {
    name: 'ListGroupPolicies',
    run: (iam) => result(iam.send(new ListGroupPoliciesCommand({ GroupName: GROUP }))),
  },
  {
    name: 'GetGroupPolicy',
    run: (iam) =>
      result(iam.send(new GetGroupPolicyCommand({ GroupName: GROUP, PolicyName: GROUP_INLINE.name }))),
  },
  {
    name: 'SimulatePrincipalPolicy bounded role',
    run: (iam) =>
      result(
        iam.send(
          new SimulatePrincipalPolicyCommand({
            PolicySourceArn: arn('role', `${ROLE.path}${ROLE.name}`),
            ActionNames: ['ec2:CreateNetworkInterface', 'ec2:DescribeSubnets', 'dynamodb:GetItem'],
          }),
        ),
      ),
  },
  // What fails, and how.
  { name: 'GetRole unknown', run: (iam) => result(iam.send(new GetRoleCommand({ RoleName: 'ghost' }))) },
  {
    name: 'ListRoleTags unknown',
    run: (iam) => result(iam.send(new ListRoleTagsCommand({ RoleName: 'ghost' }))),
  },
  { name: 'GetUser unknown', run: (iam) => result(iam.send(new GetUserCommand({ UserName: 'ghost' }))) },
  {
    name: 'ListGroupsForUser unknown',
    run: (iam) => result(iam.send(new ListGroupsForUserCommand({ UserName: 'ghost' }))),
  },
  {
    name: 'ListAttachedUserPolicies unknown',
    run: (iam) => result(iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'ghost' }))),
  },
  {
    name: 'GetUserPolicy unknown policy',
    run: (iam) => result(iam.send(new GetUserPolicyCommand({ UserName: USER.name, PolicyName: 'ghost' }))),
  },
  {
    name: 'GetGroupPolicy unknown group',
    run: (iam) => result(iam.send(new GetGroupPolicyCommand({ GroupName: 'ghost', PolicyName: 'x' }))),
  },
  {
    name: 'GetGroupPolicy unknown policy',
    run: (iam) => result(iam.send(new GetGroupPolicyCommand({ GroupName: GROUP, PolicyName: 'ghost' }))),
  },
  {
    name: 'ListGroupPolicies unknown group',
    run: (iam) => result(iam.send(new ListGroupPoliciesCommand({ GroupName: 'ghost' }))),
  },
];

/** Generated values that say nothing about the behaviour: IDs, times, request IDs. */
const IGNORED = /(RoleId|UserId|GroupId|PolicyId|CreateDate|UpdateDate|RequestId|requestId)$/;

const moto = await startMoto();
try {
  const motoIam = clients(moto.url).iam;
  await buildInMoto(motoIam);
  const fake = await startFakeAws({ scenario: SCENARIO });
  try {
    const fakeIam = clients(fake.url).iam;
    await printDifferences(probes, motoIam, fakeIam, IGNORED);
  } finally {
    await fake.close();
  }
} finally {
  moto.stop();
}
