// The SDK mocks and canned answers the command and service tests share.
import { EC2Client } from '@aws-sdk/client-ec2';
import { GetRoleCommand, IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { type FunctionConfiguration, LambdaClient } from '@aws-sdk/client-lambda';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { STSClient } from '@aws-sdk/client-sts';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import { expect, type TestContext } from 'vitest';
import { StubTracker } from './unused-stubs.js';

// mockClient stubs the client class itself, so these catch the clients the code under test
// builds. Each test file gets its own copy of this module (vitest isolates files), hence its
// own mocks; a client a file never sets up answers undefined instead of calling AWS.
export const lambdaMock = mockClient(LambdaClient);
export const ec2Mock = mockClient(EC2Client);
export const iamMock = mockClient(IAMClient);
export const stsMock = mockClient(STSClient);
/** attach reads the Region's network-interface quota: never from real AWS in a test. */
export const quotasMock = mockClient(ServiceQuotasClient);

// biome-ignore lint/suspicious/noExplicitAny: mocks of different clients, as StubTracker takes them.
type AnyMock = AwsStub<any, any, any>;
const MOCKS: AnyMock[] = [lambdaMock, ec2Mock, iamMock, stsMock, quotasMock];
const stubs = new StubTracker();
for (const mock of MOCKS) stubs.track(mock);

/**
 * Adds a mock of a client only some files need (RDS): reset and checked like the ones above,
 * without every test file loading that client.
 */
export function trackAwsMock<T extends AnyMock>(mock: T): T {
  MOCKS.push(mock);
  stubs.track(mock);
  return mock;
}

/** Forgets every stub and call: the start of a test. */
export function resetAwsMocks(): void {
  for (const mock of MOCKS) mock.reset();
  stubs.clear();
}

/**
 * `afterEach(verifyAwsMocks)`: fails the test, naming each, when a stub it set up (in the test
 * or a beforeEach) was never called, or kept answers no call used. A test that failed already
 * is left with its own error.
 */
export function verifyAwsMocks(context?: TestContext): void {
  const unused = stubs.verify();
  if (context?.task.result?.state === 'fail' || unused.length === 0) return;
  throw new Error(`Unused AWS stubs:\n  ${unused.join('\n  ')}`);
}

/**
 * Lets the stubs of these commands set up so far (by the test or its beforeEach) go uncalled;
 * stubs set up after it are still checked. For a stub that must not be called (assert that
 * with commandCalls) or one the test replaces. Say why where it is called.
 */
export const allowUnused: StubTracker['allowUnused'] = (...commands) => stubs.allowUnused(...commands);

/**
 * For a test that proves the CLI stopped before AWS: no call on any client. Nothing was asked,
 * so the stubs set up for the other tests of its group go unused by design.
 */
export function expectNoAwsCall(): void {
  expect(allAwsCalls()).toBe(0);
  stubs.allowAllUnused();
}

/**
 * Runs a helper that fakes a whole service (an EC2 network, the policy simulator): tests that
 * ask it only some questions do not fail the check for the rest.
 */
export const serve: StubTracker['serve'] = (setUp) => stubs.serve(setUp);

/** Every call the code under test made, on all the mocked clients. */
export const allAwsCalls = (): number => MOCKS.reduce((n, mock) => n + mock.calls().length, 0);

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

/** A trust policy that lets Lambda assume the role, as IAM serves it (URL-encoded). */
export const LAMBDA_TRUST_DOCUMENT = encodeURIComponent(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  }),
);

/** GetRole for any role name: a role in 123456789012 that Lambda may assume, with no boundary. */
export function serveRoleRecords(): void {
  serve(() =>
    iamMock.on(GetRoleCommand).callsFake((input: { RoleName: string }) => ({
      Role: {
        RoleName: input.RoleName,
        Path: '/',
        Arn: `arn:aws:iam::123456789012:role/${input.RoleName}`,
        RoleId: 'AROAEXAMPLE',
        CreateDate: new Date(0),
        AssumeRolePolicyDocument: LAMBDA_TRUST_DOCUMENT,
      },
    })),
  );
}

/**
 * The policy simulator, answering every question with simulatorAnswer(deniedActions), and
 * GetRole (serveRoleRecords), which every execution-role check reads for the trust policy.
 */
export function serveSimulator(deniedActions: string[] = []): void {
  serveRoleRecords();
  serve(() => iamMock.on(SimulatePrincipalPolicyCommand).callsFake(simulatorAnswer(deniedActions)));
}
