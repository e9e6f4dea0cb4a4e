/**
 * Which infrastructure-as-code tool deploys a function, told from its tags alone (GetFunction
 * returns them with the configuration). A change made beside that tool is drift: its next
 * deploy reverts it or fights it. Pure: no SDK, no I/O. docs/commands.md#infrastructure-as-code
 * lists the tags recognised and where each comes from.
 */

import type { EmitTool } from './emit.js';

/** The tools recognised are the tools --emit writes for: the hint names the same word. */
export type IacTool = EmitTool;

export interface IacManagement {
  tool: IacTool;
  /** The CloudFormation stack, when the tags name it (Terraform leaves no such name). */
  stack?: string | undefined;
  /** The tag keys that told, as the function has them. */
  evidence: string[];
}

const TOOL_NAMES: Record<IacTool, string> = {
  cloudformation: 'CloudFormation',
  sam: 'AWS SAM',
  cdk: 'the AWS CDK',
  serverless: 'the Serverless Framework',
  terraform: 'Terraform',
};

export const iacToolName = (tool: IacTool): string => TOOL_NAMES[tool];

// CloudFormation tags every resource it creates that supports tags with these (aws: keys cannot be set by users).
const CFN_STACK_NAME = 'aws:cloudformation:stack-name';
const CFN_STACK_ID = 'aws:cloudformation:stack-id';
const CFN_LOGICAL_ID = 'aws:cloudformation:logical-id';
const CFN_KEYS = [CFN_STACK_NAME, CFN_STACK_ID, CFN_LOGICAL_ID];

/** The tags a function carries, told into the tool that manages it; none when nothing tells. */
export function recogniseIac(tags: Readonly<Record<string, string>>): IacManagement | undefined {
  const cfnEvidence = CFN_KEYS.filter((key) => key in tags);
  if (cfnEvidence.length > 0) return cloudFormationFamily(tags, cfnEvidence);
  return terraform(tags);
}

function cloudFormationFamily(tags: Readonly<Record<string, string>>, evidence: string[]): IacManagement {
  const stack = tags[CFN_STACK_NAME] || stackNameOf(tags[CFN_STACK_ID]);
  // The SAM transform adds lambda:createdBy=SAM to the functions it generates.
  if (tags['lambda:createdBy'] === 'SAM')
    return { tool: 'sam', stack, evidence: [...evidence, 'lambda:createdBy'] };
  const cdk = Object.keys(tags).filter((key) => key.startsWith('aws-cdk:'));
  if (cdk.length > 0) return { tool: 'cdk', stack, evidence: [...evidence, ...cdk] };
  // Serverless tags its stack STAGE=<stage> and names it <service>-<stage>; stack tags reach the function.
  const stage = tags.STAGE;
  if (stage && stack?.endsWith(`-${stage}`))
    return { tool: 'serverless', stack, evidence: [...evidence, 'STAGE'] };
  return { tool: 'cloudformation', stack, evidence };
}

/** arn:aws:cloudformation:region:account:stack/NAME/uuid → NAME. */
function stackNameOf(stackId: string | undefined): string | undefined {
  const match = /:stack\/([^/]+)\//.exec(stackId ?? '');
  return match?.[1];
}

/**
 * Terraform leaves no tag of its own. Recognised: the tag terraform-aws-modules/lambda adds by
 * default (include_default_tag), and the two conventions its examples and many modules use.
 */
function terraform(tags: Readonly<Record<string, string>>): IacManagement | undefined {
  const evidence = Object.entries(tags)
    .filter(([key, value]) => {
      const k = key.toLowerCase();
      const v = value.trim().toLowerCase();
      if (k === 'terraform-aws-modules') return true;
      if (k === 'terraform') return v === 'true';
      return (k === 'managedby' || k === 'managed-by' || k === 'managed_by') && v === 'terraform';
    })
    .map(([key]) => key);
  return evidence.length > 0 ? { tool: 'terraform', evidence } : undefined;
}

/** What the tool does with a VpcConfig changed beside it, on its next deploy. */
export function nextDeploy(iac: IacManagement): string {
  if (iac.tool === 'terraform')
    return 'the next terraform plan shows the change as drift, and terraform apply puts the vpc_config of the configuration back';
  const stack = iac.stack ? `stack ${iac.stack}` : 'its stack';
  return `CloudFormation does not know of this change: the next deploy of ${stack} that updates this function writes the template's VpcConfig back (drift)`;
}

/** "stack payments-prod; tags aws:cloudformation:stack-name, STAGE". */
export function describeEvidence(iac: IacManagement): string {
  const stack = iac.stack ? `stack ${iac.stack}; ` : '';
  return `${stack}${iac.evidence.length === 1 ? 'tag' : 'tags'} ${iac.evidence.join(', ')}`;
}
