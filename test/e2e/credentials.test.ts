import { afterAll, describe, expect, it } from 'vitest';
import { type FakeAws, type FrontDoorRule, startFakeAws } from '../fake-aws/fake-aws.js';
import { MINIMAL_IDS as I, minimal } from '../fake-aws/scenarios.js';
import { cleanEnv, runBin } from './spawn.js';

// AWS's refusals quote what was signed: the canonical request with the session token, the
// Authorization header with the access key id and the signature. None of it may be printed,
// whatever the service, the output format or --debug.
const TOKEN = 'SECRETTOKEN123IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDabcdefghij+XYZ=';
const SECRET = 'SECRETACCESSKEY456/wJalrXUtnFEMIK7MDENGbPxRfiCY';
/** One key id of the AKIA/ASIA shape, one only known by its value. */
const KEY_IDS = ['ASIASECRETKEYID00000', 'EXAMPLESECRETKEYID99'];

const started: FakeAws[] = [];
afterAll(async () => {
  await Promise.all(started.map((f) => f.close()));
});

async function start(rules: FrontDoorRule[], inVpc = false): Promise<FakeAws> {
  const scenario = minimal();
  scenario.updateDelayMs = 20;
  if (inVpc)
    for (const fn of scenario.functions ?? [])
      fn.VpcConfig = { SubnetIds: [I.subnetA], SecurityGroupIds: [I.sg] };
  const fake = await startFakeAws({ scenario });
  for (const rule of rules) fake.frontDoor.add(rule);
  started.push(fake);
  return fake;
}

const ATTACH = ['attach', I.fn, '--subnets', I.subnetA, '--sg', I.sg];

/** What the CLI was doing, what answered, and the exit code it ends with (status only warns: its network section is skipped). */
const PATHS: Array<[string, string[], FrontDoorRule, number, boolean?]> = [
  [
    'Lambda InvalidSignatureException, status',
    ['status', I.fn],
    { kind: 'signatureMismatch', service: 'lambda' },
    3,
  ],
  ['Lambda InvalidSignatureException, attach', ATTACH, { kind: 'signatureMismatch', service: 'lambda' }, 3],
  [
    'Lambda IncompleteSignatureException, detach',
    ['detach', I.fn],
    { kind: 'incompleteSignature', service: 'lambda' },
    3,
  ],
  [
    'EC2 SignatureDoesNotMatch, attach network check',
    ATTACH,
    { kind: 'signatureMismatch', service: 'ec2' },
    3,
  ],
  [
    'EC2 IncompleteSignature, enis --subnet',
    ['enis', '--subnet', I.subnetA],
    { kind: 'incompleteSignature', service: 'ec2' },
    3,
  ],
  [
    'EC2 SignatureDoesNotMatch, status network section',
    ['status', I.fn],
    { kind: 'signatureMismatch', service: 'ec2' },
    0,
    true,
  ],
  [
    'IAM SignatureDoesNotMatch, check-perms',
    ['check-perms', I.fn],
    { kind: 'signatureMismatch', service: 'iam' },
    3,
  ],
  [
    'STS IncompleteSignature, check-perms',
    ['check-perms', I.fn],
    { kind: 'incompleteSignature', service: 'sts' },
    3,
  ],
];

const MODES: Array<[string, string[]]> = [
  ['human', []],
  ['human --debug', ['--debug']],
  ['json', ['-o', 'json']],
  ['json --debug', ['-o', 'json', '--debug']],
];

describe.concurrent('no credential is ever printed', () => {
  const cases = PATHS.flatMap(([path, args, rule, code, inVpc], i) =>
    MODES.map(([mode, flags], j) => ({
      path,
      mode,
      args,
      rule,
      code,
      inVpc,
      keyId: KEY_IDS[(i + j) % 2] as string,
      flags,
    })),
  );
  it.each(cases)('$path, $mode', async ({ args, rule, code, inVpc, keyId, flags }) => {
    const f = await start([rule], inVpc);
    const r = await runBin(
      [...flags, '--endpoint-url', f.url, ...args],
      cleanEnv({
        AWS_ACCESS_KEY_ID: keyId,
        AWS_SECRET_ACCESS_KEY: SECRET,
        AWS_SESSION_TOKEN: TOKEN,
        AWS_REGION: 'us-east-1',
        AWS_MAX_ATTEMPTS: '1',
        LAMBDA_VPC_POLL_INTERVAL_MS: '20',
      }),
    );
    // The refusal was given, and reported.
    expect(f.requests.some((e) => e.status === 403 || e.status === 400)).toBe(true);
    expect(r.code).toBe(code);
    const printed = r.stdout + r.stderr;
    for (const secret of ['SECRETTOKEN123', 'SECRETACCESSKEY456', keyId])
      expect(printed).not.toContain(secret);
    if (flags.includes('json')) {
      const doc = JSON.parse(r.stdout);
      expect(doc.exitCode).toBe(code);
    }
    // With --debug an error's stack spells out the canonical request or the Authorization header.
    if (flags.includes('--debug') && code !== 0) expect(r.stderr).toContain('[redacted]');
  });
});
