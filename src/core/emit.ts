import { type DesiredVpc, isInVpc } from './plan.js';

/** The tools `--emit` writes the change for. */
export const EMIT_TOOLS = ['terraform', 'cdk', 'sam', 'serverless', 'cloudformation'] as const;
export type EmitTool = (typeof EMIT_TOOLS)[number];

/** One function's change, as the tool that manages it would write it. */
export interface EmitChange {
  function: string;
  /** What the run asked for: the same IDs whether the function already has them or not. */
  desired: DesiredVpc;
  /** The VPC of the subnets, when the run read it (CDK needs the VPC itself). */
  vpcId: string | null;
  /** The subnets that route 0.0.0.0/0 to an internet gateway (CDK refuses them without allowPublicSubnet). */
  publicSubnetIds: readonly string[];
}

/**
 * The snippet that makes `change` in `tool`'s own source, with the IDs of the change. Pure text:
 * each starts with a comment naming the function and where the snippet goes.
 */
export function renderSnippet(tool: EmitTool, change: EmitChange): string {
  const attaching = isInVpc(change.desired);
  return RENDERERS[tool][attaching ? 'attach' : 'detach'](change);
}

type Renderer = (change: EmitChange) => string;

const RENDERERS: Record<EmitTool, { attach: Renderer; detach: Renderer }> = {
  terraform: {
    attach: ({ function: fn, desired: d }) =>
      lines(
        `# ${fn}: in its aws_lambda_function resource`,
        'vpc_config {',
        `  subnet_ids                  = ${hclList(d.subnetIds)}`,
        `  security_group_ids          = ${hclList(d.securityGroupIds)}`,
        `  ipv6_allowed_for_dual_stack = ${d.ipv6AllowedForDualStack}`,
        '}',
        '# with terraform-aws-modules/lambda/aws, the module inputs instead:',
        `#   vpc_subnet_ids              = ${hclList(d.subnetIds)}`,
        `#   vpc_security_group_ids      = ${hclList(d.securityGroupIds)}`,
        `#   ipv6_allowed_for_dual_stack = ${d.ipv6AllowedForDualStack}`,
      ),
    // The aws provider treats a vpc_config whose lists are empty as unset, and sends empty lists
    // when the block is removed: either detaches the function.
    detach: ({ function: fn }) =>
      lines(
        `# ${fn}: in its aws_lambda_function resource, delete the vpc_config block, or leave it empty:`,
        'vpc_config {',
        '  subnet_ids                  = []',
        '  security_group_ids          = []',
        '  ipv6_allowed_for_dual_stack = false',
        '}',
      ),
  },
  cdk: {
    attach: (change) => {
      const { function: fn, desired: d } = change;
      const id = constructId(fn);
      const publicOnes = d.subnetIds.filter((s) => change.publicSubnetIds.includes(s));
      return lines(
        `// ${fn}: in its lambda.Function props (Vpc, Subnet, SecurityGroup from 'aws-cdk-lib/aws-ec2')`,
        change.vpcId
          ? `vpc: Vpc.fromLookup(this, '${id}Vpc', { vpcId: '${change.vpcId}' }),`
          : `vpc: Vpc.fromLookup(this, '${id}Vpc', { vpcId: 'VPC_ID' }), // the VPC of ${d.subnetIds[0]}: not read in this run`,
        'vpcSubnets: {',
        '  subnets: [',
        ...d.subnetIds.map((s, i) => `    Subnet.fromSubnetId(this, '${id}Subnet${i + 1}', '${s}'),`),
        '  ],',
        '},',
        'securityGroups: [',
        ...d.securityGroupIds.map(
          (g, i) => `  SecurityGroup.fromSecurityGroupId(this, '${id}SecurityGroup${i + 1}', '${g}'),`,
        ),
        '],',
        ...(publicOnes.length > 0
          ? [`allowPublicSubnet: true, // ${publicOnes.join(', ')}: public, no internet from Lambda there`]
          : []),
        ...(d.ipv6AllowedForDualStack ? ['ipv6AllowedForDualStack: true,'] : []),
      );
    },
    detach: ({ function: fn }) =>
      lines(
        `// ${fn}: in its lambda.Function props, remove these (CDK then synthesizes no VpcConfig):`,
        '//   vpc, vpcSubnets, securityGroups, allowPublicSubnet, ipv6AllowedForDualStack',
      ),
  },
  sam: {
    attach: ({ function: fn, desired }) =>
      lines(`# ${fn}: under its Properties (AWS::Serverless::Function)`, ...vpcConfigYaml(desired)),
    detach: ({ function: fn }) =>
      lines(
        `# ${fn}: under its Properties (AWS::Serverless::Function), delete VpcConfig, or set it empty:`,
        ...vpcConfigYaml(emptyVpc),
      ),
  },
  cloudformation: {
    attach: ({ function: fn, desired }) =>
      lines(`# ${fn}: under its Properties (AWS::Lambda::Function)`, ...vpcConfigYaml(desired)),
    detach: ({ function: fn }) =>
      lines(
        `# ${fn}: under its Properties (AWS::Lambda::Function), delete VpcConfig, or set it empty:`,
        ...vpcConfigYaml(emptyVpc),
      ),
  },
  serverless: {
    attach: ({ function: fn, desired: d }) =>
      lines(
        `# ${fn}: under its entry in functions: of serverless.yml (or under provider: for every function)`,
        'vpc:',
        '  securityGroupIds:',
        ...d.securityGroupIds.map((g) => `    - ${g}`),
        '  subnetIds:',
        ...d.subnetIds.map((s) => `    - ${s}`),
        ...(d.ipv6AllowedForDualStack
          ? [
              '# IPv6 dual-stack is not a key of vpc: here; set VpcConfig.Ipv6AllowedForDualStack: true',
              "# on the function's resource under resources.extensions.",
            ]
          : []),
      ),
    detach: ({ function: fn }) =>
      lines(
        `# ${fn}: under its entry in functions: of serverless.yml, delete vpc:; where provider: sets one, override it:`,
        'vpc: ~',
      ),
  },
};

const emptyVpc: DesiredVpc = { subnetIds: [], securityGroupIds: [], ipv6AllowedForDualStack: false };

// Empty lists with IPv6 off, as lambda-vpc sends them: deleting VpcConfig from a template whose
// function had IPv6 dual-stack on is refused by Lambda ("Ipv6AllowedForDualStack cannot be true
// without subnet or security groups").
function vpcConfigYaml(d: DesiredVpc): string[] {
  const list = (ids: readonly string[]) => (ids.length === 0 ? [] : ids.map((id) => `    - ${id}`));
  return [
    'VpcConfig:',
    `  SubnetIds:${d.subnetIds.length === 0 ? ' []' : ''}`,
    ...list(d.subnetIds),
    `  SecurityGroupIds:${d.securityGroupIds.length === 0 ? ' []' : ''}`,
    ...list(d.securityGroupIds),
    `  Ipv6AllowedForDualStack: ${d.ipv6AllowedForDualStack}`,
  ];
}

const lines = (...text: string[]) => text.join('\n');

const hclList = (ids: readonly string[]) => `[${ids.map((id) => `"${id}"`).join(', ')}]`;

/** A construct ID from a function name: its words in PascalCase ("orders-api" → "OrdersApi"). */
function constructId(fn: string): string {
  const name = fn.includes(':function:') ? (fn.split(':function:')[1] ?? fn) : fn;
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join('');
}

/** The document's `emit` section when --emit was given: one snippet per function read. */
export interface EmitReport {
  checked: true;
  tool: EmitTool;
  snippets: { function: string; text: string }[];
}
