import {
  type FunctionConfiguration,
  GetFunctionCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Interruption } from '../../src/errors.js';
import {
  awsError,
  ec2Mock,
  expectNoAwsCall,
  getFunctionOutput,
  lambdaMock,
  MY_FN_ARN,
  resetAwsMocks,
  serveSimulator,
  verifyAwsMocks,
} from '../aws-mocks.js';
import { PRIVATE_A as S1, PRIVATE_B as S2, SG_ALL as SG, serveAnyNetwork, VPC_ID } from '../ec2-world.js';
import { runCli } from '../helpers.js';

beforeEach(() => {
  resetAwsMocks();
  // attach checks the network and the execution role first; these tests are about Lambda,
  // so every ID exists and every role may do everything.
  serveAnyNetwork(ec2Mock);
  serveSimulator();
});
afterEach(verifyAwsMocks);

const VPC = {
  VpcId: VPC_ID,
  SubnetIds: [S1, S2],
  SecurityGroupIds: [SG],
  Ipv6AllowedForDualStack: false,
};
const cfg = (over: Partial<FunctionConfiguration> = {}) =>
  getFunctionOutput({ Role: 'arn:aws:iam::123456789012:role/app', ...over });
/** Lambda takes the update and starts applying it; GetFunction answers what happens next. */
const acceptUpdate = (over: Partial<FunctionConfiguration> = {}) =>
  lambdaMock
    .on(UpdateFunctionConfigurationCommand)
    .resolves(cfg({ LastUpdateStatus: 'InProgress', ...over }).Configuration);

