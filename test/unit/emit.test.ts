import { describe, expect, it } from 'vitest';
import { EMIT_TOOLS, type EmitChange, type EmitTool, renderSnippet } from '../../src/core/emit.js';
import { DETACHED, type DesiredVpc } from '../../src/core/plan.js';
import { emptyResult, type FunctionResult } from '../../src/core/result.js';
import type { NetworkPreflightJson } from '../../src/output/json.js';
import { emitReport } from '../../src/workflows/emit-step.js';

const ATTACH: DesiredVpc = {
  subnetIds: ['subnet-0aaa', 'subnet-0bbb'],
  securityGroupIds: ['sg-0ccc'],
  ipv6AllowedForDualStack: false,
};
const change = (over: Partial<EmitChange> = {}): EmitChange => ({
  function: 'orders-api',
  desired: ATTACH,
  vpcId: 'vpc-0ddd',
  publicSubnetIds: [],
  ...over,
});

describe('renderSnippet: the change in each tool, with its IDs', () => {
  const cases: [string, EmitTool, EmitChange, string][] = [
    [
      'terraform attach',
      'terraform',
      change(),
      `# orders-api: in its aws_lambda_function resource
vpc_config {
  subnet_ids                  = ["subnet-0aaa", "subnet-0bbb"]
  security_group_ids          = ["sg-0ccc"]
  ipv6_allowed_for_dual_stack = false
}
# with terraform-aws-modules/lambda/aws, the module inputs instead:
#   vpc_subnet_ids              = ["subnet-0aaa", "subnet-0bbb"]
#   vpc_security_group_ids      = ["sg-0ccc"]
#   ipv6_allowed_for_dual_stack = false`,
    ],
    [
      'terraform detach: the block removed, or empty',
      'terraform',
      change({ desired: DETACHED }),
      `# orders-api: in its aws_lambda_function resource, delete the vpc_config block, or leave it empty:
vpc_config {
  subnet_ids                  = []
  security_group_ids          = []
  ipv6_allowed_for_dual_stack = false
}`,
    ],
    [
      'cdk attach',
      'cdk',
      change(),
      `// orders-api: in its lambda.Function props (Vpc, Subnet, SecurityGroup from 'aws-cdk-lib/aws-ec2')
vpc: Vpc.fromLookup(this, 'OrdersApiVpc', { vpcId: 'vpc-0ddd' }),
vpcSubnets: {
  subnets: [
    Subnet.fromSubnetId(this, 'OrdersApiSubnet1', 'subnet-0aaa'),
    Subnet.fromSubnetId(this, 'OrdersApiSubnet2', 'subnet-0bbb'),
  ],
},
securityGroups: [
  SecurityGroup.fromSecurityGroupId(this, 'OrdersApiSecurityGroup1', 'sg-0ccc'),
],`,
    ],
    [
      'cdk attach to a public subnet, IPv6 on, the VPC not read',
      'cdk',
      change({
        vpcId: null,
        publicSubnetIds: ['subnet-0bbb', 'subnet-0zzz'],
        desired: { ...ATTACH, ipv6AllowedForDualStack: true },
      }),
      `// orders-api: in its lambda.Function props (Vpc, Subnet, SecurityGroup from 'aws-cdk-lib/aws-ec2')
vpc: Vpc.fromLookup(this, 'OrdersApiVpc', { vpcId: 'VPC_ID' }), // the VPC of subnet-0aaa: not read in this run
vpcSubnets: {
  subnets: [
    Subnet.fromSubnetId(this, 'OrdersApiSubnet1', 'subnet-0aaa'),
    Subnet.fromSubnetId(this, 'OrdersApiSubnet2', 'subnet-0bbb'),
  ],
},
securityGroups: [
  SecurityGroup.fromSecurityGroupId(this, 'OrdersApiSecurityGroup1', 'sg-0ccc'),
],
allowPublicSubnet: true, // subnet-0bbb: public, no internet from Lambda there
ipv6AllowedForDualStack: true,`,
    ],
    [
      'cdk detach: the props removed',
      'cdk',
      change({ desired: DETACHED }),
      `// orders-api: in its lambda.Function props, remove these (CDK then synthesizes no VpcConfig):
//   vpc, vpcSubnets, securityGroups, allowPublicSubnet, ipv6AllowedForDualStack`,
    ],
    [
      'sam attach',
      'sam',
      change(),
      `# orders-api: under its Properties (AWS::Serverless::Function)
VpcConfig:
  SubnetIds:
    - subnet-0aaa
    - subnet-0bbb
  SecurityGroupIds:
    - sg-0ccc
  Ipv6AllowedForDualStack: false`,
    ],
    [
      'sam detach',
      'sam',
      change({ desired: DETACHED }),
      `# orders-api: under its Properties (AWS::Serverless::Function), delete VpcConfig, or set it empty:
VpcConfig:
  SubnetIds: []
  SecurityGroupIds: []
  Ipv6AllowedForDualStack: false`,
    ],
    [
      'cloudformation attach, IPv6 on',
      'cloudformation',
      change({ desired: { ...ATTACH, ipv6AllowedForDualStack: true } }),
      `# orders-api: under its Properties (AWS::Lambda::Function)
VpcConfig:
  SubnetIds:
    - subnet-0aaa
    - subnet-0bbb
  SecurityGroupIds:
    - sg-0ccc
  Ipv6AllowedForDualStack: true`,
    ],
    [
      'cloudformation detach',
      'cloudformation',
      change({ desired: DETACHED }),
      `# orders-api: under its Properties (AWS::Lambda::Function), delete VpcConfig, or set it empty:
VpcConfig:
  SubnetIds: []
  SecurityGroupIds: []
  Ipv6AllowedForDualStack: false`,
    ],
    [
      'serverless attach',
      'serverless',
      change(),
      `# orders-api: under its entry in functions: of serverless.yml (or under provider: for every function)
vpc:
  securityGroupIds:
    - sg-0ccc
  subnetIds:
    - subnet-0aaa
    - subnet-0bbb`,
    ],
    [
      'serverless detach: vpc: ~ overrides the provider',
      'serverless',
      change({ desired: DETACHED }),
      `# orders-api: under its entry in functions: of serverless.yml, delete vpc:; where provider: sets one, override it:
vpc: ~`,
    ],
  ];
  it.each(cases)('%s', (_name, tool, c, expected) => {
    expect(renderSnippet(tool, c)).toBe(expected);
  });

  it.each(EMIT_TOOLS)('%s: every ID of an attach is in the snippet', (tool) => {
    const text = renderSnippet(tool, change());
    for (const id of [...ATTACH.subnetIds, ...ATTACH.securityGroupIds]) expect(text).toContain(id);
  });

  it('serverless with IPv6 on says where the flag goes (serverless.yml vpc: has no key for it)', () => {
    const text = renderSnippet(
      'serverless',
      change({ desired: { ...ATTACH, ipv6AllowedForDualStack: true } }),
    );
    expect(text).toContain('Ipv6AllowedForDualStack: true');
    expect(text).toContain('resources.extensions');
  });

  it('cdk: construct IDs from an ARN use the function name', () => {
    const text = renderSnippet(
      'cdk',
      change({ function: 'arn:aws:lambda:us-east-1:123456789012:function:orders_api' }),
    );
    expect(text).toContain("'OrdersApiSubnet1'");
  });
});

