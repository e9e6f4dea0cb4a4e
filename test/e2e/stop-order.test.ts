import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../fake-aws/fake-aws.js';
import { demo, DEMO_IDS as I } from '../fake-aws/scenarios.js';
import { cleanEnv, runBin } from './spawn.js';

// When attach's network check stops the command, the error is what the user must act on: it
// comes alone on stderr, and what the check found stays in the JSON document.
let fake: FakeAws;
beforeAll(async () => {
  fake = await startFakeAws({ scenario: demo() });
});
afterAll(() => fake.close());

const env = cleanEnv({ AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret' });
const globals = () => ['--endpoint-url', fake.url, '--region', 'us-east-1'];

describe('the error that stops attach comes alone', () => {
  it('subnets in two VPCs: the error first, no verdict line nor warning about what will not be written', async () => {
    const subnets = `${I.publicSubnet},${I.dedicatedSubnet}`;
    const args = [...globals(), 'attach', 'orders-api', '--subnets', subnets, '--sg', I.sgAllEgress];
    const { code, stderr, stdout } = await runBin(args, env);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^Error: VPC vpc-\w+ has dedicated instance tenancy/);
    expect(stderr).not.toContain('Warning:');
    expect(stderr).not.toContain('Network check:');
    expect(stdout).toBe('');
    // The document keeps what was found.
    const json = await runBin([...args, '--output', 'json'], env);
    const codes = JSON.parse(json.stdout).network.findings.map((f: { code: string }) => f.code);
    expect(codes).toEqual(expect.arrayContaining(['MIXED_VPCS', 'PUBLIC_SUBNET_NO_INTERNET']));
  });

  it('a subnet that does not exist: the error alone', async () => {
    const missing = 'subnet-0123456789abcdef9';
    const args = [
      ...globals(),
      'attach',
      'orders-api',
      '--subnets',
      `${I.publicSubnet},${missing}`,
      '--sg',
      I.sgAllEgress,
    ];
    const { code, stderr } = await runBin(args, env);
    expect(code).toBe(5);
    expect(stderr).toBe(
      `Error: Not found in region us-east-1: subnet ${missing}.\n` +
        'Hint: Check the IDs, the account and the region (pass --region to change it). Nothing was written.\n',
    );
  });
});
