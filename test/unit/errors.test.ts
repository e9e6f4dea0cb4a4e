import { describe, expect, it } from 'vitest';
import { foreignAnswer, isTransient, toCliError } from '../../src/errors.js';

/** An error as the SDK throws it after a response it could not read: $response is not enumerable. */
function unreadable(name: string, message: string, status: number, contentType: string, attempts = 1) {
  const error = Object.assign(new Error(message), {
    name,
    $metadata: { httpStatusCode: status, attempts },
  });
  Object.defineProperty(error, '$response', {
    value: { statusCode: status, headers: { 'content-type': contentType } },
    enumerable: false,
  });
  return error;
}

describe('an answer that is not AWS', () => {
  const lambda502 = unreadable(
    'SyntaxError',
    `Unexpected token '<', "<html>" is not valid JSON`,
    502,
    'text/html',
    6,
  );
  const ec2502 = Object.assign(unreadable('Unknown', 'Unknown', 502, 'text/html; charset=utf-8'), {
    $fault: 'server',
  });

  it('is recognised from the status and what came back, for JSON and XML services alike', () => {
    expect(foreignAnswer(lambda502)).toEqual({ status: 502, body: 'an HTML page' });
    expect(foreignAnswer(ec2502)).toEqual({ status: 502, body: 'an HTML page' });
    expect(foreignAnswer(unreadable('SyntaxError', 'x', 200, 'application/json'))).toEqual({
      status: 200,
      body: 'a body that is not an AWS answer',
    });
    const aws = Object.assign(new Error('Service Unavailable'), {
      name: 'ServiceUnavailableException',
      $fault: 'server',
      $metadata: { httpStatusCode: 503 },
    });
    expect(foreignAnswer(aws)).toBeUndefined();
    expect(foreignAnswer(new SyntaxError('not from a response'))).toBeUndefined();
  });

  it('is transient while waiting, like any 5xx', () => {
    expect(isTransient(lambda502)).toBe(true);
    expect(isTransient(ec2502)).toBe(true);
    expect(isTransient(new SyntaxError('a bug of ours'))).toBe(false);
  });

  it('says what came back, and that an update already sent continues', () => {
    const error = toCliError(lambda502);
    expect(error).toMatchObject({
      code: 'ServiceError',
      exitCode: 1,
      message: 'Got HTTP 502 Bad Gateway with an HTML page instead of an AWS answer (6 attempts).',
    });
    expect(error.hint).toContain("Any update already sent continues on AWS's side");
    expect(toCliError(ec2502).message).toBe(
      'Got HTTP 502 Bad Gateway with an HTML page instead of an AWS answer.',
    );
  });
});

describe('signature refusals', () => {
  it.each([
    'InvalidSignatureException',
    'SignatureDoesNotMatch',
    'IncompleteSignatureException',
    'IncompleteSignature',
  ])('%s is a credential error', (name) => {
    const error = Object.assign(new Error('The request signature we calculated does not match'), {
      name,
      $metadata: { httpStatusCode: 403 },
    });
    expect(toCliError(error)).toMatchObject({ code: 'Credentials', exitCode: 3 });
  });
});
