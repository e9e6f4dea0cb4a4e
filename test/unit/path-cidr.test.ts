import { describe, expect, it } from 'vitest';
import {
  contains,
  coverage,
  formatCidr,
  INTERNET,
  isPublic,
  parseCidr,
  subtract,
} from '../../src/core/reachability/path/cidr.js';

const c = (s: string) => {
  const x = parseCidr(s);
  if (!x) throw new Error(`bad ${s}`);
  return x;
};

describe('parseCidr / formatCidr', () => {
  it.each([
    ['10.0.1.7/24', '10.0.1.0/24'],
    ['10.0.5.17', '10.0.5.17/32'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['2600:1f18:abcd:1201::/64', '2600:1f18:abcd:1201::/64'],
    ['2001:0DB8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1/128'],
    ['::/0', '::/0'],
    ['::1', '::1/128'],
    ['::ffff:10.0.0.1', '::ffff:a00:1/128'],
    ['1:0:0:1:0:0:0:1', '1:0:0:1::1/128'],
  ])('%s → %s', (input, out) => {
    expect(formatCidr(c(input))).toBe(out);
  });

  it.each([
    '256.0.0.1',
    '10.0.0.0/33',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    '10.0.0',
    'abc',
    '',
    '10.0.0.0/8/1',
    '::/129',
  ])('rejects %j', (input) => {
    expect(parseCidr(input)).toBeUndefined();
  });
});

describe('contains', () => {
  it.each([
    ['10.0.0.0/16', '10.0.1.0/24', true],
    ['10.0.1.0/24', '10.0.0.0/16', false],
    ['10.0.1.0/24', '10.0.2.0/24', false],
    ['0.0.0.0/0', '203.0.113.9', true],
    ['0.0.0.0/0', '::/0', false],
    ['2600:1f18:abcd:1200::/56', '2600:1f18:abcd:1201::/64', true],
    ['2600:1f18:abcd:1201::/64', '2600:1f18:abcd:1300::/64', false],
  ])('%s ⊇ %s: %s', (outer, inner, expected) => {
    expect(contains(c(outer), c(inner))).toBe(expected);
  });
});

describe('coverage', () => {
  it.each([
    ['the two halves cover the internet', INTERNET[4], ['0.0.0.0/1', '128.0.0.0/1'], 'all'],
    ['10.0.0.0/8 is not on the internet at all', INTERNET[4], ['10.0.0.0/8'], 'none'],
    ['one public /8 is part of it', INTERNET[4], ['52.0.0.0/8'], 'some'],
    ['a /16 covers its /24', [c('10.0.1.0/24')], ['10.0.0.0/16'], 'all'],
    ['two /25s together cover the /24', [c('10.0.1.0/24')], ['10.0.1.0/25', '10.0.1.128/25'], 'all'],
    ['one /25 covers half of it', [c('10.0.1.0/24')], ['10.0.1.128/25'], 'some'],
    ['IPv6 global unicast by ::/0', INTERNET[6], ['::/0'], 'all'],
    ['IPv4 rules do not cover IPv6', INTERNET[6], ['0.0.0.0/0'], 'none'],
  ])('%s', (_name, blocks, allowed, expected) => {
    expect(coverage(blocks, allowed.map(c))).toBe(expected);
  });
});

describe('the internet', () => {
  it('is public IPv4 space: private, shared, loopback, link-local and multicast ranges are out', () => {
    for (const inside of ['8.8.8.8', '52.94.1.1', '172.32.0.1', '100.128.0.1'])
      expect(isPublic(c(inside))).toBe(true);
    for (const out of [
      '10.1.2.3',
      '172.16.5.5',
      '192.168.1.1',
      '100.64.0.1',
      '169.254.169.254',
      '127.0.0.1',
      '224.0.0.1',
    ]) {
      expect(isPublic(c(out))).toBe(false);
    }
  });

  it('subtract leaves disjoint blocks that add up to the rest', () => {
    const rest = subtract(c('10.0.0.0/16'), [c('10.0.1.0/24'), c('10.0.128.0/17')]);
    expect(rest.map(formatCidr)).toEqual([
      '10.0.0.0/24',
      '10.0.2.0/23',
      '10.0.4.0/22',
      '10.0.8.0/21',
      '10.0.16.0/20',
      '10.0.32.0/19',
      '10.0.64.0/18',
    ]);
    expect(coverage([c('10.0.0.0/16')], [...rest, c('10.0.1.0/24'), c('10.0.128.0/17')])).toBe('all');
  });
});
