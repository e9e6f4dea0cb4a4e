// Asks moto and the fake the Service Quotas reads attach makes (GetServiceQuota, then
// GetAWSDefaultServiceQuota) and prints where their answers differ. Not part of `npm test`:
// `npm run compare-moto -- quotas` (needs `python3 -m moto.server`). Findings: docs/fake-aws.md.
import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { sdkConfig } from './clients.js';
import { printDifferences, startMoto } from './compare-tools.js';
import { startFakeAws } from './fake-aws.js';

const ENIS = { ServiceCode: 'vpc', QuotaCode: 'L-DF5E4CA3' };
/** The answer, or the error's name and status: both sides are compared either way. */
const answer = async (p: Promise<{ $metadata?: unknown }>) => {
  try {
    const { $metadata: _, ...out } = await p;
    return out;
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    return { error: e.name, status: e.$metadata?.httpStatusCode };
  }
};

const moto = await startMoto();
// moto answers GetServiceQuota with the default value: the fake does so when the scenario applies it.
const fake = await startFakeAws({ scenario: { serviceQuotas: { 'L-DF5E4CA3': 5000 } } });
try {
  const differences = await printDifferences<ServiceQuotasClient>(
    [
      {
        name: 'GetServiceQuota vpc/L-DF5E4CA3',
        run: (c) => answer(c.send(new GetServiceQuotaCommand(ENIS))),
      },
      {
        name: 'GetServiceQuota of an unknown quota',
        run: (c) =>
          answer(c.send(new GetServiceQuotaCommand({ ServiceCode: 'vpc', QuotaCode: 'L-0000FAKE' }))),
      },
      {
        name: 'GetAWSDefaultServiceQuota vpc/L-DF5E4CA3',
        run: (c) => answer(c.send(new GetAWSDefaultServiceQuotaCommand(ENIS))),
      },
    ],
    new ServiceQuotasClient(sdkConfig(moto.url)),
    new ServiceQuotasClient(sdkConfig(fake.url)),
    /(?!)/,
  );
  process.exitCode = differences > 0 ? 1 : 0;
} finally {
  moto.stop();
  await fake.close();
}
