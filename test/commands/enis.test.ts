import { DescribeNetworkInterfacesCommand, type Filter, type NetworkInterface } from '@aws-sdk/client-ec2';
import {
  type FunctionConfiguration,
  GetFunctionCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  allowUnused,
  awsError,
  ec2Mock,
  expectNoAwsCall,
  functionConfig,
  getFunctionOutput,
  lambdaMock,
  resetAwsMocks,
  serve,
  verifyAwsMocks,
} from '../aws-mocks.js';
import { denied, PRIVATE_A as S1, PRIVATE_B as S2, SG_ALL as SG, serveAnyNetwork } from '../ec2-world.js';
import { fakeClock, runCli } from '../helpers.js';

const SG2 = 'sg-0a1b2c3d4e5f60082';
const ENI_A = 'eni-0a1b2c3d4e5f60101';
const ENI_B = 'eni-0a1b2c3d4e5f60102';
const OLD_ENI = 'eni-0a1b2c3d4e5f60199';
const REGION = ['--region', 'us-east-1'];
/** fakeClock starts at 1_000_000 ms after the epoch; interfaces are dated relative to that. */
const attachedAgo = (minutes: number) => new Date(1_000_000 - minutes * 60_000);

const lambdaEni = (id: string, subnet: string, groups: string[], minutesOld = 60): NetworkInterface => ({
  NetworkInterfaceId: id,
  SubnetId: subnet,
  AvailabilityZone: subnet === S1 ? 'us-east-1a' : 'us-east-1b',
  PrivateIpAddress: '10.0.1.17',
  Status: 'in-use',
  Groups: groups.map((GroupId) => ({ GroupId })),
  Description: `AWS Lambda VPC ENI-my-fn-${id}`,
  InterfaceType: 'lambda',
  Attachment: { AttachTime: attachedAgo(minutesOld) },
});

/** EC2's answer to DescribeNetworkInterfaces over `world`, honouring the filters we send. */
function serveEnis(world: NetworkInterface[]) {
  const values = (filters: Filter[] | undefined, name: string) =>
    filters?.find((f) => f.Name === name)?.Values;
  serve(() =>
    ec2Mock.on(DescribeNetworkInterfacesCommand).callsFake(({ Filters }: { Filters?: Filter[] }) => {
      const subnets = values(Filters, 'subnet-id');
      const ids = values(Filters, 'network-interface-id');
      const groups = values(Filters, 'group-id');
      const lambdaOnly = values(Filters, 'description') !== undefined;
      return {
        NetworkInterfaces: world.filter(
          (e) =>
            (!subnets || subnets.includes(e.SubnetId ?? '')) &&
            (!ids || ids.includes(e.NetworkInterfaceId ?? '')) &&
            (!groups || e.Groups?.some((g) => groups.includes(g.GroupId ?? ''))) &&
            (!lambdaOnly || e.Description?.startsWith('AWS Lambda VPC ENI')),
        ),
      };
    }),
  );
}

const listed = (
  FunctionName: string,
  Version: string,
  SubnetIds: string[] = [],
  SecurityGroupIds: string[] = [],
) =>
  ({
    FunctionName,
    Version,
    VpcConfig: { SubnetIds, SecurityGroupIds, VpcId: SubnetIds.length ? 'vpc-1' : '' },
  }) as FunctionConfiguration;

const IN_VPC = { SubnetIds: [S1, S2], SecurityGroupIds: [SG2, SG], VpcId: 'vpc-0a1b2c3d4e5f60001' };
const OUT = { SubnetIds: [], SecurityGroupIds: [], VpcId: '' };

beforeEach(() => {
  resetAwsMocks();
  serveAnyNetwork(ec2Mock);
});
afterEach(verifyAwsMocks);

