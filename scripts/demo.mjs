// `npm run demo`: the main job, end to end, with no AWS account. Starts the local fake AWS
// seeded with a realistic network and runs the real CLI through a short story.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startFakeAwsProcess } from './fake-aws.mjs';

const bin = fileURLToPath(new URL('../bin/lambda-vpc.cjs', import.meta.url));
const PRIVATE_A = 'subnet-0a1b2c3d4e5f60011';
const PRIVATE_B = 'subnet-0a1b2c3d4e5f60012';
const PUBLIC = 'subnet-0a1b2c3d4e5f60021';
const SG = 'sg-0a1b2c3d4e5f60081';

const { url, stop } = await startFakeAwsProcess();
const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'demo',
  AWS_SECRET_ACCESS_KEY: 'demo',
  AWS_REGION: 'us-east-1',
  // The SDK's own variable: every AWS call goes to the local fake.
  AWS_ENDPOINT_URL: url,
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_EC2_METADATA_DISABLED: 'true',
};

const bold = (s) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[0m` : s);
let failed = false;
function step(title, args, expectedExit = 0) {
  console.log(`\n${bold(`# ${title}`)}\n${bold(`$ lambda-vpc ${args.join(' ')}`)}`);
  const { status } = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit', env });
  if (status !== expectedExit) {
    failed = true;
    console.log(`(exit ${status}, expected ${expectedExit})`);
  } else if (status !== 0) {
    console.log(`(exit ${status}, as expected)`);
  }
}

try {
  console.log(`Local fake AWS at ${url} (no AWS account is used). Updates take about 2.5 s here.`);
  step('Where do the functions stand?', ['status', 'orders-api', 'reports-job']);
  step('Can the execution role and I do this? (both principals, before anything changes)', [
    'check-perms',
    'orders-api',
  ]);
  step(
    'A role without the VPC permissions: what is missing and the exact fix',
    ['check-perms', 'legacy-worker'],
    4,
  );
  step('See what attach would change, without writing', [
    'attach',
    'orders-api',
    '--subnets',
    `${PRIVATE_A},${PRIVATE_B}`,
    '--sg',
    SG,
    '--dry-run',
  ]);
  step('Attach to two private subnets with a NAT gateway, and wait until settled', [
    'attach',
    'orders-api',
    '--subnets',
    `${PRIVATE_A},${PRIVATE_B}`,
    '--sg',
    SG,
  ]);
  step('Running it again is safe: nothing to change', [
    'attach',
    'orders-api',
    '--subnets',
    `${PRIVATE_B},${PRIVATE_A}`,
    '--sg',
    SG,
  ]);
  step(
    'attach checks the role first and stops before writing',
    ['attach', 'legacy-worker', '--subnets', PRIVATE_A, '--sg', SG],
    4,
  );
  step('A public subnet gives a Lambda function no internet access', [
    'attach',
    'reports-job',
    '--subnets',
    PUBLIC,
    '--sg',
    SG,
  ]);
  step('The same in JSON, for scripts', ['--output', 'json', 'status', 'reports-job']);
  step('Take it out of the VPC again', ['detach', 'reports-job']);
} finally {
  stop();
}
console.log(
  failed
    ? '\nThe demo did not go as expected (see above).'
    : '\nThat was the real CLI against a local fake AWS. Explore by hand: npm run fake-aws',
);
process.exitCode = failed ? 1 : 0;
