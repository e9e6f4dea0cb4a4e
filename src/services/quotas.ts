// Thin Service Quotas reads: the client is passed in; nothing prints, nothing is decided here.
import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  type ServiceQuota,
  type ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';

export interface QuotaId {
  serviceCode: string;
  quotaCode: string;
}

/**
 * GetServiceQuota: the account's applied value. Service Quotas answers NoSuchResourceException
 * when it has no applied value for the quota ("the quota is not retrieved"), thrown as the SDK
 * raised it; undefined when the answer carries no value.
 */
export async function getAppliedQuota(
  client: ServiceQuotasClient,
  id: QuotaId,
  signal?: AbortSignal,
): Promise<number | undefined> {
  const { Quota } = await client.send(new GetServiceQuotaCommand(input(id)), options(signal));
  return quotaValue(Quota);
}

/** GetAWSDefaultServiceQuota: AWS's default value, which does not reflect any increase. */
export async function getDefaultQuota(
  client: ServiceQuotasClient,
  id: QuotaId,
  signal?: AbortSignal,
): Promise<number | undefined> {
  const { Quota } = await client.send(new GetAWSDefaultServiceQuotaCommand(input(id)), options(signal));
  return quotaValue(Quota);
}

const input = ({ serviceCode, quotaCode }: QuotaId) => ({ ServiceCode: serviceCode, QuotaCode: quotaCode });
const options = (signal: AbortSignal | undefined) => (signal ? { abortSignal: signal } : {});
const quotaValue = (quota: ServiceQuota | undefined) =>
  typeof quota?.Value === 'number' && Number.isFinite(quota.Value) ? quota.Value : undefined;
