import { describe, expect, it } from 'vitest';
import { mergeNote, namesToResolve, uniqueTargets } from '../../src/core/unique-targets.js';
import { parseFunctionRef, type Target } from '../../src/core/validate.js';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:my-fn';
const PARTIAL = '123456789012:function:my-fn';
const target = (input: string): Target => ({ input, ref: parseFunctionRef(input) });
const inputs = (targets: Target[]) => targets.map((t) => t.input);

describe('uniqueTargets', () => {
  it('a full and a partial ARN of one function are one; the first named is kept', () => {
    const { targets, merges } = uniqueTargets([ARN, 'other', PARTIAL].map(target));
    expect(inputs(targets)).toEqual([ARN, 'other']);
    expect(mergeNote(merges[0] as (typeof merges)[0])).toBe(
      `'${ARN}', '${PARTIAL}' are the same function: worked on once, as '${ARN}'.`,
    );
  });

  it('a name is merged with an ARN once its account is known, and not before', () => {
    const given = ['my-fn', ARN].map(target);
    expect(inputs(uniqueTargets(given).targets)).toEqual(['my-fn', ARN]);
    const resolved = uniqueTargets(given, (t) => t.ref.accountId ?? '123456789012');
    expect(inputs(resolved.targets)).toEqual(['my-fn']);
    // The same name in another account is another function.
    const elsewhere = uniqueTargets(given, (t) => t.ref.accountId ?? '210987654321');
    expect(inputs(elsewhere.targets)).toEqual(['my-fn', ARN]);
  });

  it('the same name twice is one, with a note that says so', () => {
    const { targets, merges } = uniqueTargets(['my-fn', 'my-fn'].map(target));
    expect(inputs(targets)).toEqual(['my-fn']);
    expect(merges.map(mergeNote)).toEqual(["'my-fn' was named 2 times: worked on once."]);
  });

  it('a qualified target is another target; :$LATEST is the same as none', () => {
    const { targets } = uniqueTargets(['my-fn', 'my-fn:prod', 'my-fn:$LATEST', `${ARN}:prod`].map(target));
    expect(inputs(targets)).toEqual(['my-fn', 'my-fn:prod', `${ARN}:prod`]);
    const resolved = uniqueTargets(
      ['my-fn:prod', `${ARN}:prod`].map(target),
      (t) => t.ref.accountId ?? '123456789012',
    );
    expect(inputs(resolved.targets)).toEqual(['my-fn:prod']);
  });
});

describe('namesToResolve', () => {
  it('only the names that an ARN of the same name could duplicate, each once', () => {
    const given = ['my-fn', 'other', ARN, 'my-fn', 'my-fn:prod'].map(target);
    expect(inputs(namesToResolve(given))).toEqual(['my-fn']);
    expect(namesToResolve(['my-fn', 'other'].map(target))).toEqual([]);
  });
});