describe('emitReport: a snippet for each function read', () => {
  const result = (fn: string, over: Partial<FunctionResult>): FunctionResult => ({
    ...emptyResult(fn),
    ...over,
  });
  const none = { vpcId: null, subnetIds: [], securityGroupIds: [], ipv6AllowedForDualStack: false };
  const planned = result('planned-fn', {
    outcome: 'planned',
    before: none,
    after: { ...ATTACH, vpcId: null },
  });
  const unchanged = result('unchanged-fn', {
    outcome: 'unchanged',
    before: { ...ATTACH, vpcId: 'vpc-0eee' },
    after: { ...ATTACH, vpcId: 'vpc-0eee' },
  });
  const neverRead = result('missing-fn', { outcome: 'failed' });

  it('a function already as requested gets one, a function never read does not', () => {
    const report = emitReport('cdk', ATTACH, [planned, unchanged, neverRead], undefined);
    expect(report.snippets.map((s) => s.function)).toEqual(['planned-fn', 'unchanged-fn']);
    // No network read: the VPC is known only where the function is already in it.
    expect(report.snippets[0]?.text).toContain("vpcId: 'VPC_ID'");
    expect(report.snippets[1]?.text).toContain("vpcId: 'vpc-0eee'");
  });

  it("the network check's VPC and public subnets reach the CDK snippet", () => {
    const network = {
      checked: true,
      vpc: { id: 'vpc-0ddd' },
      subnets: [
        { id: 'subnet-0aaa', internet: { kind: 'nat' } },
        { id: 'subnet-0bbb', internet: { kind: 'public-no-internet' } },
      ],
    } as unknown as NetworkPreflightJson;
    const [snippet] = emitReport('cdk', ATTACH, [planned], network).snippets;
    expect(snippet?.text).toContain("vpcId: 'vpc-0ddd'");
    expect(snippet?.text).toContain('allowPublicSubnet: true, // subnet-0bbb');
  });
});
