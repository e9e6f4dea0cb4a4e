// Service Quotas, awsJson1_1: POST / with X-Amz-Target ServiceQuotasV20190624.<Operation>, errors as
// {"__type","Message"}. Only the two reads of one quota: GetServiceQuota and GetAWSDefaultServiceQuota.
import {
  AwsError,
  accessDeniedMessage,
  type ParsedCall,
  type RawRequest,
  type Reply,
  type ServiceHandler,
} from './common.js';
import type { FakeState } from './state.js';
import type { FaultRule } from './types.js';

export const SERVICE_QUOTAS_TARGET = 'ServiceQuotasV20190624';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

interface KnownQuota {
  serviceName: string;
  quotaName: string;
  defaultValue: number;
  adjustable: boolean;
}

/** The quotas the fake knows, by service code and quota code, with AWS's default values. */
const CATALOG: Record<string, Record<string, KnownQuota>> = {
  vpc: {
    'L-DF5E4CA3': {
      serviceName: 'Amazon Virtual Private Cloud (Amazon VPC)',
      quotaName: 'Network interfaces per Region',
      defaultValue: 5000,
      adjustable: true,
    },
  },
};

const CODE_PATTERN = /^[a-zA-Z][a-zA-Z0-9-]{1,128}$/;

export const serviceQuotasHandler: ServiceHandler = {
  parse(req: RawRequest): ParsedCall {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(`${SERVICE_QUOTAS_TARGET}.`)
      ? target.slice(SERVICE_QUOTAS_TARGET.length + 1)
      : 'Unknown';
    let params: Record<string, unknown> = {};
    try {
      params = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
    } catch {
      params = { $invalidJson: req.body };
    }
    return { operation, params };
  },

  handle(state, call, requestId): Reply {
    return {
      status: 200,
      headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId },
      body: JSON.stringify(dispatch(state, call)),
    };
  },

  error(err, requestId): Reply {
    return {
      status: err.status,
      errorCode: err.code,
      headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId, ...err.headers },
      body: JSON.stringify({ __type: err.code, Message: err.message }),
    };
  },

  fault(rule: FaultRule): AwsError {
    if (rule.kind === 'throttle') return new AwsError(400, 'TooManyRequestsException', 'Rate exceeded');
    if (rule.kind === 'error503') return new AwsError(503, 'ServiceException', 'Service Unavailable');
    return new AwsError(500, 'ServiceException', 'An internal error occurred.');
  },

  isWrite: () => false,
};

function dispatch(state: FakeState, { operation, params }: ParsedCall): unknown {
  if (operation !== 'GetServiceQuota' && operation !== 'GetAWSDefaultServiceQuota')
    throw new AwsError(400, 'UnknownOperationException', `fake-aws: ${operation} is not implemented`);
  if (state.isDenied(`servicequotas:${operation}`))
    throw new AwsError(
      400,
      'AccessDeniedException',
      accessDeniedMessage(state, `servicequotas:${operation}`),
    );
  const serviceCode = code(params.ServiceCode, 'serviceCode', 63);
  const quotaCode = code(params.QuotaCode, 'quotaCode', 128);
  const known = CATALOG[serviceCode]?.[quotaCode];
  if (operation === 'GetAWSDefaultServiceQuota') {
    if (!known) throw noSuchQuota();
    return {
      Quota: quota(
        known,
        serviceCode,
        quotaCode,
        known.defaultValue,
        `arn:aws:servicequotas:${state.region}::`,
      ),
    };
  }
  const applied = state.serviceQuotas[quotaCode];
  // Only what the scenario applied: without it, the answer that sends a caller to the default.
  if (!known || applied === undefined) throw noSuchQuota();
  return {
    Quota: {
      ...quota(
        known,
        serviceCode,
        quotaCode,
        applied,
        `arn:aws:servicequotas:${state.region}:${state.accountId}:`,
      ),
      QuotaAppliedAtLevel: 'ACCOUNT',
    },
  };
}

const quota = (
  known: KnownQuota,
  serviceCode: string,
  quotaCode: string,
  value: number,
  arnPrefix: string,
) => ({
  ServiceCode: serviceCode,
  ServiceName: known.serviceName,
  QuotaArn: `${arnPrefix}${serviceCode}/${quotaCode}`,
  QuotaCode: quotaCode,
  QuotaName: known.quotaName,
  Value: value,
  Unit: 'None',
  Adjustable: known.adjustable,
  GlobalQuota: false,
});

function code(value: unknown, member: string, max: number): string {
  const text = typeof value === 'string' ? value : '';
  if (!CODE_PATTERN.test(text) || text.length > max)
    throw new AwsError(
      400,
      'IllegalArgumentException',
      `1 validation error detected: Value '${text}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][a-zA-Z0-9-]{1,${max}}`,
    );
  return text;
}

const noSuchQuota = () =>
  new AwsError(
    400,
    'NoSuchResourceException',
    'The request failed because the specified service quota does not exist.',
  );
