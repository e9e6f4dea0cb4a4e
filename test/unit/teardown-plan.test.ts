import { describe, expect, it } from 'vitest';
import { parseTeardownRequest, parseTeardownScope } from '../../src/commands/teardown.js';
import type { FunctionVersionNetwork, NetworkInterfaceInfo } from '../../src/core/enis.js';
import type { ErrorJson } from '../../src/core/result.js';
import {
  type AliasInfo,
  planTeardown,
  type Read,
  type TeardownFacts,
  type TeardownReport,
  type TeardownScope,
} from '../../src/core/teardown-plan.js';
import { CliError } from '../../src/errors.js';

const NOW = Date.parse('2026-12-03T12:00:00.000Z');
const SUBNET_A = 'subnet-0a1b2c3d4e5f60011';
const SUBNET_B = 'subnet-0a1b2c3d4e5f60012';
const SG = 'sg-0a1b2c3d4e5f60081';
const SG_OTHER = 'sg-0a1b2c3d4e5f60082';
const VPC = 'vpc-0a1b2c3d4e5f60001';
const ROLE = 'arn:aws:iam::123456789012:role/service-role/app-role';
const OTHER_ROLE = 'arn:aws:iam::123456789012:role/batch-role';

const version = (
  functionName: string,
  v: string,
  subnetIds: string[],
  securityGroupIds = [SG],
  role = ROLE,
): FunctionVersionNetwork => ({
  functionName,
  version: v,
  subnetIds,
  securityGroupIds: subnetIds.length > 0 ? securityGroupIds : [],
  role,
  ...(subnetIds.length > 0 ? { vpcId: VPC } : {}),
});

const eni = (id: string, over: Partial<NetworkInterfaceInfo> = {}): NetworkInterfaceInfo => ({
  id,
  subnetId: SUBNET_A,
  availabilityZone: 'us-east-1a',
  vpcId: VPC,
  privateIp: '10.0.1.10',
  status: 'in-use',
  securityGroupIds: [SG],
  description: `AWS Lambda VPC ENI-api-${id}`,
  interfaceType: 'lambda',
  createdAt: '2026-11-01T00:00:00.000Z',
  ...over,
});

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const denied = (call: string): Read<never> => ({
  ok: false,
  call,
  error: {
    code: 'AccessDenied',
    exitCode: 4,
    message: `User is not authorized to perform: ${call}`,
    hint: null,
  } satisfies ErrorJson,
});

function facts(over: Partial<TeardownFacts> = {}): TeardownFacts {
  return {
    region: 'us-east-1',
    scope: { kind: 'subnet', ids: [SUBNET_A] },
    now: NOW,
    cliPrefix: 'lambda-vpc',
    interfaces: ok([]),
    versions: ok([]),
    aliases: new Map(),
    aliasesSkipped: null,
    ...over,
  };
}

const step = (r: TeardownReport, action: string) => {
  const found = r.steps.find((s) => s.action === action);
  if (!found) throw new Error(`no step ${action}`);
  return found;
};
const statuses = (r: TeardownReport) => r.steps.map((s) => `${s.number}:${s.action}:${s.status}`);

