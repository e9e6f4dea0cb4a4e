import { DescribeNetworkInterfacesCommand } from '@aws-sdk/client-ec2';
import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { Chalk } from 'chalk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import type { EniBudgetReport } from '../../src/core/eni-budget.js';
import type { NetworkInterfaceInfo } from '../../src/core/enis.js';
import type { Reporter } from '../../src/output/reporter.js';
import { getAppliedQuota, getDefaultQuota } from '../../src/services/quotas.js';
import { eniBudgetPreflight } from '../../src/workflows/eni-budget.js';
import { awsError, ec2Mock, quotasMock, resetAwsMocks, verifyAwsMocks } from '../aws-mocks.js';
import { fakeClock } from '../helpers.js';

beforeEach(resetAwsMocks);
afterEach(verifyAwsMocks);

const ENIS = { serviceCode: 'vpc', quotaCode: 'L-DF5E4CA3' };
const quotaAnswer = (Value: number | undefined) => ({
  Quota: {
    ServiceCode: 'vpc',
    QuotaCode: 'L-DF5E4CA3',
    QuotaName: 'Network interfaces per Region',
    Value,
    Unit: 'None',
  },
});

describe('services/quotas', () => {
  const client = new ServiceQuotasClient({ region: 'us-east-1' });

  it('GetServiceQuota with the service and quota codes: the value', async () => {
    quotasMock
      .on(GetServiceQuotaCommand, { ServiceCode: 'vpc', QuotaCode: 'L-DF5E4CA3' })
      .resolves(quotaAnswer(7500));
    expect(await getAppliedQuota(client, ENIS)).toBe(7500);
  });

  it('GetAWSDefaultServiceQuota: the default', async () => {
    quotasMock
      .on(GetAWSDefaultServiceQuotaCommand, { ServiceCode: 'vpc', QuotaCode: 'L-DF5E4CA3' })
      .resolves(quotaAnswer(5000));
    expect(await getDefaultQuota(client, ENIS)).toBe(5000);
  });

  it('an answer without a value: undefined, not 0', async () => {
    quotasMock.on(GetServiceQuotaCommand).resolves(quotaAnswer(undefined));
    expect(await getAppliedQuota(client, ENIS)).toBeUndefined();
  });

  it('errors are thrown as the SDK raised them', async () => {
    quotasMock.on(GetServiceQuotaCommand).rejects(awsError('NoSuchResourceException', 400));
    await expect(getAppliedQuota(client, ENIS)).rejects.toMatchObject({ name: 'NoSuchResourceException' });
  });
});

/** The preflight with its reads on mocked clients; what it told the user, rendered without colour. */
async function preflight(options: { interfaces?: NetworkInterfaceInfo[]; vpcId?: string | undefined } = {}) {
  const said: string[] = [];
  const plain = new Chalk({ level: 0 });
  const reporter = {
    note: (text: string | ((c: typeof plain) => string)) =>
      said.push(typeof text === 'string' ? text : text(plain)),
    warn: (text: string) => said.push(`Warning: ${text}`),
  } as unknown as Reporter;
  const deps = {
    aws: new AwsClients({ region: 'us-east-1', env: {} }),
    clock: fakeClock(),
    signal: undefined,
    reporter,
    cliPrefix: 'lambda-vpc',
    pollIntervalMs: undefined,
    confirm: undefined,
  };
  const run = eniBudgetPreflight({
    skip: false,
    vpcId: () => ('vpcId' in options ? options.vpcId : 'vpc-1'),
    interfaces: options.interfaces,
  });
  const outcome = await run({
    deps,
    region: 'us-east-1',
    targets: [],
    desired: { subnetIds: ['subnet-a'], securityGroupIds: ['sg-1'], ipv6AllowedForDualStack: false },
  });
  return { outcome, said, budget: outcome.sections?.eniBudget as EniBudgetReport };
}

