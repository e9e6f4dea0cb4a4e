import { describe, expect, it } from 'vitest';
import { endsTheRun, foreignAnswer, isTransient, toCliError } from '../../src/errors.js';

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

describe('refused credentials, in every service’s words', () => {
  it.each([
    'ExpiredToken',
    'ExpiredTokenException',
    'RequestExpired',
    'InvalidClientTokenId',
    'UnrecognizedClientException',
    'AuthFailure',
    'MissingAuthenticationToken',
  ])('%s: exit 3, ends the run, hint to refresh', (name) => {
    const error = Object.assign(new Error('The security token included in the request is expired'), {
      name,
      $metadata: { httpStatusCode: 403 },
    });
    const cli = toCliError(error);
    expect(cli).toMatchObject({
      code: 'Credentials',
      exitCode: 3,
      message: `AWS refused the credentials: ${name}: The security token included in the request is expired`,
    });
    expect(cli.hint).toMatch(/^Refresh your AWS credentials/);
    expect(endsTheRun(error)).toBe(true);
  });

  it('takes the hint the clients gave for the credentials in use', () => {
    const error = Object.assign(new Error('expired'), {
      name: 'ExpiredToken',
      $credentialsHint: 'Run aws sso login --profile dev, then run the command again.',
    });
    expect(toCliError(error).hint).toBe('Run aws sso login --profile dev, then run the command again.');
  });

  it("keeps a provider's own reason (credential_process, SSO)", () => {
    const error = Object.assign(new Error('Profile tool credential_process exited with code 7'), {
      name: 'CredentialsProviderError',
    });
    expect(toCliError(error).message).toBe(
      'AWS credentials are missing or invalid: Profile tool credential_process exited with code 7',
    );
  });
});

describe('an answer from something that is not AWS at all', () => {
  const empty404 = (name: string, message: string) => {
    const error = Object.assign(new Error(message), {
      name,
      $metadata: { httpStatusCode: 404 },
      $endpoint: '127.0.0.1:4566',
    });
    Object.defineProperty(error, '$response', {
      value: { statusCode: 404, headers: { 'content-length': '0' } },
      enumerable: false,
    });
    return error;
  };

  it('an empty 404 with no content type (Lambda: Unknown/UnknownError, EC2: NotFound/Unknown) is named, with the host', () => {
    for (const error of [empty404('Unknown', 'UnknownError'), empty404('NotFound', 'Unknown')]) {
      expect(foreignAnswer(error)).toEqual({
        status: 404,
        body: 'an empty body',
        endpoint: '127.0.0.1:4566',
      });
      const cli = toCliError(error);
      expect(cli.message).toBe(
        'Got HTTP 404 Not Found with an empty body from 127.0.0.1:4566 instead of an AWS answer.',
      );
      expect(cli.hint).toContain('--endpoint-url');
      expect(cli.code).not.toBe('NotFound');
    }
  });

  it('a mocked client error without the raw answer is still taken as AWS said it', () => {
    const error = Object.assign(new Error('Function not found'), {
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
    expect(foreignAnswer(error)).toBeUndefined();
  });

  it('a proxy that refuses the tunnel is a network error that names it', () => {
    const error = Object.assign(
      new Error('The proxy http://p:3128 refused to connect to x:443: HTTP 403 Forbidden.'),
      {
        name: 'ProxyRefused',
      },
    );
    expect(toCliError(error)).toMatchObject({ code: 'Network', exitCode: 1 });
    expect(toCliError(error).hint).toContain('HTTPS_PROXY');
  });
});