describe('planTeardown', () => {
  const busy = () =>
    facts({
      versions: ok([
        version('api', '$LATEST', [SUBNET_A, SUBNET_B]),
        version('api', '3', [SUBNET_A, SUBNET_B]),
        version('api', '4', [SUBNET_B]),
        version('worker', '$LATEST', [SUBNET_A]),
        // Same role, in the VPC but not in this subnet: the role keeps its EC2 permissions.
        version('batch', '$LATEST', [SUBNET_B], [SG], OTHER_ROLE),
        version('report', '$LATEST', [SUBNET_B], [SG], ROLE),
        version('legacy', '$LATEST', []),
      ]),
      interfaces: ok([eni('eni-0000000000000000a')]),
      aliases: new Map<string, Read<AliasInfo[]>>([
        [
          'api',
          ok([
            { name: 'live', functionVersion: '3', weightedVersions: [] },
            { name: 'canary', functionVersion: '4', weightedVersions: ['3'] },
            { name: 'old', functionVersion: '2', weightedVersions: [] },
          ]),
        ],
      ]),
    });

  it('a subnet used by $LATEST of two functions and a published version: every step, in order', () => {
    const r = planTeardown(busy());
    expect([r.complete, r.deletable, r.unknown]).toEqual([true, 'after-steps', []]);
    expect(statuses(r)).toEqual([
      '1:detach-latest:to-do',
      '2:remove-published-versions:to-do',
      '3:wait-for-interfaces:to-do',
      '4:delete-leftover-interfaces:nothing-to-do',
      '5:delete-network:to-do',
      '6:remove-role-permissions:nothing-to-do',
    ]);
    expect(step(r, 'detach-latest').commands).toEqual(['lambda-vpc detach api worker --wait-enis']);
    // api keeps private-b; worker has nothing left to move to.
    expect(step(r, 'detach-latest').notes).toEqual([
      `To keep api in the VPC instead, move it off: lambda-vpc attach api --subnets ${SUBNET_B} --sg ${SG}`,
    ]);
    expect(r.functions.checked && r.functions.published).toEqual([
      { function: 'api', version: '3', role: ROLE, aliases: ['live', 'canary'] },
    ]);
    expect(step(r, 'remove-published-versions').commands).toEqual([
      "aws lambda update-alias --function-name api --name live --function-version <a version outside it> --routing-config '{}' --region us-east-1",
      "aws lambda update-alias --function-name api --name canary --function-version <a version outside it> --routing-config '{}' --region us-east-1",
      'aws lambda delete-function --function-name api --qualifier 3 --region us-east-1',
    ]);
    expect(step(r, 'wait-for-interfaces').summary).toContain('eni-0000000000000000a');
    expect(step(r, 'delete-network').commands).toEqual([
      `aws ec2 delete-subnet --subnet-id ${SUBNET_A} --region us-east-1`,
    ]);
    expect(step(r, 'delete-network').summary).toMatch(
      /^Safe to delete the subnet once the steps above are done/,
    );
    expect(r.roles.checked && r.roles.items).toEqual([
      {
        role: ROLE,
        usedBy: ['api:$LATEST', 'api:3', 'worker:$LATEST'],
        stillNeededBy: ['api:4', 'report:$LATEST'],
      },
    ]);
    expect(step(r, 'remove-role-permissions').notes).toContainEqual(
      'Keep them on app-role: api:4, report:$LATEST are still in a VPC with it.',
    );
  });

  it('the role whose functions all leave: its EC2 permissions go last, with the exact command', () => {
    const f = facts({
      versions: ok([version('worker', '$LATEST', [SUBNET_A], [SG], OTHER_ROLE)]),
      region: 'cn-north-1',
    });
    const roles = step(planTeardown(f), 'remove-role-permissions');
    expect(roles.status).toBe('to-do');
    expect(roles.commands).toEqual([
      'aws iam detach-role-policy --role-name batch-role --policy-arn arn:aws-cn:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
    ]);
    expect(roles.notes[0]).toMatch(/^Only after step 3/);
  });

  it('an empty subnet, both reads made: safe to delete now, nothing else to do', () => {
    const r = planTeardown(facts({ versions: ok([version('elsewhere', '$LATEST', [SUBNET_B])]) }));
    expect([r.complete, r.deletable]).toEqual([true, 'now']);
    expect(statuses(r).filter((s) => !s.endsWith('nothing-to-do'))).toEqual(['5:delete-network:to-do']);
    expect(step(r, 'delete-network').summary).toContain('safe to delete the subnet now');
  });

  it('left-over interfaces: a delete command only for those available, a wait for the young', () => {
    const r = planTeardown(
      facts({
        versions: ok([version('api', '$LATEST', [SUBNET_A])]),
        interfaces: ok([
          eni('eni-0000000000000000a'),
          // A deleted function's, months old and available: stranded.
          eni('eni-0000000000000000b', { status: 'available', securityGroupIds: [SG_OTHER] }),
          // Nobody's, but ten minutes old: Lambda may still delete it.
          eni('eni-0000000000000000c', {
            status: 'available',
            securityGroupIds: [SG_OTHER],
            createdAt: new Date(NOW - 10 * 60_000).toISOString(),
          }),
          // Nobody's, still attached per EC2: it cannot be deleted yet.
          eni('eni-0000000000000000d', { securityGroupIds: [SG_OTHER] }),
        ]),
      }),
    );
    const leftovers = step(r, 'delete-leftover-interfaces');
    expect(leftovers.status).toBe('to-do');
    expect(leftovers.commands).toEqual([
      'aws ec2 delete-network-interface --network-interface-id eni-0000000000000000b --region us-east-1',
      'aws ec2 delete-network-interface --network-interface-id eni-0000000000000000c --region us-east-1',
    ]);
    expect(leftovers.notes).toEqual([
      expect.stringMatching(/^eni-0000000000000000c: less than 20 minutes old/),
      expect.stringMatching(/^eni-0000000000000000d \(in-use\): no function or version uses it/),
    ]);
    expect(r.interfaces.checked && r.interfaces.lambda.map((e) => e.verdict)).toEqual([
      'in-use',
      'stranded',
      'unused',
      'stranded',
    ]);
  });

  it("another service's interface blocks the delete, and is named", () => {
    const r = planTeardown(
      facts({
        interfaces: ok([
          eni('eni-0000000000000000e', {
            description: 'RDSNetworkInterface',
            interfaceType: 'interface',
          }),
        ]),
      }),
    );
    expect(r.deletable).toBe('blocked');
    expect(r.interfaces.checked && r.interfaces.other.map((e) => e.id)).toEqual(['eni-0000000000000000e']);
    expect(step(r, 'delete-network').notes).toEqual([
      expect.stringContaining('eni-0000000000000000e (interface: RDSNetworkInterface)'),
    ]);
  });

  it('DescribeNetworkInterfaces denied: the interfaces unknown, no leftover named, not called safe', () => {
    const r = planTeardown(facts({ interfaces: denied('ec2:DescribeNetworkInterfaces') }));
    expect([r.complete, r.deletable]).toEqual([false, 'unknown']);
    expect(r.unknown.map((u) => [u.part, u.call])).toEqual([['interfaces', 'ec2:DescribeNetworkInterfaces']]);
    expect(r.interfaces).toEqual({
      checked: false,
      skippedReason:
        'ec2:DescribeNetworkInterfaces failed: User is not authorized to perform: ec2:DescribeNetworkInterfaces',
    });
    expect(step(r, 'wait-for-interfaces').status).toBe('unknown');
    expect(step(r, 'delete-leftover-interfaces').status).toBe('unknown');
    expect(step(r, 'delete-leftover-interfaces').commands).toEqual([]);
    expect(step(r, 'delete-network').status).toBe('unknown');
    expect(step(r, 'delete-network').summary).toMatch(
      /^Not proved safe: ec2:DescribeNetworkInterfaces failed/,
    );
  });

  it('ListFunctions denied: who uses it is unknown, and an interface nobody was seen using is not called left over', () => {
    const r = planTeardown(
      facts({
        versions: denied('lambda:ListFunctions'),
        interfaces: ok([eni('eni-0000000000000000b', { status: 'available' })]),
      }),
    );
    expect([r.complete, r.deletable]).toEqual([false, 'unknown']);
    expect(r.functions.checked).toBe(false);
    expect(r.roles.checked).toBe(false);
    expect(statuses(r)).toEqual([
      '1:detach-latest:unknown',
      '2:remove-published-versions:unknown',
      '3:wait-for-interfaces:unknown',
      '4:delete-leftover-interfaces:unknown',
      '5:delete-network:unknown',
      '6:remove-role-permissions:unknown',
    ]);
    expect(step(r, 'delete-leftover-interfaces').commands).toEqual([]);
  });

  it('ListAliases denied: the plan stands, the aliases are unknown and the command to list them given', () => {
    const f = busy();
    const r = planTeardown({ ...f, aliases: new Map([['api', denied('lambda:ListAliases')]]) });
    expect([r.complete, r.deletable]).toEqual([true, 'after-steps']);
    expect(r.unknown.map((u) => u.part)).toEqual(['aliases']);
    expect(r.functions.checked && r.functions.published[0]?.aliases).toBeNull();
    const versions = step(r, 'remove-published-versions');
    expect(versions.commands).toEqual([
      'aws lambda delete-function --function-name api --qualifier 3 --region us-east-1',
    ]);
    expect(versions.notes).toContainEqual(
      'Aliases of api not listed (lambda:ListAliases failed): a version an alias points at cannot be deleted; see them with aws lambda list-aliases --function-name FN --region us-east-1.',
    );
  });

  it('a version no alias points at: deleted without a word about aliases', () => {
    const r = planTeardown(
      facts({
        versions: ok([version('api', '7', [SUBNET_A])]),
        aliases: new Map([['api', ok([{ name: 'live', functionVersion: '8', weightedVersions: [] }])]]),
      }),
    );
    const versions = step(r, 'remove-published-versions');
    expect(versions.commands).toEqual([
      'aws lambda delete-function --function-name api --qualifier 7 --region us-east-1',
    ]);
    expect(versions.notes.filter((n) => n.includes('alias'))).toEqual([]);
    expect(step(r, 'wait-for-interfaces').status).toBe('nothing-to-do');
  });

  it('a security group: users by group, and the references that block its delete mentioned', () => {
    const scope: TeardownScope = { kind: 'securityGroup', ids: [SG_OTHER] };
    const r = planTeardown(
      facts({
        scope,
        versions: ok([
          version('api', '$LATEST', [SUBNET_A], [SG, SG_OTHER]),
          version('worker', '$LATEST', [SUBNET_A], [SG]),
        ]),
      }),
    );
    expect(r.functions.checked && r.functions.latest.map((v) => v.function)).toEqual(['api']);
    expect(step(r, 'detach-latest').notes).toEqual([
      `To keep api in the VPC instead, move it off: lambda-vpc attach api --subnets ${SUBNET_A} --sg ${SG}`,
    ]);
    expect(step(r, 'delete-network').commands).toEqual([
      `aws ec2 delete-security-group --group-id ${SG_OTHER} --region us-east-1`,
    ]);
    expect(step(r, 'delete-network').notes[0]).toContain(`Name=ip-permission.group-id,Values=${SG_OTHER}`);
    expect(step(r, 'wait-for-interfaces').commands).toEqual([`lambda-vpc teardown --sg ${SG_OTHER}`]);
  });

  it('a VPC: users by the VpcId ListFunctions reports', () => {
    const r = planTeardown(
      facts({
        scope: { kind: 'vpc', ids: [VPC] },
        versions: ok([
          version('api', '$LATEST', [SUBNET_A]),
          { ...version('other', '$LATEST', ['subnet-0ffffffffffffffff']), vpcId: 'vpc-0ffffffffffffffff' },
        ]),
      }),
    );
    expect(r.functions.checked && r.functions.latest.map((v) => v.function)).toEqual(['api']);
    expect(step(r, 'delete-network').commands).toEqual([
      `aws ec2 delete-vpc --vpc-id ${VPC} --region us-east-1`,
    ]);
  });
});

