// attach --vpc against moto, a third-party emulator: builds a VPC there through the SDK (NAT
// subnets in two AZs, a public and an isolated subnet, a group, a function), runs the built CLI
// against it, and checks that it chooses what the routes say and creates the group it is asked
// to. Not part of `npm test` (CI has no moto): `npm run compare-moto -- attach`.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';

const REGION = 'eu-west-1';
// Run from the repository root (npm run): this file is bundled to a temporary directory first.
const BIN = join(process.cwd(), 'bin', 'lambda-vpc.cjs');

async function startMoto(): Promise<{ url: string; stop: () => void }> {
  const port = 5300 + Math.floor(Math.random() * 400);
  const child = spawn('python3', ['-m', 'moto.server', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`${url}/moto-api/`);
      return { url, stop: () => child.kill() };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill();
  throw new Error('moto did not start');
}

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** A minimal zip holding index.js (stored, no compression), which moto's CreateFunction accepts. */
function zipOf(name: string, body: string): Uint8Array {
  const data = Buffer.from(body);
  const file = Buffer.from(name);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(file.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(file.length, 28);
  const offset = local.length + file.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + file.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([local, file, data, central, file, end]);
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

async function build(url: string) {
  const ec2 = new EC2Client({ region: REGION, endpoint: url, credentials });
  const tag = (Name: string, extra: Record<string, string> = {}) => [
    {
      ResourceType: 'subnet' as const,
      Tags: Object.entries({ Name, ...extra }).map(([Key, Value]) => ({ Key, Value })),
    },
  ];
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.50.0.0/16' }))).Vpc?.VpcId ?? '';
  await ec2.send(new CreateTagsCommand({ Resources: [vpc], Tags: [{ Key: 'Name', Value: 'moto-prod' }] }));
  const subnet = async (cidr: string, az: string, name: string, tier: string) =>
    (
      await ec2.send(
        new CreateSubnetCommand({
          VpcId: vpc,
          CidrBlock: cidr,
          AvailabilityZone: az,
          TagSpecifications: tag(name, { tier }),
        }),
      )
    ).Subnet?.SubnetId ?? '';
  const privateA = await subnet('10.50.1.0/24', `${REGION}a`, 'private-a', 'private');
  const privateB = await subnet('10.50.2.0/24', `${REGION}b`, 'private-b', 'private');
  const publicA = await subnet('10.50.10.0/24', `${REGION}a`, 'public-a', 'public');
  const isolated = await subnet('10.50.20.0/24', `${REGION}c`, 'isolated-c', 'isolated');
  const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway?.InternetGatewayId ?? '';
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
  const eip = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId;
  const nat =
    (await ec2.send(new CreateNatGatewayCommand({ SubnetId: publicA, AllocationId: eip }))).NatGateway
      ?.NatGatewayId ?? '';
  const table = async (subnets: string[], route?: { GatewayId?: string; NatGatewayId?: string }) => {
    const id = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable?.RouteTableId ?? '';
    if (route)
      await ec2.send(
        new CreateRouteCommand({ RouteTableId: id, DestinationCidrBlock: '0.0.0.0/0', ...route }),
      );
    for (const s of subnets)
      await ec2.send(new AssociateRouteTableCommand({ RouteTableId: id, SubnetId: s }));
  };
  await table([publicA], { GatewayId: igw });
  await table([privateA, privateB], { NatGatewayId: nat });
  await table([isolated]);
  const sg =
    (
      await ec2.send(
        new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: 'lambda-egress', Description: 'egress' }),
      )
    ).GroupId ?? '';
  const iam = new IAMClient({ region: REGION, endpoint: url, credentials });
  const role = await iam.send(
    new CreateRoleCommand({
      RoleName: 'fn-role',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
    }),
  );
  const lambda = new LambdaClient({ region: REGION, endpoint: url, credentials });
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'moto-fn',
      Runtime: 'nodejs20.x',
      Role: role.Role?.Arn,
      Handler: 'index.handler',
      Code: { ZipFile: zipOf('index.js', 'exports.handler = async () => 1;') },
    }),
  );
  return { ec2, vpc, privateA, privateB, publicA, isolated, nat, sg };
}

function cli(url: string, args: string[]) {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL: url,
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    NO_COLOR: '1',
  };
  const r = spawnSync(process.execPath, [BIN, ...args, '--output', 'json'], { env, encoding: 'utf8' });
  return { code: r.status, doc: r.stdout ? JSON.parse(r.stdout) : null, stderr: r.stderr };
}

const failures: string[] = [];
const check = (what: string, ok: boolean, detail: unknown) => {
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${what}${ok ? '' : `: ${JSON.stringify(detail)}`}\n`);
  if (!ok) failures.push(what);
};

const moto = await startMoto();
try {
  const w = await build(moto.url);
  const dry = cli(moto.url, [
    'attach',
    'moto-fn',
    '--vpc',
    'name:moto-prod',
    '--sg',
    'name:lambda-egress',
    '--dry-run',
    '--skip-perms-check',
  ]);
  const decisions = Object.fromEntries(
    (dry.doc?.choice?.subnets?.candidates ?? []).map((c: { id: string; decision: string }) => [
      c.id,
      c.decision,
    ]),
  );
  check('dry run exits 0', dry.code === 0, dry.stderr.slice(0, 400));
  check(
    'the NAT subnets chosen, one per AZ',
    JSON.stringify(dry.doc?.choice?.subnets?.subnetIds) === JSON.stringify([w.privateA, w.privateB]),
    dry.doc?.choice?.subnets,
  );
  check('the public subnet refused as public', decisions[w.publicA] === 'public', decisions);
  check('the isolated subnet refused for no internet', decisions[w.isolated] === 'no-internet', decisions);

  const created = cli(moto.url, [
    'attach',
    'moto-fn',
    '--vpc',
    w.vpc,
    '--create-sg',
    'fn-egress',
    '--skip-perms-check',
  ]);
  const group = (
    await w.ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['fn-egress'] }] }),
    )
  ).SecurityGroups?.[0];
  check(
    '--create-sg created the group in moto',
    created.doc?.choice?.createdSecurityGroup?.outcome === 'created',
    created.stderr.slice(0, 400),
  );
  check(
    'it has the one egress rule EC2 gives, no ingress',
    (group?.IpPermissions ?? []).length === 0 && (group?.IpPermissionsEgress ?? []).length === 1,
    group,
  );
  check(
    'its Name tag was written',
    (group?.Tags ?? []).some((t) => t.Key === 'Name' && t.Value === 'fn-egress'),
    group?.Tags,
  );
  check(
    'the function was written with it',
    group?.GroupId !== undefined && created.doc?.results?.[0]?.after?.securityGroupIds?.[0] === group.GroupId,
    created.doc?.results?.[0],
  );
} finally {
  moto.stop();
}
process.stdout.write(
  failures.length === 0 ? 'moto agrees with every choice\n' : `${failures.length} differences\n`,
);
process.exitCode = failures.length === 0 ? 0 : 1;