describe('eniBudgetPreflight reads', () => {
  const oneInterface = {
    NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1', SubnetId: 'subnet-b', VpcId: 'vpc-1' }],
  };

  it('NoSuchResourceException: falls back to the AWS default, once', async () => {
    ec2Mock.on(DescribeNetworkInterfacesCommand).resolves(oneInterface);
    quotasMock.on(GetServiceQuotaCommand).rejects(awsError('NoSuchResourceException', 400));
    quotasMock.on(GetAWSDefaultServiceQuotaCommand).resolves(quotaAnswer(5000));
    const { budget, said } = await preflight();
    expect(budget.quota).toMatchObject({ value: 5000, source: 'default' });
    expect(quotasMock.commandCalls(GetAWSDefaultServiceQuotaCommand)).toHaveLength(1);
    expect(said).toEqual([
      "Network interfaces: 1 new (subnet-a with sg-1), 0 shared; 1 in vpc-1 (0 Lambda's); 2 of 5,000 in us-east-1 after the change (L-DF5E4CA3, AWS default)",
    ]);
  });

  it.each([
    {
      name: 'GetServiceQuota denied',
      applied: awsError('AccessDeniedException', 400),
      reason: 'no permission for servicequotas:GetServiceQuota',
    },
    {
      name: 'the default denied after NoSuchResource',
      applied: awsError('NoSuchResourceException', 400),
      fallback: awsError('AccessDeniedException', 400),
      reason: 'no permission for servicequotas:GetAWSDefaultServiceQuota',
    },
    {
      name: 'a 5xx',
      applied: Object.assign(awsError('ServiceException', 500), { message: 'An internal error occurred.' }),
      reason:
        'Service Quotas read failed: AWS had an internal error after retries: ServiceException: An internal error occurred.',
    },
  ])('$name: the quota unknown with the reason, the run goes on', async ({ applied, fallback, reason }) => {
    ec2Mock.on(DescribeNetworkInterfacesCommand).resolves(oneInterface);
    quotasMock.on(GetServiceQuotaCommand).rejects(applied);
    if (fallback) quotasMock.on(GetAWSDefaultServiceQuotaCommand).rejects(fallback);
    const { outcome, budget } = await preflight();
    expect(outcome.stop).toBeUndefined();
    expect(budget.quota).toEqual({
      quotaCode: 'L-DF5E4CA3',
      value: null,
      source: null,
      skippedReason: reason,
    });
    expect(budget.newInterfaces).toBe(1);
  });

  it('the listing denied: counts unknown, named; the quota still read', async () => {
    ec2Mock.on(DescribeNetworkInterfacesCommand).rejects(awsError('UnauthorizedOperation', 403));
    quotasMock.on(GetServiceQuotaCommand).resolves(quotaAnswer(5000));
    const { outcome, budget } = await preflight();
    expect(outcome.stop).toBeUndefined();
    expect(budget.interfacesSkippedReason).toBe('no permission for ec2:DescribeNetworkInterfaces');
    expect([budget.newInterfaces, budget.quota.value]).toEqual([null, 5000]);
  });

  it('interfaces listed already (the network choice) are not listed again', async () => {
    quotasMock.on(GetServiceQuotaCommand).resolves(quotaAnswer(5000));
    const { budget } = await preflight({ interfaces: [] });
    expect(ec2Mock.commandCalls(DescribeNetworkInterfacesCommand)).toHaveLength(0);
    expect(budget.interfacesInRegion).toBe(0);
  });

  it('expired credentials end the run, as they would every other call', async () => {
    ec2Mock.on(DescribeNetworkInterfacesCommand).resolves(oneInterface);
    quotasMock.on(GetServiceQuotaCommand).rejects(awsError('ExpiredTokenException', 403));
    const { outcome } = await preflight();
    expect(outcome.stop?.code).toBe('Credentials');
    expect(outcome.sections?.eniBudget).toMatchObject({ checked: false });
  });

  it('no VPC named by the network check: NotChecked, and no read', async () => {
    const { budget } = await preflight({ vpcId: undefined });
    expect(budget).toEqual({ checked: false, skippedReason: 'the network check could not name the VPC' });
    expect(ec2Mock.commandCalls(DescribeNetworkInterfacesCommand)).toHaveLength(0);
    expect(quotasMock.commandCalls(GetServiceQuotaCommand)).toHaveLength(0);
  });
});
