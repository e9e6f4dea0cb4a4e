// The requests whose permission check-perms decides, built from what is known of them: the EC2
// calls Lambda makes with the execution role, and the caller's UpdateFunctionConfiguration.
// Resource types and keys follow the Service Authorization Reference for Amazon EC2 and AWS
// Lambda; a key whose value AWS does not document for these calls is left unknown, never guessed.
import { EXECUTION_ROLE_ACTIONS } from './policy-eval.js';
import {
  type ActionRequest,
  type ConditionContext,
  emptyContext,
  type NetworkResourceFact,
  type RequestFacts,
  type RequestResource,
} from './request-facts.js';

/** The execution role's six EC2 actions as Lambda sends them, each with its resources and keys. */
export function executionRoleRequests(facts: RequestFacts): ActionRequest[] {
  const context = executionRoleContext(facts);
  const interfaces = interfaceResources(facts);
  const resourcesOf: Record<string, RequestResource[]> = {
    'ec2:CreateNetworkInterface': [
      ...subnetResources(facts),
      ...securityGroupResources(facts),
      ...interfaces,
    ],
    // Lambda's own interfaces, by an ID not known here.
    'ec2:DeleteNetworkInterface': interfaces,
    'ec2:AssignPrivateIpAddresses': interfaces,
    'ec2:UnassignPrivateIpAddresses': interfaces,
    // No resource-level permissions: authorised on "*" only.
    'ec2:DescribeNetworkInterfaces': [describeResource()],
    'ec2:DescribeSubnets': [describeResource()],
  };
  return EXECUTION_ROLE_ACTIONS.map(({ action }) => ({
    action,
    resources: resourcesOf[action] ?? [],
    context,
  }));
}

/** The VPC configuration the caller asks for: the lambda:VpcIds/SubnetIds/SecurityGroupIds keys. */
export interface RequestedVpcConfig {
  subnetIds: string[];
  securityGroupIds: string[];
  vpcIds: string[];
}

/** The caller's lambda:UpdateFunctionConfiguration on the function, with the requested configuration. */
export function updateFunctionRequest(
  facts: RequestFacts,
  functionArn: string | null,
  config: RequestedVpcConfig | null,
): ActionRequest {
  const context = principalContext(facts);
  const isUser = facts.principal.kind === 'user';
  context.values['aws:principaltype'] = [isUser ? 'User' : 'AssumedRole'];
  if (isUser) {
    const name = facts.principal.arn.split('/').pop();
    if (name) context.values['aws:username'] = [name];
  } else context.absent.push('aws:username');
  // An empty list means it could not be told (the VPC lookup failed), not that there is none.
  const multi: Array<[string, string[] | undefined]> = [
    ['lambda:vpcids', config?.vpcIds],
    ['lambda:subnetids', config?.subnetIds],
    ['lambda:securitygroupids', config?.securityGroupIds],
  ];
  for (const [key, values] of multi) if (values && values.length > 0) context.values[key] = [...values];
  const resource: RequestResource =
    functionArn === null
      ? {
          type: 'function',
          arn: `arn:${facts.partition}:lambda:${facts.region}:${facts.account}:function:`,
          idUnknown: true,
          context: emptyContext(),
        }
      : { type: 'function', arn: functionArn, context: emptyContext() };
  return { action: 'lambda:UpdateFunctionConfiguration', resources: [resource], context };
}

/** Keys of any request the principal signs: who it is, its tags, the region it is sent to. */
function principalContext(facts: RequestFacts): ConditionContext {
  const context = emptyContext();
  context.values['aws:requestedregion'] = [facts.region];
  context.values['aws:principalarn'] = [facts.principal.arn];
  context.values['aws:principalaccount'] = [facts.account];
  addTags(context, 'aws:principaltag/', facts.principal.tags);
  return context;
}

/**
 * What EC2 sees when Lambda calls it with the role's session. Deliberately unknown: aws:SourceIp
 * (EC2 sees the address of Lambda's hosts, not none: AWS's note on aws:SourceIp with service
 * roles), aws:TokenIssueTime, aws:userid (it carries the session name), aws:CurrentTime and the tags of the
 * request (aws:RequestTag, aws:TagKeys).
 */
function executionRoleContext(facts: RequestFacts): ConditionContext {
  const context = principalContext(facts);
  context.values['aws:principaltype'] = ['AssumedRole'];
  context.values['ec2:region'] = [facts.region];
  // A role session signs the call itself: not a service principal, not a forward access session.
  context.values['aws:principalisawsservice'] = ['false'];
  context.values['aws:viaawsservice'] = ['false'];
  // aws:username exists for IAM users only; aws:MultiFactorAuthAge only when MFA was used.
  context.absent.push('aws:username', 'aws:multifactorauthage');
  // Lambda calls EC2 from its own service network, never through the customer's VPC endpoints.
  context.absent.push('aws:sourcevpc', 'aws:sourcevpce', 'aws:vpcsourceip');
  // Lambda's session has no MFA: the key is either absent or "false", depending on how it was made.
  context.alternatives = {
    'aws:multifactorauthpresent': [{ kind: 'absent' }, { kind: 'values', values: ['false'] }],
  };
  return context;
}

