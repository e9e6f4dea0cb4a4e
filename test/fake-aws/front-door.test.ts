import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { failure } from './clients.js';
import { type FakeAws, startFakeAws } from './fake-aws.js';
import { minimal } from './scenarios.js';

let fake: FakeAws;
afterEach(async () => {
  await fake?.close();
});

const credentials = {
  accessKeyId: 'ASIAFRONTDOORKEYID00',
  secretAccessKey: 'front-door-secret-access-key',
  sessionToken: 'SECRETTOKEN123frontdoor',
};
const config = (url: string) => ({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });

describe('the front door: answers before the service does', () => {
  it('badGateway: a 502 HTML page, which the SDK cannot read as Lambda JSON', async () => {
    fake = await startFakeAws({ scenario: minimal() });
    fake.frontDoor.add({
      kind: 'badGateway',
      service: 'lambda',
      operation: 'GetFunction',
      skip: 1,
      times: 1,
    });
    const lambda = new LambdaClient(config(fake.url));
    await lambda.send(new GetFunctionCommand({ FunctionName: 'my-fn' }));
    const err = await failure(lambda.send(new GetFunctionCommand({ FunctionName: 'my-fn' })));
    expect(err.name).toBe('SyntaxError');
    expect(err.message).toMatch(/^Unexpected token '<'/);
    expect(err.$metadata.httpStatusCode).toBe(502);
    await lambda.send(new GetFunctionCommand({ FunctionName: 'my-fn' }));
    expect(fake.requests.map((r) => r.status)).toEqual([200, 502, 200]);
  });

  it('signatureMismatch: the canonical request, session token and all, in each protocol', async () => {
    fake = await startFakeAws({ scenario: minimal() });
    fake.frontDoor.add({ kind: 'signatureMismatch' });
    const lambda = await failure(
      new LambdaClient(config(fake.url)).send(new GetFunctionCommand({ FunctionName: 'my-fn' })),
    );
    expect(lambda.name).toBe('InvalidSignatureException');
    expect(lambda.$metadata.httpStatusCode).toBe(403);
    expect(lambda.message).toContain('The Canonical String for this request should have been');
    expect(lambda.message).toContain("'GET\n/2015-03-31/functions/my-fn\n");
    expect(lambda.message).toContain(`x-amz-security-token:${credentials.sessionToken}\n`);
    for (const send of [
      () => new EC2Client(config(fake.url)).send(new DescribeVpcsCommand({})),
      () => new IAMClient(config(fake.url)).send(new GetRoleCommand({ RoleName: 'r' })),
      () => new STSClient(config(fake.url)).send(new GetCallerIdentityCommand({})),
    ]) {
      const err = await failure(send());
      expect(err.name).toBe('SignatureDoesNotMatch');
      expect(err.message).toContain(`x-amz-security-token:${credentials.sessionToken}`);
    }
  });

  it('incompleteSignature: the Authorization header quoted, key id and signature', async () => {
    fake = await startFakeAws({ scenario: minimal() });
    fake.frontDoor.add({ kind: 'incompleteSignature', service: 'lambda' });
    const err = await failure(
      new LambdaClient(config(fake.url)).send(new GetFunctionCommand({ FunctionName: 'my-fn' })),
    );
    expect(err.name).toBe('IncompleteSignatureException');
    expect(err.message).toContain(`Credential=${credentials.accessKeyId}/`);
    expect(err.message).toMatch(/Signature=[0-9a-f]{64}/);
  });
});
