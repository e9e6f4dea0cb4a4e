// The requests whose permission check-perms decides, built from what is known of them: the EC2
// calls Lambda makes with the execution role, and the caller's UpdateFunctionConfiguration.
import { EXECUTION_ROLE_ACTIONS } from './policy-eval.js';
import { type ActionRequest, emptyContext, type RequestFacts } from './request-facts.js';

/** The execution role's six EC2 actions as Lambda sends them, each with its resources and keys. */
export function executionRoleRequests(facts: RequestFacts): ActionRequest[] {
  void facts;
  // Placeholder until the resource model lands: Resource "*" only, as before.
  return EXECUTION_ROLE_ACTIONS.map(({ action }) => ({
    action,
    resources: [{ type: '*', arn: '*', context: emptyContext() }],
    context: emptyContext(),
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
  void facts;
  void config;
  return {
    action: 'lambda:UpdateFunctionConfiguration',
    resources: [{ type: 'function', arn: functionArn ?? '*', context: emptyContext() }],
    context: emptyContext(),
  };
}
