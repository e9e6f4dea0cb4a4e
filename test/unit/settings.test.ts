import { describe, expect, it } from 'vitest';
import { refreshHint, type SharedFiles, settle } from '../../src/aws/settings.js';
import { regionFromArns } from '../../src/core/validate.js';
import { CliError } from '../../src/errors.js';

const FILES: SharedFiles = {
  configFile: {
    default: { region: 'us-west-2' },
    prod: { region: 'eu-central-1' },
    sso: { sso_session: 'corp', region: 'us-east-1' },
    legacy: { sso_start_url: 'https://corp.awsapps.com/start' },
    tool: { credential_process: '/usr/bin/get-creds', region: 'us-east-1' },
    'sso-session.corp': { sso_start_url: 'https://corp.awsapps.com/start' },
  },
  credentialsFile: { keysOnly: { aws_access_key_id: 'AKID', aws_secret_access_key: 's' } },
};
const env = { HOME: '/home/u' };
const KEYS = { AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'secret' };

describe('region, in the AWS CLI order', () => {
  const region = (regionFlag: string | undefined, e: NodeJS.ProcessEnv) => {
    const s = settle({ regionFlag, env: e }, FILES);
    return [s.region, s.regionSource];
  };
  it('--region, AWS_REGION, AWS_DEFAULT_REGION, then the profile', () => {
    const all = { ...env, AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'eu-west-1', AWS_PROFILE: 'prod' };
    expect(region('sa-east-1', all)).toEqual(['sa-east-1', '--region']);
    expect(region(undefined, all)).toEqual(['ap-south-1', 'AWS_REGION']);
    expect(region(undefined, { ...all, AWS_REGION: '' })).toEqual(['eu-west-1', 'AWS_DEFAULT_REGION']);
    expect(region(undefined, { ...env, AWS_PROFILE: 'prod' })).toEqual(['eu-central-1', 'profile']);
    expect(region(undefined, env)).toEqual(['us-west-2', 'profile']);
    expect(region(undefined, { ...env, AWS_PROFILE: 'keysOnly' })).toEqual([undefined, undefined]);
  });

  it('full ARNs of one region supply it; of two, or a name among them, not', () => {
    expect(
      regionFromArns([
        { id: 'a', name: 'a', region: 'eu-west-1' },
        { id: 'b', name: 'b', region: 'eu-west-1' },
      ]),
    ).toBe('eu-west-1');
    expect(
      regionFromArns([
        { id: 'a', name: 'a', region: 'eu-west-1' },
        { id: 'b', name: 'b' },
      ]),
    ).toBeUndefined();
    expect(
      regionFromArns([
        { id: 'a', name: 'a', region: 'eu-west-1' },
        { id: 'b', name: 'b', region: 'us-east-1' },
      ]),
    ).toBeUndefined();
    expect(regionFromArns([])).toBeUndefined();
  });
});

describe('profiles and credentials', () => {
  it('a named profile in neither file is an error naming it and the files', () => {
    let error: unknown;
    try {
      settle(
        { profileFlag: 'prdo', env: { ...env, AWS_CONFIG_FILE: '/c', AWS_SHARED_CREDENTIALS_FILE: '/k' } },
        FILES,
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(3);
    expect((error as CliError).message).toBe('The config profile (prdo) could not be found in /c or /k.');
    expect((error as CliError).hint).toBe(
      'Profiles there: default, keysOnly, legacy, prod, sso, tool. Check --profile, or create it with aws configure --profile prdo.',
    );
  });

  it('an unnamed default profile may be missing', () => {
    expect(settle({ env }, { configFile: {}, credentialsFile: {} }).profile).toBeUndefined();
  });

  it('environment keys sign unless --profile is given', () => {
    expect(
      settle({ env: { ...env, ...KEYS, AWS_PROFILE: 'prod' } }, FILES).environmentKeys?.accessKeyId,
    ).toBe('AKIDENV');
    expect(settle({ profileFlag: 'prod', env: { ...env, ...KEYS } }, FILES).environmentKeys).toBeUndefined();
  });

  it('SSO profiles, by sso_session or sso_start_url, are told to aws sso login', () => {
    const sso = settle({ profileFlag: 'sso', env }, FILES);
    expect(sso.sso).toBe(true);
    expect(refreshHint(sso)).toBe('Run aws sso login --profile sso, then run the command again.');
    expect(settle({ env: { ...env, AWS_PROFILE: 'legacy' } }, FILES).sso).toBe(true);
    expect(settle({ profileFlag: 'prod', env }, FILES).sso).toBe(false);
  });

  it("a profile's credential_process is its credentials' source, unless environment keys sign", () => {
    expect(settle({ profileFlag: 'tool', env }, FILES).credentialProcess).toBe('tool');
    expect(
      settle({ env: { ...env, ...KEYS, AWS_PROFILE: 'tool' } }, FILES).credentialProcess,
    ).toBeUndefined();
  });
});
