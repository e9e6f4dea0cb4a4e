import type { NetworkAclEntry } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import {
  type AclQuery,
  aclOf,
  evaluateAcl,
  INTERNET,
  parseCidr,
} from '../../src/core/reachability/path/index.js';
import { ACL, acl, allowAll, DB, entry, FN_A, VPC } from './path-fixture.js';

const c = (s: string) => {
  const x = parseCidr(s);
  if (!x) throw new Error(`bad ${s}`);
  return x;
};

const out443 = (remote = INTERNET[4]): AclQuery => ({
  outbound: true,
  protocol: 'tcp',
  ports: [443, 443],
  remote,
});
const returns = (remote = INTERNET[4]): AclQuery => ({
  outbound: false,
  protocol: 'tcp',
  ports: [1024, 65535],
  remote,
});
const star = [entry(32767, true, 'deny', '0.0.0.0/0'), entry(32767, false, 'deny', '0.0.0.0/0')];

describe('evaluateAcl', () => {
  it.each<[string, NetworkAclEntry[], AclQuery, 'allow' | 'deny' | 'partial', number | '*' | null]>([
    ['the default ACL allows', allowAll(), out443(), 'allow', null],
    [
      'first match wins: a deny numbered lower beats a later allow',
      [
        entry(90, true, 'deny', '0.0.0.0/0', '6', [443, 443]),
        entry(100, true, 'allow', '0.0.0.0/0'),
        ...star,
      ],
      out443(),
      'deny',
      90,
    ],
    [
      'rule number, not list order, decides',
      [
        entry(100, true, 'allow', '0.0.0.0/0'),
        entry(90, true, 'deny', '0.0.0.0/0', '6', [443, 443]),
        ...star,
      ],
      out443(),
      'deny',
      90,
    ],
    [
      'an allow numbered lower beats a later deny',
      [entry(80, true, 'allow', '0.0.0.0/0', '6', [443, 443]), entry(90, true, 'deny', '0.0.0.0/0'), ...star],
      out443(),
      'allow',
      null,
    ],
    [
      'no entry matches: the final * denies',
      [entry(100, true, 'allow', '0.0.0.0/0', '6', [80, 80]), ...star],
      out443(),
      'deny',
      '*',
    ],
    ['no entry at all: denied without a * entry listed', [], out443(), 'deny', '*'],
    [
      'a udp entry does not pass tcp',
      [entry(100, true, 'allow', '0.0.0.0/0', '17', [443, 443]), ...star],
      out443(),
      'deny',
      '*',
    ],
    [
      'outbound entries do not apply inbound',
      [entry(100, true, 'allow', '0.0.0.0/0'), ...star],
      returns(),
      'deny',
      '*',
    ],
    [
      'IPv6 traffic ignores IPv4 entries',
      [entry(100, true, 'allow', '0.0.0.0/0'), ...star],
      out443(INTERNET[6]),
      'deny',
      '*',
    ],
    [
      'IPv6 traffic matches IPv6 entries',
      [entry(100, true, 'allow', '0.0.0.0/0'), entry(101, true, 'allow', '::/0'), ...star],
      out443(INTERNET[6]),
      'allow',
      null,
    ],
    [
      'replies on 1024-32767 are dropped when only 32768-65535 is open',
      [entry(100, false, 'allow', '0.0.0.0/0', '6', [32768, 65535]), ...star],
      returns(),
      'deny',
      '*',
    ],
    [
      'the ephemeral range split over two entries is open',
      [
        entry(100, false, 'allow', '0.0.0.0/0', '6', [1024, 32767]),
        entry(110, false, 'allow', '0.0.0.0/0', '6', [32768, 65535]),
        ...star,
      ],
      returns(),
      'allow',
      null,
    ],
    [
      'part of the function subnet allowed: depends on the address',
      [entry(100, true, 'allow', '10.0.1.0/25'), ...star],
      out443([c('10.0.1.0/24')]),
      'partial',
      '*',
    ],
    [
      'one public range denied before allow all: the internet as a whole is partial',
      [entry(50, true, 'deny', '52.0.0.0/8'), entry(100, true, 'allow', '0.0.0.0/0'), ...star],
      out443(),
      'partial',
      50,
    ],
    [
      '… a host in that range is denied',
      [entry(50, true, 'deny', '52.0.0.0/8'), entry(100, true, 'allow', '0.0.0.0/0'), ...star],
      out443([c('52.94.1.1/32')]),
      'deny',
      50,
    ],
    [
      '… a host outside it is allowed',
      [entry(50, true, 'deny', '52.0.0.0/8'), entry(100, true, 'allow', '0.0.0.0/0'), ...star],
      out443([c('8.8.8.8/32')]),
      'allow',
      null,
    ],
    [
      'a private-range deny does not touch the internet',
      [entry(50, true, 'deny', '10.0.0.0/8'), entry(100, true, 'allow', '0.0.0.0/0'), ...star],
      out443(),
      'allow',
      null,
    ],
  ])('%s', (_name, entries, q, status, firstDeny) => {
    const r = evaluateAcl(acl(ACL, [FN_A], entries), q);
    expect(r.status).toBe(status);
    const deny = r.firstDeny;
    const number =
      deny === undefined
        ? null
        : deny.entry === undefined || deny.entry.RuleNumber === 32767
          ? '*'
          : deny.entry.RuleNumber;
    expect(number).toBe(firstDeny);
  });

  it('names the ports on which every address is denied', () => {
    const r = evaluateAcl(
      acl(
        ACL,
        [FN_A],
        [
          entry(100, false, 'allow', '0.0.0.0/0', '6', [32768, 65535]),
          entry(90, false, 'deny', '0.0.0.0/0', '6', [2000, 3000]),
        ],
      ),
      returns(),
    );
    expect(r.deniedPorts).toEqual([[1024, 32767]]);
    expect(r.decided.map((d) => d.entry?.RuleNumber ?? '*')).toEqual([90, 100, '*']);
  });
});

describe('aclOf', () => {
  it('takes the associated ACL, else the VPC default', () => {
    const own = acl('acl-0000000000000own1', [DB], allowAll());
    const def = acl(ACL, [FN_A], allowAll(), true);
    expect(aclOf(DB, VPC, [def, own])?.NetworkAclId).toBe('acl-0000000000000own1');
    expect(aclOf('subnet-0unassociated0001', VPC, [def, own])?.NetworkAclId).toBe(ACL);
    expect(aclOf('subnet-0unassociated0001', 'vpc-0other00000000000', [def, own])).toBeUndefined();
  });
});