describe('enis <function>', () => {
  beforeEach(() => {
    lambdaMock.on(ListFunctionsCommand).resolves({
      Functions: [
        listed('my-fn', '$LATEST', [S1, S2], [SG, SG2]),
        listed('my-fn', '2', [S1, S2], [SG2, SG]),
        listed('other-fn', '$LATEST', [S1], [SG2, SG]),
        listed('third', '$LATEST', [S1], [SG]),
      ],
    });
    serveEnis([
      lambdaEni(ENI_A, S1, [SG2, SG]),
      lambdaEni(ENI_B, S2, [SG, SG2]),
      lambdaEni('eni-0a1b2c3d4e5f60103', S1, [SG]),
    ]);
  });

  it('lists the interfaces of exactly its groups (any order) with everyone who uses them', async () => {
    const { code, stdout, stderr } = await runCli([...REGION, 'enis', 'my-fn']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('my-fn ($LATEST): 2 Lambda network interfaces');
    expect(stdout).toMatch(
      new RegExp(
        `${ENI_A}\\s+${S1}\\s+us-east-1a\\s+10.0.1.17\\s+in-use\\s+1h\\s+in-use\\s+my-fn:\\$LATEST, my-fn:2, other-fn:\\$LATEST`,
      ),
    );
    expect(stdout).toMatch(new RegExp(`${ENI_B}\\s+${S2}.*my-fn:\\$LATEST, my-fn:2$`, 'm'));
    expect(stdout).not.toContain('eni-0a1b2c3d4e5f60103');
    expect(stdout).toContain('aws lambda delete-function --function-name my-fn --qualifier 2');
    // One listing, one describe.
    expect(lambdaMock.calls()).toHaveLength(1);
    expect(ec2Mock.commandCalls(DescribeNetworkInterfacesCommand)).toHaveLength(1);
  });

  it('prints one JSON document with the data under `enis`', async () => {
    const { code, stdout } = await runCli([...REGION, '-o', 'json', 'enis', 'my-fn:2']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({ schemaVersion: 2, command: 'enis', exitCode: 0, results: [], error: null });
    expect(doc.enis).toMatchObject({
      region: 'us-east-1',
      query: { function: 'my-fn:2', eni: null, subnet: null, securityGroup: null },
      function: { name: 'my-fn', version: '2', subnetIds: [S1, S2], securityGroupIds: [SG2, SG] },
      configuredUsers: null,
    });
    expect(doc.enis.interfaces).toHaveLength(2);
    expect(doc.enis.interfaces[0]).toMatchObject({
      id: ENI_A,
      subnetId: S1,
      ageMs: 3_600_000,
      verdict: 'in-use',
      deleteCommand: null,
      usedBy: [
        { function: 'my-fn', version: '$LATEST' },
        { function: 'my-fn', version: '2' },
        { function: 'other-fn', version: '$LATEST' },
      ],
    });
  });

  it('exits 5 for a function that is not there, in both formats', async () => {
    const human = await runCli([...REGION, 'enis', 'nope']);
    expect(human.code).toBe(5);
    expect(human.stderr).toContain('Error: Function nope not found in us-east-1.');
    const json = await runCli([...REGION, '-o', 'json', 'enis', 'my-fn:9']);
    expect(json.code).toBe(5);
    expect(JSON.parse(json.stdout)).toMatchObject({
      command: 'enis',
      exitCode: 5,
      error: { code: 'NotFound' },
    });
  });

  it('exits 4 when ListFunctions is denied', async () => {
    // The denial replaces the listing beforeEach sets up.
    allowUnused(ListFunctionsCommand);
    lambdaMock.on(ListFunctionsCommand).rejects(awsError('AccessDeniedException'));
    const { code, stderr } = await runCli([...REGION, 'enis', 'my-fn']);
    expect(code).toBe(4);
    expect(stderr).toContain('Access denied');
  });
});

describe('enis --eni / --subnet / --sg', () => {
  beforeEach(() => {
    lambdaMock.on(ListFunctionsCommand).resolves({
      Functions: [
        listed('my-fn', '$LATEST'),
        listed('my-fn', '1', [S1], [SG]),
        listed('b', '$LATEST', [S2], [SG]),
      ],
    });
    serveEnis([
      lambdaEni(ENI_A, S1, [SG]),
      lambdaEni(OLD_ENI, S2, [SG, SG2], 3 * 24 * 60),
      {
        NetworkInterfaceId: 'eni-0a1b2c3d4e5f60777',
        SubnetId: S1,
        Description: 'ELB app/x',
        InterfaceType: 'interface',
        Groups: [{ GroupId: SG }],
      },
    ]);
  });

  it('--eni: a published version keeps it alive', async () => {
    const { code, stdout } = await runCli([...REGION, 'enis', '--eni', ENI_A]);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`${ENI_A}.*in-use\\s+my-fn:1$`, 'm'));
    expect(stdout).toContain('--qualifier 1');
  });

  it('--eni: a stranded interface gets the delete command, and nothing is deleted', async () => {
    const { code, stdout } = await runCli([...REGION, 'enis', '--eni', OLD_ENI]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/3d\s+stranded\s+-/);
    expect(stdout).toContain('it looks stranded');
    expect(stdout).toContain(
      `delete it by hand: aws ec2 delete-network-interface --network-interface-id ${OLD_ENI} --region us-east-1`,
    );
    expect(ec2Mock.calls().every((c) => c.args[0] instanceof DescribeNetworkInterfacesCommand)).toBe(true);
  });

  it('--eni: says so for an interface that is not Lambda’s, and exits 5 for one that is gone', async () => {
    const other = await runCli([...REGION, 'enis', '--eni', 'eni-0a1b2c3d4e5f60777']);
    expect(other.code).toBe(0);
    expect(other.stdout).toContain('is not a Lambda network interface');
    expect(other.stdout).not.toContain('delete-network-interface');
    const gone = await runCli([...REGION, 'enis', '--eni', 'eni-0a1b2c3d4e5f60000']);
    expect(gone.code).toBe(5);
    expect(gone.stderr).toContain('No network interface eni-0a1b2c3d4e5f60000 in us-east-1.');
  });

  it('--subnet --sg: the interfaces and every version configured with them', async () => {
    const { code, stdout } = await runCli([...REGION, '-o', 'json', 'enis', '--subnet', S2, '--sg', SG]);
    expect(code).toBe(0);
    const { enis } = JSON.parse(stdout);
    expect(enis.interfaces.map((e: { id: string }) => e.id)).toEqual([OLD_ENI]);
    expect(enis.configuredUsers).toEqual([{ function: 'b', version: '$LATEST' }]);
    const filters = ec2Mock.commandCalls(DescribeNetworkInterfacesCommand)[0]?.args[0].input.Filters;
    expect(filters?.map((f) => f.Name)).toEqual(['description', 'subnet-id', 'group-id']);
  });

  it.each([
    [['enis'], 'enis needs a function'],
    [['enis', 'my-fn', '--eni', ENI_A], 'not both'],
    [['enis', '--eni', 'eni-xyz'], 'not a valid network interface ID'],
    [['enis', '--subnet', 'subnet-1'], 'not a valid subnet ID'],
    [['enis', '--sg', `${SG},${SG2}`], '--sg takes one ID'],
  ])('usage error before any AWS call: %j', async (argv, message) => {
    const { code, stderr } = await runCli([...REGION, ...argv]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expectNoAwsCall();
  });
});

describe('detach and the interfaces', () => {
  const detachOnce = () => {
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce(getFunctionOutput({ VpcConfig: IN_VPC }))
      .resolves(getFunctionOutput({ VpcConfig: OUT }));
    lambdaMock
      .on(UpdateFunctionConfigurationCommand)
      .resolves(functionConfig({ LastUpdateStatus: 'InProgress' }));
  };

  it('warns before writing when published versions still use a VPC, and notes it in JSON', async () => {
    detachOnce();
    lambdaMock.on(ListVersionsByFunctionCommand).resolves({
      Versions: [
        listed('my-fn', '$LATEST', [S1], [SG]),
        listed('my-fn', '1'),
        listed('my-fn', '2', [S1], [SG]),
      ],
    });
    const human = await runCli([...REGION, 'detach', 'my-fn']);
    expect(human.code).toBe(0);
    expect(human.stderr).toContain('Warning: Published version 2 of my-fn still uses a VPC');
    expect(human.stderr.indexOf('Published version 2')).toBeLessThan(human.stderr.indexOf('my-fn: updating'));
    expect(lambdaMock.commandCalls(ListFunctionsCommand)).toHaveLength(0);

    lambdaMock.reset();
    detachOnce();
    lambdaMock.on(ListVersionsByFunctionCommand).resolves({ Versions: [listed('my-fn', '2', [S1], [SG])] });
    const json = await runCli([...REGION, '-o', 'json', 'detach', 'my-fn']);
    expect(json.stderr).toBe('');
    const notes: string[] = JSON.parse(json.stdout).results[0].notes;
    expect(notes.some((n) => n.startsWith('Published version 2 of my-fn still uses a VPC'))).toBe(true);
  });

  it('a fleet without lambda:ListFunctions: the account listing is denied, one list per function warns as before', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `fn-${i + 1}`);
    lambdaMock
      .on(GetFunctionCommand)
      .callsFake(({ FunctionName }: { FunctionName: string }) =>
        getFunctionOutput({ FunctionName, VpcConfig: OUT }),
      );
    lambdaMock.on(ListFunctionsCommand).rejects(awsError('AccessDeniedException'));
    lambdaMock.on(ListVersionsByFunctionCommand).callsFake(({ FunctionName }: { FunctionName: string }) => ({
      Versions: FunctionName === 'fn-7' ? [listed('fn-7', '3', [S1], [SG])] : [],
    }));
    const { code, stderr } = await runCli([...REGION, 'detach', ...names]);
    expect(code).toBe(0);
    expect(lambdaMock.commandCalls(ListFunctionsCommand)).toHaveLength(1);
    expect(lambdaMock.commandCalls(ListVersionsByFunctionCommand)).toHaveLength(20);
    expect(stderr).toContain('Warning: Published version 3 of fn-7 still uses a VPC');
    expect(stderr).not.toContain('Could not check for published versions');
  });

  it('a denied version listing is a warning, not a failure', async () => {
    detachOnce();
    lambdaMock.on(ListVersionsByFunctionCommand).rejects(awsError('AccessDeniedException'));
    const { code, stderr } = await runCli([...REGION, 'detach', 'my-fn']);
    expect(code).toBe(0);
    expect(stderr).toContain('Warning: Could not check for published versions still in a VPC: Access denied');
  });

  it('--wait-enis follows the interfaces only it held, every 15 s of injected time, then names what others hold', async () => {
    detachOnce();
    lambdaMock.on(ListFunctionsCommand).resolves({
      Functions: [
        listed('my-fn', '$LATEST', [S1, S2], [SG, SG2]),
        listed('other-fn', '$LATEST', [S1], [SG2, SG]),
      ],
    });
    const world = [lambdaEni(ENI_A, S1, [SG, SG2]), lambdaEni(ENI_B, S2, [SG2, SG])];
    serveEnis(world);
    // Lambda deletes ENI_B between the second and the third poll.
    let polls = 0;
    ec2Mock
      .on(DescribeNetworkInterfacesCommand, { Filters: [{ Name: 'network-interface-id', Values: [ENI_B] }] })
      .callsFake(() => {
        polls++;
        return { NetworkInterfaces: polls < 3 ? [world[1]] : [] };
      });
    const clock = fakeClock();
    const { code, stdout, stderr } = await runCli([...REGION, 'detach', 'my-fn', '--wait-enis'], { clock });
    expect(stderr).not.toContain('Error');
    expect(code).toBe(0);
    expect(polls).toBe(3);
    expect(clock.sleeps.filter((ms) => ms === 15_000)).toHaveLength(3);
    expect(stderr).toContain(`network interfaces: waiting for Lambda to delete 1 of 1: ${ENI_B}`);
    expect(stdout).toContain(`✔ Lambda deleted 1 network interface (45s): ${ENI_B}`);
    expect(stdout).toContain(`○ ${ENI_A} (${S1}) stays: still used by other-fn:$LATEST`);
    // The whole command: one account listing, one describe to plan, three polls.
    expect(lambdaMock.commandCalls(ListFunctionsCommand)).toHaveLength(1);
    expect(ec2Mock.commandCalls(DescribeNetworkInterfacesCommand)).toHaveLength(4);
  });

  it('--wait-enis times out with exit 7 and says what is left, in JSON too', async () => {
    detachOnce();
    lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [listed('my-fn', '$LATEST', [S1, S2], [SG])] });
    serveEnis([lambdaEni(ENI_A, S1, [SG2, SG])]);
    const clock = fakeClock();
    const { code, stdout, stderr } = await runCli(
      [...REGION, '-o', 'json', 'detach', 'my-fn', '--wait-enis', '--eni-timeout', '1m'],
      { clock },
    );
    expect(code).toBe(7);
    expect(stderr).toContain(`Error: Timed out after 1m waiting for Lambda to delete ${ENI_A}.`);
    expect(clock.sleeps.filter((ms) => ms === 15_000)).toHaveLength(4);
    const doc = JSON.parse(stdout);
    expect(doc.exitCode).toBe(7);
    expect(doc.results[0]).toMatchObject({ outcome: 'updated', written: true });
    expect(doc.enis).toMatchObject({
      waited: true,
      deleted: [],
      remaining: [ENI_A],
      kept: [],
      elapsedMs: 60_000,
      error: { code: 'TimedOut', exitCode: 7 },
    });
  });

  it.each([
    [['--wait-enis', '--no-wait'], 'drop --no-wait'],
    [['--eni-timeout', '10m'], '--eni-timeout needs --wait-enis'],
    [['--wait-enis', '--eni-timeout', 'soon'], "--eni-timeout 'soon' is not a duration"],
  ])('usage error: %j', async (flags, message) => {
    const { code, stderr } = await runCli([...REGION, 'detach', 'my-fn', ...flags]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expectNoAwsCall();
  });
});

