// What answers before a service does: a proxy or load balancer in front of the endpoint (an
// HTML error page, not an AWS answer), and SigV4 authentication, whose refusals quote what was
// signed (the canonical request with the session token, the Authorization header with the
// access key id), in the service's own wire format. Service faults are in faults.ts.
import { createHash } from 'node:crypto';
import { AwsError, type RawRequest, type Reply, type ServiceHandler } from './common.js';
import type { ServiceName } from './types.js';

export type FrontDoorKind =
  /** 502 Bad Gateway with an HTML page, as a load balancer or proxy answers when AWS does not. */
  | 'badGateway'
  /** The signature does not match: the message spells out the canonical request and string to sign. */
  | 'signatureMismatch'
  /** The Authorization header is malformed: the message quotes it (Credential=KEYID/…, Signature=…). */
  | 'incompleteSignature'
  /** The session token has expired: each service's own code (EC2 RequestExpired, Lambda ExpiredTokenException, ExpiredToken). */
  | 'expiredToken'
  /** The access key id is unknown: EC2 AuthFailure, Lambda UnrecognizedClientException, InvalidClientTokenId. */
  | 'invalidToken'
  /** Something that is not AWS at the address (a wrong --endpoint-url): a web server's HTML 404 page. */
  | 'notFoundPage'
  /** The same with an empty body and no content type, as some servers and gateways answer. */
  | 'bareNotFound';

export interface FrontDoorRule {
  kind: FrontDoorKind;
  service?: ServiceName;
  operation?: string;
  /** How many matching requests get this answer (default: unlimited). */
  times?: number;
  /** Let the first N matching requests through. */
  skip?: number;
}

export const BAD_GATEWAY_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';

export class FrontDoor {
  private rules: Array<{ rule: FrontDoorRule; seen: number; applied: number }> = [];

  /** Adds a rule; returns a function that removes it. */
  add(rule: FrontDoorRule): () => void {
    const entry = { rule, seen: 0, applied: 0 };
    this.rules.push(entry);
    return () => {
      this.rules = this.rules.filter((r) => r !== entry);
    };
  }

  /** The answer given instead of the service's, if a rule applies to this request. */
  answer(
    service: ServiceName,
    operation: string,
    req: RawRequest,
    handler: ServiceHandler,
    requestId: string,
  ): Reply | undefined {
    const rule = this.match(service, operation);
    if (!rule) return undefined;
    if (rule.kind === 'badGateway') {
      return {
        status: 502,
        headers: { 'content-type': 'text/html', server: 'awselb/2.0' },
        body: BAD_GATEWAY_PAGE,
        errorCode: 'BadGateway',
      };
    }
    if (rule.kind === 'notFoundPage')
      return {
        status: 404,
        headers: { 'content-type': 'text/html', server: 'nginx' },
        body: '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n</body>\r\n</html>\r\n',
        errorCode: 'NotFoundPage',
      };
    if (rule.kind === 'bareNotFound')
      return { status: 404, headers: {}, body: '', errorCode: 'BareNotFound' };
    if (rule.kind === 'expiredToken' || rule.kind === 'invalidToken')
      return handler.error(credentialRefusal(rule.kind, service), requestId);
    return handler.error(refusal(rule.kind, service, req), requestId);
  }

  private match(service: ServiceName, operation: string): FrontDoorRule | undefined {
    for (const entry of this.rules) {
      const { rule } = entry;
      if ((rule.service && rule.service !== service) || (rule.operation && rule.operation !== operation))
        continue;
      entry.seen++;
      if (entry.seen <= (rule.skip ?? 0)) continue;
      if (rule.times !== undefined && entry.applied >= rule.times) continue;
      entry.applied++;
      return rule;
    }
    return undefined;
  }
}

const header = (req: RawRequest, name: string): string => {
  const value = req.headers[name];
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim();
};

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Refused credentials, with each service's code and status (EC2's differ from the others'). */
function credentialRefusal(kind: 'expiredToken' | 'invalidToken', service: ServiceName): AwsError {
  if (service === 'ec2')
    return kind === 'expiredToken'
      ? new AwsError(400, 'RequestExpired', 'Request has expired.')
      : new AwsError(401, 'AuthFailure', 'AWS was not able to validate the provided access credentials');
  const message = `The security token included in the request is ${kind === 'expiredToken' ? 'expired' : 'invalid'}`;
  // The JSON protocols' codes (Lambda, Service Quotas).
  if (service === 'lambda' || service === 'servicequotas')
    return kind === 'expiredToken'
      ? new AwsError(403, 'ExpiredTokenException', message)
      : new AwsError(403, 'UnrecognizedClientException', `${message}.`);
  return kind === 'expiredToken'
    ? new AwsError(403, 'ExpiredToken', message)
    : new AwsError(403, 'InvalidClientTokenId', `${message}.`);
}

/** SigV4's refusals, worded as AWS words them. */
function refusal(kind: 'signatureMismatch' | 'incompleteSignature', service: ServiceName, req: RawRequest) {
  const authorization = header(req, 'authorization');
  if (kind === 'incompleteSignature') {
    const first = authorization.split(/[ ,]+/)[1] ?? authorization;
    return new AwsError(
      400,
      service === 'lambda' ? 'IncompleteSignatureException' : 'IncompleteSignature',
      `'${first}' not a valid key=value pair (missing equal-sign) in Authorization header: '${authorization}'.`,
    );
  }
  const signed = /SignedHeaders=([^,\s]+)/.exec(authorization)?.[1] ?? 'host;x-amz-date';
  const scope = /Credential=[^/]+\/([^,\s]+)/.exec(authorization)?.[1] ?? '';
  const query = [...req.query.entries()]
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .sort()
    .join('&');
  const canonical = [
    req.method,
    req.path,
    query,
    ...signed.split(';').map((name) => `${name}:${header(req, name)}`),
    '',
    signed,
    header(req, 'x-amz-content-sha256') || sha256(req.body),
  ].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', header(req, 'x-amz-date'), scope, sha256(canonical)].join('\n');
  return new AwsError(
    403,
    service === 'lambda' ? 'InvalidSignatureException' : 'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n' +
      `The Canonical String for this request should have been\n'${canonical}'\n\n` +
      `The String-to-Sign should have been\n'${stringToSign}'\n`,
  );
}