// Condition keys ignore case, EC2 tag keys do not: two tags differing only in case ("Env", "env")
// leave which one a condition sees unknown, and then so is every tag key (no absent prefix).
function addTags(context: ConditionContext, prefix: string, tags: Record<string, string> | undefined) {
  if (tags === undefined) return;
  const keys = Object.keys(tags).map((k) => k.toLowerCase());
  const clashing = new Set(keys.filter((k, i) => keys.indexOf(k) !== i));
  for (const [key, value] of Object.entries(tags)) {
    if (!clashing.has(key.toLowerCase())) context.values[`${prefix}${key.toLowerCase()}`] = [value];
  }
  if (clashing.size === 0) context.absentPrefixes.push(prefix);
}

const ec2Arn = (facts: RequestFacts, rest: string) =>
  `arn:${facts.partition}:ec2:${facts.region}:${facts.account}:${rest}`;

// A subnet's or group's ARN carries its owner's account, which in a shared VPC is not the
// function's; the VPC's is its owner's too. Not read, the account is a stand-in, marked unknown.
const ownedArn = (facts: RequestFacts, fact: NetworkResourceFact, rest: string) =>
  `arn:${facts.partition}:ec2:${facts.region}:${fact.ownerId ?? facts.account}:${rest}`;

function vpcKey(facts: RequestFacts, fact: NetworkResourceFact | undefined): Record<string, string[]> {
  return fact?.vpcId && fact.ownerId ? { 'ec2:vpc': [ownedArn(facts, fact, `vpc/${fact.vpcId}`)] } : {};
}

// ec2:ResourceTag/… and aws:ResourceTag/… are the same tags, under the EC2 and the global name.
function taggedContext(values: Record<string, string[]>, tags: Record<string, string> | undefined) {
  const context: ConditionContext = { values: { ...values }, absent: [], absentPrefixes: [] };
  addTags(context, 'ec2:resourcetag/', tags);
  addTags(context, 'aws:resourcetag/', tags);
  return context;
}

// An empty list is no more known than none: the answer is then for any subnet or group.
const known = <T>(facts: T[] | null): facts is T[] => facts !== null && facts.length > 0;

function subnetResources(facts: RequestFacts): RequestResource[] {
  if (!known(facts.subnets)) {
    return [
      {
        type: 'subnet',
        arn: ec2Arn(facts, 'subnet/'),
        idUnknown: true,
        ownerUnknown: true,
        context: emptyContext(),
      },
    ];
  }
  return facts.subnets.map((s) => ({
    type: 'subnet',
    arn: ownedArn(facts, s, `subnet/${s.id}`),
    ...(s.ownerId ? {} : { ownerUnknown: true }),
    context: taggedContext({ 'ec2:subnetid': [s.id], ...vpcKey(facts, s) }, s.tags),
  }));
}

function securityGroupResources(facts: RequestFacts): RequestResource[] {
  if (!known(facts.securityGroups)) {
    return [
      {
        type: 'security-group',
        arn: ec2Arn(facts, 'security-group/'),
        idUnknown: true,
        ownerUnknown: true,
        context: emptyContext(),
      },
    ];
  }
  return facts.securityGroups.map((g) => ({
    type: 'security-group',
    arn: ownedArn(facts, g, `security-group/${g.id}`),
    ...(g.ownerId ? {} : { ownerUnknown: true }),
    context: taggedContext({ 'ec2:securitygroupid': [g.id], ...vpcKey(facts, g) }, g.tags),
  }));
}

// Lambda makes an interface in each subnet, so one per subnet, each knowing its subnet and VPC.
// Its ID, tags and Availability Zone are not known.
function interfaceResources(facts: RequestFacts): RequestResource[] {
  const arn = ec2Arn(facts, 'network-interface/');
  if (!known(facts.subnets))
    return [{ type: 'network-interface', arn, idUnknown: true, context: emptyContext() }];
  return facts.subnets.map((s) => ({
    type: 'network-interface',
    arn,
    idUnknown: true,
    context: {
      values: {
        ...(s.ownerId ? { 'ec2:subnet': [ownedArn(facts, s, `subnet/${s.id}`)] } : {}),
        ...vpcKey(facts, s),
      },
      absent: [],
      absentPrefixes: [],
    },
  }));
}

// A Describe call names no resource, so no resource key is in its context.
function describeResource(): RequestResource {
  return {
    type: '*',
    arn: '*',
    context: {
      values: {},
      absent: ['ec2:vpc', 'ec2:subnet', 'ec2:subnetid', 'ec2:securitygroupid', 'ec2:availabilityzone'],
      absentPrefixes: ['ec2:resourcetag/', 'aws:resourcetag/'],
    },
  };
}