describe('parseTeardownScope', () => {
  const usage = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return error instanceof CliError ? [error.code, error.message] : error;
    }
    throw new Error('no usage error');
  };

  it('takes one kind, several IDs comma-separated, duplicates dropped', () => {
    expect(parseTeardownScope({ subnet: `${SUBNET_A}, ${SUBNET_B},${SUBNET_A}` })).toEqual({
      kind: 'subnet',
      ids: [SUBNET_A, SUBNET_B],
    });
    expect(parseTeardownScope({ sg: SG })).toEqual({ kind: 'securityGroup', ids: [SG] });
    expect(parseTeardownScope({ vpc: VPC })).toEqual({ kind: 'vpc', ids: [VPC] });
  });

  it('refuses none, two kinds, an empty list and a malformed ID', () => {
    expect(usage(() => parseTeardownScope({}))).toEqual([
      'Usage',
      'teardown takes exactly one of --subnet, --sg or --vpc.',
    ]);
    expect(usage(() => parseTeardownScope({ subnet: SUBNET_A, vpc: VPC }))).toEqual([
      'Usage',
      'teardown takes exactly one of --subnet, --sg or --vpc.',
    ]);
    expect(usage(() => parseTeardownScope({ vpc: ' , ' }))).toEqual([
      'Usage',
      '--vpc needs at least one VPC ID.',
    ]);
    expect(usage(() => parseTeardownScope({ sg: SUBNET_A }))).toEqual([
      'Usage',
      `'${SUBNET_A}' is not a valid security group ID (expected e.g. sg-0123456789abcdef0).`,
    ]);
  });

  it('--execute: a yes from --yes or from a terminal, never with --dry-run; --yes alone is refused', () => {
    const base = { subnet: SUBNET_A, dryRun: false, execute: false, yes: false };
    const terminal = { confirm: async () => true };
    const scope = { kind: 'subnet', ids: [SUBNET_A] };
    expect(parseTeardownRequest(base, {})).toEqual({ scope, execute: null });
    expect(parseTeardownRequest({ ...base, execute: true }, terminal)).toEqual({
      scope,
      execute: { yes: false },
    });
    expect(parseTeardownRequest({ ...base, execute: true, yes: true }, {})).toEqual({
      scope,
      execute: { yes: true },
    });
    expect(usage(() => parseTeardownRequest({ ...base, execute: true }, {}))).toEqual([
      'Usage',
      '--execute detaches functions and needs confirmation, but this is not a terminal.',
    ]);
    expect(usage(() => parseTeardownRequest({ ...base, yes: true }, terminal))).toEqual([
      'Usage',
      '--yes only applies to --execute.',
    ]);
    expect(
      usage(() => parseTeardownRequest({ ...base, execute: true, yes: true, dryRun: true }, {})),
    ).toEqual(['Usage', '--execute runs step 1; --dry-run writes nothing: choose one.']);
  });
});