describe('attach', () => {
  it('prints before → after and the undo command, and exits 0', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce(cfg())
      .resolvesOnce(cfg({ LastUpdateStatus: 'InProgress', VpcConfig: VPC }))
      .resolves(cfg({ VpcConfig: VPC }));
    acceptUpdate({ VpcConfig: VPC });
    const { code, stdout, stderr } = await runCli([
      '--region',
      'us-east-1',
      'attach',
      'my-fn',
      '--subnets',
      `${S1},${S2}`,
      '--sg',
      SG,
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('✔ my-fn: attached to vpc-0a1b2c3d4e5f60001 (Successful');
    expect(stdout).toContain('before  not in a VPC');
    expect(stdout).toContain(
      `after   vpc-0a1b2c3d4e5f60001 · subnets ${S1}, ${S2} · security groups ${SG} · IPv6 dual-stack off`,
    );
    expect(stdout).toContain('undo    lambda-vpc --region us-east-1 detach my-fn');
    // Not a TTY: progress is plain lines on stderr, one per change of state.
    expect(stderr).toContain('my-fn: Active / InProgress');
    expect(stderr).not.toContain('Error');
  });

  it('prints one JSON document with both configurations and no progress', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce(cfg())
      .resolves(cfg({ VpcConfig: VPC }));
    acceptUpdate({ VpcConfig: VPC });
    const { code, stdout, stderr } = await runCli([
      '--region',
      'us-east-1',
      '-o',
      'json',
      'attach',
      'my-fn',
      '--subnets',
      S1,
      '--subnets',
      S2,
      '--sg',
      SG,
    ]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const doc = JSON.parse(stdout);
    // Preflight checks add their own top-level keys after these (additive to the schema).
    expect(Object.keys(doc).slice(0, 6)).toEqual([
      'schemaVersion',
      'command',
      'exitCode',
      'results',
      'summary',
      'error',
    ]);
    expect(doc).toMatchObject({ schemaVersion: 2, command: 'attach', exitCode: 0, error: null });
    expect(doc.results).toHaveLength(1);
    expect(Object.keys(doc.results[0]).sort()).toEqual(
      [
        'after',
        'before',
        'elapsedMs',
        'error',
        'function',
        'functionArn',
        'notes',
        'outcome',
        'rollback',
        'status',
        'vpc',
        'written',
      ].sort(),
    );
    expect(doc.results[0]).toMatchObject({
      function: 'my-fn',
      functionArn: MY_FN_ARN,
      outcome: 'updated',
      written: true,
      rollback: null,
      before: { vpcId: null, subnetIds: [], securityGroupIds: [], ipv6AllowedForDualStack: false },
      after: {
        vpcId: VPC.VpcId,
        subnetIds: [S1, S2],
        securityGroupIds: [SG],
        ipv6AllowedForDualStack: false,
      },
      status: { state: 'Active', lastUpdateStatus: 'Successful' },
    });
  });

  it('is a no-op when re-run, and says so', async () => {
    lambdaMock.on(GetFunctionCommand).resolves(cfg({ VpcConfig: VPC }));
    const { code, stdout } = await runCli([
      '--region',
      'us-east-1',
      'attach',
      'my-fn',
      '--subnets',
      `${S2},${S1}`,
      '--sg',
      SG,
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('my-fn: unchanged, already attached as requested');
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it('exits 6 with the reason code and remedy when the update fails', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce(cfg())
      .resolves(
        cfg({
          VpcConfig: VPC,
          LastUpdateStatus: 'Failed',
          LastUpdateStatusReasonCode: 'InsufficientRolePermissions',
          LastUpdateStatusReason:
            'The provided execution role does not have permissions to call CreateNetworkInterface on EC2',
        }),
      );
    acceptUpdate();
    const { code, stdout, stderr } = await runCli([
      '--region',
      'us-east-1',
      'attach',
      'my-fn',
      '--subnets',
      S1,
      '--sg',
      SG,
    ]);
    expect(code).toBe(6);
    expect(stdout).toContain('✖ my-fn: update failed');
    expect(stdout).toContain('before  not in a VPC');
    expect(stderr).toContain(
      'Error: my-fn: update failed: InsufficientRolePermissions: The provided execution role does not have permissions',
    );
    expect(stderr).toContain(
      'aws iam attach-role-policy --role-name app --policy-arn arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
    );
  });

  it('exits 7 on timeout and tells how to resume', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce(cfg())
      .resolves(cfg({ LastUpdateStatus: 'InProgress' }));
    acceptUpdate();
    const { code, stderr } = await runCli([
      '--region',
      'us-east-1',
      'attach',
      'my-fn',
      '--subnets',
      S1,
      '--sg',
      SG,
      '--timeout',
      '30s',
    ]);
    expect(code).toBe(7);
    expect(stderr).toContain(
      'Error: Timed out waiting for my-fn to settle (last seen: Active / InProgress).',
    );
    expect(stderr).toContain('Resume waiting with: lambda-vpc --region us-east-1 status my-fn --wait');
  });

  it('shows the plan and writes nothing with --dry-run', async () => {
    lambdaMock.on(GetFunctionCommand).resolves(cfg());
    const { code, stdout } = await runCli([
      '--region',
      'us-east-1',
      'attach',
      'my-fn',
      '--subnets',
      S1,
      '--sg',
      SG,
      '--dry-run',
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('my-fn: would attach (dry run, nothing written)');
    expect(stdout).toContain(`after   VPC set by AWS from the subnets · subnets ${S1}`);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it('gives the worst exit code across functions and keeps going after one fails', async () => {
    lambdaMock
      .on(GetFunctionCommand, { FunctionName: 'missing' })
      .rejects(awsError('ResourceNotFoundException', 404, { message: 'Function not found: missing' }));
    lambdaMock.on(GetFunctionCommand, { FunctionName: 'my-fn' }).resolves(cfg({ VpcConfig: VPC }));
    const { code, stdout } = await runCli([
      '--region',
      'us-east-1',
      '-o',
      'json',
      'attach',
      'missing',
      'my-fn',
      '--subnets',
      `${S1},${S2}`,
      '--sg',
      SG,
    ]);
    expect(code).toBe(5);
    const doc = JSON.parse(stdout);
    expect(doc.exitCode).toBe(5);
    expect(doc.results.map((r: { outcome: string }) => r.outcome)).toEqual(['failed', 'unchanged']);
    expect(doc.results[0].error).toMatchObject({ code: 'NotFound', exitCode: 5 });
  });
});

describe('detach', () => {
  it('explains what happens to the network interfaces', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce(cfg({ VpcConfig: VPC }))
      .resolves(cfg({ VpcConfig: { SubnetIds: [], SecurityGroupIds: [], VpcId: '' } }));
    acceptUpdate();
    const { code, stdout, stderr } = await runCli(['--region', 'us-east-1', 'detach', 'my-fn']);
    expect(code).toBe(0);
    expect(stdout).toContain('✔ my-fn: detached from the VPC');
    expect(stdout).toContain(
      `undo    lambda-vpc --region us-east-1 attach my-fn --subnets ${S1},${S2} --sg ${SG}`,
    );
    expect(stderr).toContain("Lambda deletes the function's network interfaces within about 20 minutes");
    expect(stderr).toContain("Keep the execution role's EC2 permissions until then");
  });

  it('leaves a function that is not in a VPC alone', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .resolves(cfg({ VpcConfig: { SubnetIds: [], SecurityGroupIds: [], VpcId: '' } }));
    const { code, stdout } = await runCli(['--region', 'us-east-1', 'detach', 'my-fn']);
    expect(code).toBe(0);
    expect(stdout).toContain('my-fn: unchanged, not in a VPC');
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });
});

describe('status', () => {
  it('shows the VPC, State and LastUpdateStatus with reasons', async () => {
    lambdaMock.on(GetFunctionCommand).resolves(
      cfg({
        VpcConfig: VPC,
        State: 'Pending',
        StateReason: 'The function is being created.',
        StateReasonCode: 'Creating',
        LastUpdateStatus: 'InProgress',
      }),
    );
    const { code, stdout } = await runCli(['--region', 'us-east-1', 'status', 'my-fn']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/VPC\s+vpc-0a1b2c3d4e5f60001/);
    expect(stdout).toMatch(/state\s+Pending: The function is being created\. \(Creating\)/);
    expect(stdout).toMatch(/last update\s+InProgress/);
  });

  it('--wait blocks until settled and exits 6 when the update failed', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce(cfg({ LastUpdateStatus: 'InProgress' }))
      .resolves(
        cfg({
          LastUpdateStatus: 'Failed',
          LastUpdateStatusReasonCode: 'SubnetOutOfIPAddresses',
          LastUpdateStatusReason: 'no addresses',
        }),
      );
    const { code, stdout, stderr } = await runCli([
      '--region',
      'us-east-1',
      '-o',
      'json',
      'status',
      'my-fn',
      '--wait',
    ]);
    expect(code).toBe(6);
    expect(stderr).toContain('Error: my-fn: update failed: SubnetOutOfIPAddresses: no addresses');
    expect(JSON.parse(stdout).results[0]).toMatchObject({
      outcome: 'status',
      status: { lastUpdateStatus: 'Failed' },
      error: { code: 'UpdateFailed', exitCode: 6 },
    });
  });

  it('passes the qualifier to GetFunction', async () => {
    lambdaMock.on(GetFunctionCommand).resolves(cfg({ Version: '3' }));
    const { code } = await runCli(['--region', 'us-east-1', 'status', 'my-fn', '--qualifier', '3']);
    expect(code).toBe(0);
    expect(lambdaMock.commandCalls(GetFunctionCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'my-fn',
      Qualifier: '3',
    });
  });

  it('exits 130 when interrupted while waiting', async () => {
    lambdaMock.on(GetFunctionCommand).resolves(cfg({ LastUpdateStatus: 'InProgress' }));
    const controller = new AbortController();
    controller.abort();
    const { code, stderr } = await runCli(['--region', 'us-east-1', 'status', 'my-fn', '--wait'], {
      signal: controller.signal,
    });
    expect(code).toBe(130);
    expect(stderr).toContain('Follow it with: lambda-vpc --region us-east-1 status my-fn --wait');
  });

  it('exits 143 when terminated while waiting, and the JSON document says so', async () => {
    lambdaMock.on(GetFunctionCommand).resolves(cfg({ LastUpdateStatus: 'InProgress' }));
    const controller = new AbortController();
    controller.abort(new Interruption('SIGTERM'));
    const { code, stdout, stderr } = await runCli(
      ['--region', 'us-east-1', '-o', 'json', 'status', 'my-fn', '--wait'],
      { signal: controller.signal },
    );
    expect(code).toBe(143);
    expect(stderr).toContain("Any update already sent continues on AWS's side. Follow it with:");
    expect(JSON.parse(stdout)).toMatchObject({
      exitCode: 143,
      results: [{ outcome: 'failed', error: { code: 'Interrupted', exitCode: 143 } }],
      summary: { total: 1, outcomes: { failed: 1 } },
    });
  });
});

describe('attach stopped after its update was sent', () => {
  it('Ctrl-C after a write whose answer was lost: interrupted, may have been written, with the undo', async () => {
    const controller = new AbortController();
    lambdaMock.on(GetFunctionCommand).resolves(cfg());
    lambdaMock.on(UpdateFunctionConfigurationCommand).callsFake(() => {
      controller.abort();
      throw awsError('ServiceException', 500, { $fault: 'server' });
    });
    const args = ['--region', 'us-east-1', 'attach', 'my-fn', '--subnets', S1, '--sg', SG];
    const human = await runCli(args, { signal: controller.signal });
    expect(human.code).toBe(130);
    expect(human.stdout).toContain(
      'my-fn: interrupted, may have been written (no answer to the update came back)',
    );
    expect(human.stdout).toContain('undo    lambda-vpc --region us-east-1 detach my-fn');
    expect(human.stdout).not.toContain('failed');
  });

  it('Ctrl-C while waiting out an earlier update, before any write: failed, nothing written', async () => {
    const controller = new AbortController();
    controller.abort();
    lambdaMock.on(GetFunctionCommand).resolves(cfg({ LastUpdateStatus: 'InProgress' }));
    const { code, stdout } = await runCli(
      ['--region', 'us-east-1', '-o', 'json', 'attach', 'my-fn', '--subnets', S1, '--sg', SG],
      { signal: controller.signal },
    );
    expect(code).toBe(130);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
    expect(JSON.parse(stdout).results[0]).toMatchObject({ outcome: 'failed', written: false });
  });
});

describe('bad input: one line, exit 2, no AWS call', () => {
  it.each([
    [
      ['attach', 'my-fn', '--subnets', 'subnet-bad', '--sg', SG],
      "Error: 'subnet-bad' is not a valid subnet ID (expected e.g. subnet-0123456789abcdef0).",
    ],
    [
      ['attach', 'my-fn', '--subnets', S1, '--sg', 'sg-x'],
      "Error: 'sg-x' is not a valid security group ID (expected e.g. sg-0123456789abcdef0).",
    ],
    [
      ['attach', 'my-fn', '--subnets', S1],
      'Error: attach needs --sg (security groups), or --vpc with --create-sg.',
    ],
    [
      ['attach', 'my-fn', '--sg', SG],
      'Error: attach needs the network: --vpc (lambda-vpc chooses the subnets), --subnets with --sg, or --like FUNCTION.',
    ],
    [
      ['attach', 'my-fn:4', '--subnets', S1, '--sg', SG],
      "Error: attach changes $LATEST only, but 'my-fn:4' names a version or alias.",
    ],
    [
      ['detach', 'my-fn:live'],
      "Error: detach changes $LATEST only, but 'my-fn:live' names a version or alias.",
    ],
    [
      ['attach', 'bad name', '--subnets', S1, '--sg', SG],
      "Error: 'bad name' is not a Lambda function name or ARN.",
    ],
    [['detach', 'my-fn', '--timeout', 'soon'], "Error: --timeout 'soon' is not a duration."],
    [['status', 'my-fn', '--frobnicate'], "Error: Unknown option '--frobnicate'"],
    [['attach'], 'Error: Name at least one function, or use --functions-file.'],
    [['status'], 'Error: Name at least one function, or use --all or --functions-file.'],
    [
      ['detach', '--functions-file', '-'],
      'Error: --functions-file - reads the list from stdin, but stdin is a terminal.',
    ],
    [
      ['detach', 'my-fn', '--concurrency', '0'],
      "Error: --concurrency must be a whole number from 1 to 500, got '0'.",
    ],
    [
      ['--get-function-rate', '101', 'status', 'my-fn'],
      "Error: --get-function-rate must be a whole number from 1 to 100, got '101'.",
    ],
    [['status', '--subnet', S1], 'Error: --subnet filters --all: add --all.'],
    [
      ['status', '--all', '--qualifier', '3'],
      'Error: --qualifier works with named functions, not with --all.',
    ],
    [['explode'], "Error: Unknown command 'explode'"],
    [['--region', 'mars', 'status', 'my-fn'], "Error: 'mars' is not an AWS region name."],
    [
      ['--endpoint-url', 'ftp://x', 'status', 'my-fn'],
      "Error: --endpoint-url must use http or https, got 'ftp:'.",
    ],
    [
      ['-o', 'yaml', 'status', 'my-fn'],
      "Error: Option '-o, --output <format>' argument 'yaml' is invalid. Allowed choices are human, json.",
    ],
    [
      ['attach', 'arn:aws:lambda:eu-west-1:123456789012:function:f', '--subnets', S1, '--sg', SG],
      "Error: 'arn:aws:lambda:eu-west-1:123456789012:function:f' is in eu-west-1, but the region in use is us-east-1.",
    ],
    [
      ['attach', 'arn:aws-cn:lambda:us-east-1:123456789012:function:f', '--subnets', S1, '--sg', SG],
      "Error: 'arn:aws-cn:lambda:us-east-1:123456789012:function:f' is an ARN of the aws-cn partition, but the region in use, us-east-1, is in aws.",
    ],
    [
      ['--region', 'us-gov-west-1', 'status', 'arn:aws:lambda:us-gov-west-1:123456789012:function:f'],
      "Error: 'arn:aws:lambda:us-gov-west-1:123456789012:function:f' is an ARN of the aws partition, but the region in use, us-gov-west-1, is in aws-us-gov.",
    ],
  ])('%j', async (argv, firstLine) => {
    const withRegion = argv[0] === '--region' ? argv : ['--region', 'us-east-1', ...argv];
    const { code, stdout, stderr } = await runCli(withRegion);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toBe(firstLine);
    expect(stderr.split('\n').filter(Boolean).length).toBeLessThanOrEqual(2);
    expectNoAwsCall();
  });

  it('gives the usage error as a JSON document with --output json', async () => {
    const { code, stdout } = await runCli([
      '--region',
      'us-east-1',
      '--output',
      'json',
      'attach',
      'my-fn',
      '--subnets',
      'nope',
      '--sg',
      SG,
    ]);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toEqual({
      schemaVersion: 2,
      command: 'attach',
      exitCode: 2,
      results: [],
      summary: { total: 0, outcomes: {} },
      error: {
        code: 'Usage',
        exitCode: 2,
        message:
          "'nope' is not a subnet ID (e.g. subnet-0a1b2c3d4e5f60001), name:VALUE or tag:KEY=VALUE (--subnets).",
        hint: null,
      },
    });
    expectNoAwsCall();
  });
});

describe('help and version', () => {
  it('prints help with examples and exit codes, exit 0', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: lambda-vpc [options] [command]');
    expect(stdout).toContain('Exit codes:');
    for (const sub of ['attach', 'detach', 'status']) {
      const help = await runCli([sub, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Examples:');
      expect(help.stdout).toContain('--endpoint-url <url>');
    }
  });

  it('prints the package version', async () => {
    const { code, stdout } = await runCli(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