describe('status: the ENI count', () => {
  it('counts the interfaces of each function with one EC2 query for all', async () => {
    lambdaMock
      .on(GetFunctionCommand, { FunctionName: 'my-fn' })
      .resolves(getFunctionOutput({ VpcConfig: IN_VPC }))
      .on(GetFunctionCommand, { FunctionName: 'b' })
      .resolves(
        getFunctionOutput({
          FunctionName: 'b',
          VpcConfig: { ...IN_VPC, SubnetIds: [S1], SecurityGroupIds: [SG] },
        }),
      )
      .on(GetFunctionCommand, { FunctionName: 'c' })
      .resolves(getFunctionOutput({ FunctionName: 'c', VpcConfig: OUT }));
    serveEnis([lambdaEni(ENI_A, S1, [SG, SG2]), lambdaEni(ENI_B, S2, [SG2, SG])]);
    const human = await runCli([...REGION, 'status', 'my-fn', 'b', 'c']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`ENIs             2 (${ENI_A}, ${ENI_B})`);
    expect(human.stdout).toMatch(/^\s+ENIs\s+0$/m);
    // One for the functions in a VPC, one for what c (not in one) may have left behind.
    const describes = ec2Mock.commandCalls(DescribeNetworkInterfacesCommand);
    expect(describes).toHaveLength(2);
    expect(describes[1]?.args[0].input.Filters).toEqual([
      { Name: 'description', Values: ['AWS Lambda VPC ENI-c*'] },
    ]);
    const json = JSON.parse((await runCli([...REGION, '-o', 'json', 'status', 'my-fn', 'c'])).stdout);
    expect(json.results[0].enis).toEqual({ checked: true, count: 2, ids: [ENI_A, ENI_B] });
    expect(json.results[1].enis).toBeNull();
  });

  it('says so when EC2 read is denied, and still exits 0', async () => {
    lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput({ VpcConfig: IN_VPC }));
    ec2Mock.on(DescribeNetworkInterfacesCommand).rejects(denied('DescribeNetworkInterfaces'));
    const { code, stdout } = await runCli([...REGION, 'status', 'my-fn']);
    expect(code).toBe(0);
    expect(stdout).toContain('ENIs             not checked: no permission for ec2:DescribeNetworkInterfaces');
  });
});
