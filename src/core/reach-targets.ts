/**
 * `reach --to` as the user writes it, parsed before any AWS call: each target is one of the
 * kinds below, or a usage error naming what is wrong with it.
 */

import { usageError } from '../errors.js';
import type { Protocol } from './reachability/path/index.js';

/** A target as asked, not yet resolved against AWS (an RDS name or an ENI still needs a read). */
export type ReachTargetSpec = { input: string; protocol: Protocol } & (
  | { kind: 'internet'; port: number | undefined }
  | { kind: 'service'; service: string; port: number | undefined }
  /** An instance or cluster identifier, an ARN, or an endpoint hostname. */
  | { kind: 'rds'; database: string; port: number | undefined }
  | { kind: 'address'; address: string; port: number }
  | { kind: 'eni'; eniId: string; port: number }
  | { kind: 'security-group'; groupId: string; port: number }
);

/**
 * AWS services by the short name their VPC endpoint service uses (com.amazonaws.REGION.NAME).
 * A fixed list, so that a typo is a usage error rather than an `unreachable` for a service that
 * does not exist.
 */
export const AWS_SERVICES: readonly string[] = [
  'apigateway',
  'appconfig',
  'appconfigdata',
  'athena',
  'autoscaling',
  'bedrock',
  'bedrock-runtime',
  'cloudformation',
  'codeartifact.api',
  'codeartifact.repositories',
  'codecommit',
  'cognito-idp',
  'dynamodb',
  'ec2',
  'ec2messages',
  'ecr.api',
  'ecr.dkr',
  'ecs',
  'eks',
  'elasticache',
  'elasticfilesystem',
  'elasticloadbalancing',
  'email-smtp',
  'events',
  'execute-api',
  'firehose',
  'glue',
  'kinesis-streams',
  'kms',
  'lambda',
  'logs',
  'monitoring',
  'rds',
  'rds-data',
  's3',
  'sagemaker.runtime',
  'secretsmanager',
  'sns',
  'sqs',
  'ssm',
  'ssmmessages',
  'states',
  'sts',
  'xray',
];

const PORT = /^\d{1,5}$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const ENI_ID = /^eni-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const SG_ID = /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
/** An RDS instance or cluster identifier: a letter, then letters, digits and single hyphens (1–63). */
const DB_ID = /^[A-Za-z](?:[A-Za-z0-9]|-(?!-)){0,62}$/;
const DB_ARN = /^arn:aws[\w-]*:rds:[a-z0-9-]+:\d{12}:(?:db|cluster):[A-Za-z][\w-]*$/;
const RDS_HOST = /^[a-z0-9.-]+\.rds\.amazonaws\.com(?:\.cn)?\.?$/i;

const EXAMPLES =
  'Targets: internet, internet:80, s3, secretsmanager:443, rds:orders-db, orders-db.abc123.eu-west-1.rds.amazonaws.com, 10.0.5.17:6379, eni-0123456789abcdef0:5432, sg-0123456789abcdef0:5432.';

function parsePort(raw: string, input: string): number {
  const port = PORT.test(raw) ? Number(raw) : Number.NaN;
  if (!(port >= 1 && port <= 65535))
    throw usageError(`--to '${input}': '${raw}' is not a port (1 to 65535).`, EXAMPLES);
  return port;
}

/** 'x:PORT' → ['x', 'PORT']; no colon → [x, undefined]. The last colon splits (an ARN has several). */
function splitPort(text: string): [string, string | undefined] {
  const at = text.lastIndexOf(':');
  if (at < 0) return [text, undefined];
  const tail = text.slice(at + 1);
  // An ARN ends in ':db:NAME' or ':cluster:NAME', not a port.
  if (!PORT.test(tail)) return [text, undefined];
  return [text.slice(0, at), tail];
}

const requirePort = (port: string | undefined, input: string, what: string): number => {
  if (port === undefined)
    throw usageError(
      `--to '${input}': ${what} needs a port, as in '${input}:5432'.`,
      'A host, interface or group target names the port the function calls it on.',
    );
  return parsePort(port, input);
};

export function parseProtocol(raw: string | undefined): Protocol {
  const p = (raw ?? 'tcp').trim().toLowerCase();
  if (p === 'tcp' || p === 'udp') return p;
  throw usageError(`--protocol '${raw}' is not tcp or udp.`);
}

/** One `--to` value. */
export function parseReachTarget(raw: string, protocol: Protocol): ReachTargetSpec {
  const input = raw.trim();
  if (input === '') throw usageError('--to needs a target.', EXAMPLES);
  const [base, portText] = splitPort(input);
  const port = portText === undefined ? undefined : parsePort(portText, input);
  const lower = base.toLowerCase();
  const common = { input, protocol };

  if (lower === 'internet') return { ...common, kind: 'internet', port };
  if (lower.startsWith('rds:')) {
    const database = base.slice(4);
    if (!DB_ID.test(database) && !DB_ARN.test(database))
      throw usageError(
        `--to '${input}': '${database}' is not an RDS instance or cluster identifier.`,
        'Identifiers start with a letter and hold letters, digits and hyphens (rds:orders-db), or use the endpoint hostname.',
      );
    return { ...common, kind: 'rds', database, port };
  }
  if (RDS_HOST.test(base)) return { ...common, kind: 'rds', database: lower.replace(/\.$/, ''), port };
  const ip = IPV4.exec(base);
  if (ip) {
    if (ip.slice(1).some((octet) => Number(octet) > 255 || (octet.length > 1 && octet.startsWith('0'))))
      throw usageError(`--to '${input}': '${base}' is not an IPv4 address.`, EXAMPLES);
    return { ...common, kind: 'address', address: base, port: requirePort(portText, input, 'an address') };
  }
  if (lower.startsWith('eni-')) {
    if (!ENI_ID.test(base))
      throw usageError(
        `--to '${input}': '${base}' is not a network interface ID (expected e.g. eni-0123456789abcdef0).`,
      );
    return { ...common, kind: 'eni', eniId: base, port: requirePort(portText, input, 'a network interface') };
  }
  if (lower.startsWith('sg-')) {
    if (!SG_ID.test(base))
      throw usageError(
        `--to '${input}': '${base}' is not a security group ID (expected e.g. sg-0123456789abcdef0).`,
      );
    return {
      ...common,
      kind: 'security-group',
      groupId: base,
      port: requirePort(portText, input, 'a security group'),
    };
  }
  if (AWS_SERVICES.includes(lower)) return { ...common, kind: 'service', service: lower, port };
  if (base.includes(':') || base.includes('/'))
    throw usageError(`--to '${input}' is not a target lambda-vpc knows.`, EXAMPLES);
  throw usageError(
    `--to '${input}' is not a target lambda-vpc knows: not 'internet', an AWS service name, rds:NAME, an RDS hostname, IP:PORT, eni-…:PORT or sg-…:PORT.`,
    `AWS services: ${AWS_SERVICES.join(', ')}.`,
  );
}

/** Every `--to` (at least one), duplicates dropped. */
export function parseReachTargets(
  raw: readonly string[] | undefined,
  protocolRaw?: string,
): ReachTargetSpec[] {
  const protocol = parseProtocol(protocolRaw);
  if (!raw || raw.length === 0) throw usageError('reach needs at least one --to target.', EXAMPLES);
  const out: ReachTargetSpec[] = [];
  for (const spec of raw.map((r) => parseReachTarget(r, protocol)))
    if (!out.some((x) => x.input === spec.input)) out.push(spec);
  return out;
}
