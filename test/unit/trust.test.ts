import { describe, expect, it } from 'vitest';
import {
  lambdaTrust,
  parseTrustDocument,
  type TrustDocument,
  trustCheck,
  trustFixFor,
} from '../../src/core/trust.js';

// Trust policies as IAM serves them in GetRole: URL-encoded JSON.
const served = (doc: unknown) => encodeURIComponent(JSON.stringify(doc));

function parsed(doc: unknown): TrustDocument {
  const out = parseTrustDocument(served(doc));
  if ('error' in out) throw new Error(out.error);
  return out;
}

const trusting = (Principal: unknown, extra: Record<string, unknown> = {}) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal, Action: 'sts:AssumeRole', ...extra }],
});

const LAMBDA = { Service: 'lambda.amazonaws.com' };
const EC2_ONLY = trusting({ Service: 'ec2.amazonaws.com' });

describe('lambdaTrust', () => {
  it.each([
    ["the console's Lambda trust policy", trusting(LAMBDA)],
    [
      'a list of services (Lambda@Edge)',
      trusting({ Service: ['edgelambda.amazonaws.com', 'lambda.amazonaws.com'] }),
    ],
    ['the "*" principal', trusting('*')],
    ['an action wildcard', { Statement: { Effect: 'Allow', Principal: LAMBDA, Action: 'sts:*' } }],
    [
      'an action list',
      { Statement: [{ Effect: 'Allow', Principal: LAMBDA, Action: ['sts:TagSession', 'sts:AssumeRole'] }] },
    ],
    [
      'NotAction that leaves AssumeRole in',
      { Statement: [{ Effect: 'Allow', Principal: LAMBDA, NotAction: 'sts:TagSession' }] },
    ],
    [
      'a Deny for everyone but Lambda',
      {
        Statement: [
          { Effect: 'Allow', Principal: LAMBDA, Action: 'sts:AssumeRole' },
          { Effect: 'Deny', NotPrincipal: LAMBDA, Action: 'sts:AssumeRole' },
        ],
      },
    ],
  ])('allows with %s', (_, doc) => {
    expect(lambdaTrust(parsed(doc))).toMatchObject({ decision: 'allowed', detail: null });
  });

  it('names the statement that allows', () => {
    const doc = {
      Statement: [{ Sid: 'LambdaTrust', Effect: 'Allow', Principal: LAMBDA, Action: 'sts:AssumeRole' }],
    };
    expect(lambdaTrust(parsed(doc)).decidedBy).toBe('trust policy (LambdaTrust)');
  });

  it.each([
    ['only EC2 trusted', EC2_ONLY],
    ['another action only', trusting(LAMBDA, { Action: 'sts:AssumeRoleWithWebIdentity' })],
    [
      'NotAction excluding AssumeRole',
      { Statement: [{ Effect: 'Allow', Principal: LAMBDA, NotAction: 'sts:AssumeRole' }] },
    ],
    ['an account principal', trusting({ AWS: 'arn:aws:iam::123456789012:root' })],
  ])('does not allow with %s', (_, doc) => {
    expect(lambdaTrust(parsed(doc))).toMatchObject({
      decision: 'implicitDeny',
      detail: expect.stringContaining('does not let lambda.amazonaws.com assume the role'),
    });
  });

  it('reports an explicit Deny of Lambda, with the statement', () => {
    const doc = {
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' },
        { Sid: 'NoLambda', Effect: 'Deny', Principal: LAMBDA, Action: 'sts:*' },
      ],
    };
    expect(lambdaTrust(parsed(doc))).toMatchObject({
      decision: 'explicitDeny',
      decidedBy: 'trust policy (NoLambda)',
    });
  });

  it('is conditional on a Condition of the Allow, naming its keys', () => {
    const doc = trusting(LAMBDA, {
      Condition: {
        StringEquals: { 'aws:SourceAccount': '123456789012' },
        ArnLike: { 'aws:SourceArn': 'arn:aws:lambda:us-east-1:123456789012:function:*' },
      },
    });
    const answer = lambdaTrust(parsed(doc));
    expect(answer.decision).toBe('conditional');
    expect(answer.detail).toContain('aws:SourceAccount');
    expect(answer.detail).toContain('aws:SourceArn');
  });

  it('is conditional when a Deny may apply, even next to a plain Allow', () => {
    const doc = {
      Statement: [
        { Effect: 'Allow', Principal: LAMBDA, Action: 'sts:AssumeRole' },
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 'sts:AssumeRole',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    };
    expect(lambdaTrust(parsed(doc))).toMatchObject({
      decision: 'conditional',
      detail: expect.stringContaining(
        'a Deny of the trust policy applies to lambda.amazonaws.com depending on aws:SecureTransport',
      ),
    });
  });

  it('leaves {"AWS": "*"} open rather than guessing whether it includes a service', () => {
    const answer = lambdaTrust(parsed(trusting({ AWS: '*' })));
    expect(answer.decision).toBe('conditional');
    expect(answer.detail).toContain('Principal {"AWS":"*"}');
  });
});

describe('parseTrustDocument', () => {
  it('accepts plain JSON as well as URL-encoded', () => {
    expect(parseTrustDocument(JSON.stringify(EC2_ONLY))).toEqual(EC2_ONLY);
    expect(parseTrustDocument(served(EC2_ONLY))).toEqual(EC2_ONLY);
  });

  it('says why a document cannot be read', () => {
    expect(parseTrustDocument('%7B%22Statement')).toMatchObject({
      error: expect.stringContaining('not valid JSON'),
    });
    expect(parseTrustDocument('[]')).toMatchObject({ error: expect.stringContaining('not a JSON object') });
  });
});

describe('trustFixFor', () => {
  it('adds a statement for Lambda and keeps every existing one', () => {
    const fix = trustFixFor('orders-api-role', parsed(EC2_ONLY), 'implicitDeny');
    expect(fix?.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        { Sid: 'LambdaAssumeRole', Effect: 'Allow', Principal: LAMBDA, Action: 'sts:AssumeRole' },
      ],
    });
    expect(fix?.command).toBe(
      `aws iam update-assume-role-policy --role-name orders-api-role --policy-document '${JSON.stringify(fix?.document)}'`,
    );
    // The fixed document is trusted.
    expect(lambdaTrust(fix?.document as TrustDocument).decision).toBe('allowed');
  });

  it('quotes a single quote inside the document for the shell', () => {
    const doc = trusting({ Service: 'ec2.amazonaws.com' }, { Sid: "Bob's" });
    const fix = trustFixFor('r', parsed(doc), 'implicitDeny');
    expect(fix?.command).toContain(`"Sid":"Bob'\\''s"`);
  });

  it.each(['allowed', 'explicitDeny', 'conditional', 'unknown'] as const)(
    'offers no fix when %s',
    (decision) => {
      expect(trustFixFor('r', parsed(EC2_ONLY), decision)).toBeNull();
    },
  );
});

describe('trustCheck', () => {
  it("is a hard requirement decided from the role's policies", () => {
    expect(trustCheck({ decision: 'allowed', decidedBy: 'trust policy', detail: null })).toEqual({
      action: 'sts:AssumeRole',
      required: 'hard',
      method: 'policies',
      decision: 'allowed',
      decidedBy: 'trust policy',
      detail: null,
    });
  });
});
