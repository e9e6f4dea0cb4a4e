// The SDK mocks and canned answers the command and service tests share.
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { type FunctionConfiguration, LambdaClient } from '@aws-sdk/client-lambda';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';

// mockClient stubs the client class itself, so these catch the clients the code under test
// builds. Each test file gets its own copy of this module (vitest isolates files), hence its
// own mocks; a client a file never sets up answers undefined instead of calling AWS.
export const lambdaMock = mockClient(LambdaClient);
export const ec2Mock = mockClient(EC2Client);
export const iamMock = mockClient(IAMClient);
export const stsMock = mockClient(STSClient);

export function resetAwsMocks(): void {
  for (const mock of [lambdaMock, ec2Mock, iamMock, stsMock]) mock.reset();
}

export const MY_FN_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:my-fn';
export const VPC_ACCESS_POLICY = 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole';

/** my-fn, settled and not in a VPC, unless `over` says otherwise. */
export const functionConfig = (over: Partial<FunctionConfiguration> = {}): FunctionConfiguration => ({
  FunctionName: 'my-fn',
  FunctionArn: MY_FN_ARN,
  State: 'Active',
  LastUpdateStatus: 'Successful',
  RevisionId: 'r1',
  ...over,
});

/** GetFunction's answer for functionConfig(over). */
export const getFunctionOutput = (over: Partial<FunctionConfiguration> = {}) => ({
  Configuration: functionConfig(over),
});

/** An error shaped like the SDK's service exceptions; the code matches on name and $metadata. */
export const awsError = (name: string, status = 403, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status }, ...extra });

/** The policy simulator's verdicts: every action asked about is allowed but `deniedActions`. */
export const simulatorAnswer =
  (deniedActions: string[] = []) =>
  (input: { ActionNames: string[] }) => ({
    EvaluationResults: input.ActionNames.map((EvalActionName) => ({
      EvalActionName,
      EvalDecision: deniedActions.includes(EvalActionName) ? 'implicitDeny' : 'allowed',
    })),
  });

export function serveSimulator(deniedActions: string[] = []): void {
  iamMock.on(SimulatePrincipalPolicyCommand).callsFake(simulatorAnswer(deniedActions));
}
