import { describe, expect, it } from 'vitest';
import { parseProtocol, parseReachTarget, parseReachTargets } from '../../src/core/reach-targets.js';
import { CliError } from '../../src/errors.js';

const parsed = (raw: string) => {
  const { input: _input, protocol: _protocol, ...rest } = parseReachTarget(raw, 'tcp');
  return rest;
};

function usage(fn: () => unknown): CliError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(2);
    return e as CliError;
  }
  throw new Error('expected a usage error');
}

describe('parseReachTarget', () => {
  it.each([
    ['internet', { kind: 'internet', port: undefined }],
    ['internet:80', { kind: 'internet', port: 80 }],
    ['INTERNET', { kind: 'internet', port: undefined }],
    ['s3', { kind: 'service', service: 's3', port: undefined }],
    ['secretsmanager:8443', { kind: 'service', service: 'secretsmanager', port: 8443 }],
    ['ecr.dkr', { kind: 'service', service: 'ecr.dkr', port: undefined }],
    ['ecr.api', { kind: 'service', service: 'ecr.api', port: undefined }],
    ['logs', { kind: 'service', service: 'logs', port: undefined }],
    ['rds', { kind: 'service', service: 'rds', port: undefined }],
    ['rds:orders-db', { kind: 'rds', database: 'orders-db', port: undefined }],
    ['rds:orders-db:6543', { kind: 'rds', database: 'orders-db', port: 6543 }],
    [
      'rds:arn:aws:rds:eu-west-1:123456789012:cluster:orders',
      { kind: 'rds', database: 'arn:aws:rds:eu-west-1:123456789012:cluster:orders', port: undefined },
    ],
    [
      'orders-db.abc123xyz.eu-west-1.rds.amazonaws.com',
      { kind: 'rds', database: 'orders-db.abc123xyz.eu-west-1.rds.amazonaws.com', port: undefined },
    ],
    [
      'Orders.cluster-ro-abc123.eu-west-1.rds.amazonaws.com:5432',
      { kind: 'rds', database: 'orders.cluster-ro-abc123.eu-west-1.rds.amazonaws.com', port: 5432 },
    ],
    ['10.0.5.17:6379', { kind: 'address', address: '10.0.5.17', port: 6379 }],
    ['eni-0123456789abcdef0:5432', { kind: 'eni', eniId: 'eni-0123456789abcdef0', port: 5432 }],
    ['sg-0a1b2c3d:5432', { kind: 'security-group', groupId: 'sg-0a1b2c3d', port: 5432 }],
  ])('%s', (raw, expected) => {
    expect(parsed(raw)).toEqual(expected);
  });

  it('keeps the input and the protocol', () => {
    expect(parseReachTarget(' 10.0.5.17:53 ', 'udp')).toMatchObject({
      input: '10.0.5.17:53',
      protocol: 'udp',
    });
  });

  it.each([
    ['', '--to needs a target.'],
    ['10.0.5.17', "--to '10.0.5.17': an address needs a port, as in '10.0.5.17:5432'."],
    ['10.0.5.256:80', "--to '10.0.5.256:80': '10.0.5.256' is not an IPv4 address."],
    ['10.0.05.1:80', "--to '10.0.05.1:80': '10.0.05.1' is not an IPv4 address."],
    ['10.0.5.17:0', "--to '10.0.5.17:0': '0' is not a port (1 to 65535)."],
    ['10.0.5.17:65536', "--to '10.0.5.17:65536': '65536' is not a port (1 to 65535)."],
    ['internet:99999', "--to 'internet:99999': '99999' is not a port (1 to 65535)."],
    [
      'eni-0123456789abcdef0',
      "--to 'eni-0123456789abcdef0': a network interface needs a port, as in 'eni-0123456789abcdef0:5432'.",
    ],
    [
      'eni-xyz:80',
      "--to 'eni-xyz:80': 'eni-xyz' is not a network interface ID (expected e.g. eni-0123456789abcdef0).",
    ],
    ['sg-0a1b2c3d', "--to 'sg-0a1b2c3d': a security group needs a port, as in 'sg-0a1b2c3d:5432'."],
    [
      'sg-nothex1:80',
      "--to 'sg-nothex1:80': 'sg-nothex1' is not a security group ID (expected e.g. sg-0123456789abcdef0).",
    ],
    ['rds:1db', "--to 'rds:1db': '1db' is not an RDS instance or cluster identifier."],
    ['rds:', "--to 'rds:': '' is not an RDS instance or cluster identifier."],
    ['rds:a--b', "--to 'rds:a--b': 'a--b' is not an RDS instance or cluster identifier."],
    ['::1:443', "--to '::1:443' is not a target lambda-vpc knows."],
  ])('%j is a usage error', (raw, message) => {
    expect(usage(() => parseReachTarget(raw, 'tcp')).message).toBe(message);
  });

  it('names the known services when a service name is misspelt', () => {
    const e = usage(() => parseReachTarget('secretmanager', 'tcp'));
    expect(e.message).toMatch(/^--to 'secretmanager' is not a target lambda-vpc knows/);
    expect(e.hint).toContain('secretsmanager');
  });
});

describe('parseReachTargets', () => {
  it('needs at least one target', () => {
    expect(usage(() => parseReachTargets(undefined)).message).toBe('reach needs at least one --to target.');
    expect(usage(() => parseReachTargets([])).message).toBe('reach needs at least one --to target.');
  });

  it('drops a target asked twice and applies --protocol to all', () => {
    const targets = parseReachTargets(['s3', '10.0.5.17:53', 's3'], 'UDP');
    expect(targets.map((t) => [t.input, t.protocol])).toEqual([
      ['s3', 'udp'],
      ['10.0.5.17:53', 'udp'],
    ]);
  });
});

describe('parseProtocol', () => {
  it('defaults to tcp and refuses anything but tcp and udp', () => {
    expect(parseProtocol(undefined)).toBe('tcp');
    expect(parseProtocol('udp')).toBe('udp');
    expect(usage(() => parseProtocol('icmp')).message).toBe("--protocol 'icmp' is not tcp or udp.");
  });
});
