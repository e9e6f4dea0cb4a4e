import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { failure, sdkConfig } from './clients.js';
import { type FakeAws, startFakeAws } from './fake-aws.js';

let fake: FakeAws;
let quotas: ServiceQuotasClient;
const ENIS = { ServiceCode: 'vpc', QuotaCode: 'L-DF5E4CA3' };
beforeAll(async () => {
  fake = await startFakeAws({ scenario: { region: 'us-east-1', serviceQuotas: {} } });
  quotas = new ServiceQuotasClient(sdkConfig(fake.url));
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  fake.state.deniedActions = [];
  fake.state.serviceQuotas = {};
});

describe('Service Quotas (awsJson1_1, ServiceQuotasV20190624)', () => {
  it('GetServiceQuota answers the applied value, shaped as AWS answers it', async () => {
    fake.state.serviceQuotas = { 'L-DF5E4CA3': 7500 };
    const { Quota } = await quotas.send(new GetServiceQuotaCommand(ENIS));
    expect(Quota).toEqual({
      ServiceCode: 'vpc',
      ServiceName: 'Amazon Virtual Private Cloud (Amazon VPC)',
      QuotaArn: 'arn:aws:servicequotas:us-east-1:123456789012:vpc/L-DF5E4CA3',
      QuotaCode: 'L-DF5E4CA3',
      QuotaName: 'Network interfaces per Region',
      Value: 7500,
      Unit: 'None',
      Adjustable: true,
      GlobalQuota: false,
      QuotaAppliedAtLevel: 'ACCOUNT',
    });
    expect(fake.requests.map((r) => [r.service, r.operation, r.params, r.write])).toEqual([
      ['servicequotas', 'GetServiceQuota', ENIS, false],
    ]);
  });

  it('without an applied value: NoSuchResourceException, and the default from GetAWSDefaultServiceQuota', async () => {
    const missing = await failure(quotas.send(new GetServiceQuotaCommand(ENIS)));
    expect(missing.name).toBe('NoSuchResourceException');
    expect(missing.$metadata.httpStatusCode).toBe(400);
    const { Quota } = await quotas.send(new GetAWSDefaultServiceQuotaCommand(ENIS));
    expect(Quota).toMatchObject({ QuotaCode: 'L-DF5E4CA3', Value: 5000, Unit: 'None' });
    // The default is AWS's, not the account's: no account in its ARN.
    expect(Quota?.QuotaArn).toBe('arn:aws:servicequotas:us-east-1::vpc/L-DF5E4CA3');
  });

  it('a quota it does not know: NoSuchResourceException from both', async () => {
    const other = { ServiceCode: 'vpc', QuotaCode: 'L-0000FAKE' };
    expect((await failure(quotas.send(new GetServiceQuotaCommand(other)))).name).toBe(
      'NoSuchResourceException',
    );
    expect((await failure(quotas.send(new GetAWSDefaultServiceQuotaCommand(other)))).name).toBe(
      'NoSuchResourceException',
    );
  });

  it('a denied caller gets AccessDeniedException naming the action, per operation', async () => {
    fake.state.denyAction('servicequotas:GetServiceQuota');
    const denied = await failure(quotas.send(new GetServiceQuotaCommand(ENIS)));
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toContain('is not authorized to perform: servicequotas:GetServiceQuota');
    const { Quota } = await quotas.send(new GetAWSDefaultServiceQuotaCommand(ENIS));
    expect(Quota?.Value).toBe(5000);
  });

  it('a malformed code: IllegalArgumentException', async () => {
    const bad = await failure(
      quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'vpc', QuotaCode: '-x' })),
    );
    expect(bad.name).toBe('IllegalArgumentException');
  });

  it('faults: throttling and 5xx in the service codes', async () => {
    fake.faults.add({ service: 'servicequotas', kind: 'throttle', times: 1 });
    fake.faults.add({ service: 'servicequotas', kind: 'error500', times: 1 });
    expect((await failure(quotas.send(new GetServiceQuotaCommand(ENIS)))).name).toBe(
      'TooManyRequestsException',
    );
    const broken = await failure(quotas.send(new GetServiceQuotaCommand(ENIS)));
    expect([broken.name, broken.$metadata.httpStatusCode]).toEqual(['ServiceException', 500]);
  });
});
