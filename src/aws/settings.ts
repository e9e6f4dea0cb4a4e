import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../errors.js';

/**
 * What the run's AWS calls go out with, settled once before the first of them, in the AWS
 * CLI's order: the profile (--profile, AWS_PROFILE), its existence, the region (--region,
 * AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`) and where the credentials come from.
 */
export interface AwsSettings {
  /** The profile named by --profile or AWS_PROFILE; undefined when none was named ("default" is used). */
  profile: string | undefined;
  /** undefined when no source names one; a full ARN may still supply it (AwsClients.regionFor). */
  region: string | undefined;
  regionSource: RegionSource | undefined;
  /** The profile signs in through IAM Identity Center (sso_session or sso_start_url in its section). */
  sso: boolean;
  /**
   * AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the environment, when they, not the profile,
   * sign the calls: as with the AWS CLI, when no --profile was given (AWS_PROFILE then only
   * names where the other settings come from). The SDK would prefer AWS_PROFILE's credentials.
   */
  environmentKeys: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
  /**
   * The profile gets its credentials from its credential_process: its failure is the answer,
   * as in the AWS CLI, rather than the SDK's "Could not load credentials from any providers"
   * once the rest of its chain has failed too.
   */
  credentialProcess: string | undefined;
  /** One line for --debug: which credentials sign the calls. Never the keys themselves. */
  credentialSource: string;
}

export type RegionSource = '--region' | 'AWS_REGION' | 'AWS_DEFAULT_REGION' | 'profile';

type Section = Record<string, string | undefined>;

/** The profiles of the config and credentials files, as the SDK parses them ("profile x" → "x"). */
export interface SharedFiles {
  configFile: Record<string, Section>;
  credentialsFile: Record<string, Section>;
}

/** Where the SDK, and the AWS CLI, look for the shared files. */
export function sharedFilePaths(env: NodeJS.ProcessEnv): { config: string; credentials: string } {
  const home = env.HOME || env.USERPROFILE || homedir();
  return {
    config: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
  };
}

/** Reads the shared files with the SDK's own parser (a missing file is an empty one). */
export async function readSharedFiles(env: NodeJS.ProcessEnv): Promise<SharedFiles> {
  const { loadSharedConfigFiles } = await import('@smithy/core/config');
  const paths = sharedFilePaths(env);
  const files = await loadSharedConfigFiles({ configFilepath: paths.config, filepath: paths.credentials });
  return { configFile: files.configFile ?? {}, credentialsFile: files.credentialsFile ?? {} };
}

export interface SettingsInput {
  regionFlag?: string | undefined;
  profileFlag?: string | undefined;
  /** The environment the SDK reads (process.env): what we decide must agree with what it does. */
  env: NodeJS.ProcessEnv;
}

/**
 * Settles the settings without any network call. A named profile that neither file has is an
 * error here, before any AWS call, as in the AWS CLI; so is nothing else.
 */
export function settle(input: SettingsInput, files: SharedFiles): AwsSettings {
  const { env, regionFlag, profileFlag } = input;
  const named = profileFlag ?? (env.AWS_PROFILE || undefined);
  const profileName = named ?? 'default';
  const config = files.configFile[profileName];
  const credentials = files.credentialsFile[profileName];
  if (named !== undefined && !config && !credentials)
    throw profileNotFound(named, profileFlag !== undefined ? '--profile' : 'AWS_PROFILE', env, files);

  const region = regionOf(regionFlag, env, { ...credentials, ...config });
  const keys =
    profileFlag === undefined && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          accessKeyId: env.AWS_ACCESS_KEY_ID,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
          ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
        }
      : undefined;
  return {
    profile: named,
    region: region?.value,
    regionSource: region?.source,
    sso: Boolean(config?.sso_session || config?.sso_start_url),
    environmentKeys: keys,
    credentialProcess:
      !keys && config?.credential_process && !(credentials ?? config).aws_access_key_id
        ? profileName
        : undefined,
    credentialSource: describeSource(profileFlag, named, keys !== undefined, env),
  };
}

function regionOf(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  profile: Section,
): { value: string; source: RegionSource } | undefined {
  if (flag) return { value: flag, source: '--region' };
  if (env.AWS_REGION) return { value: env.AWS_REGION, source: 'AWS_REGION' };
  if (env.AWS_DEFAULT_REGION) return { value: env.AWS_DEFAULT_REGION, source: 'AWS_DEFAULT_REGION' };
  if (profile.region) return { value: profile.region, source: 'profile' };
  return undefined;
}

function describeSource(
  profileFlag: string | undefined,
  named: string | undefined,
  useKeys: boolean,
  env: NodeJS.ProcessEnv,
): string {
  const envKeys = Boolean(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY);
  if (profileFlag !== undefined)
    return `profile ${profileFlag} (--profile)${envKeys ? '; AWS_ACCESS_KEY_ID in the environment is not used' : ''}`;
  if (useKeys)
    return `AWS_ACCESS_KEY_ID from the environment${named ? `; AWS_PROFILE=${named} supplies the other settings` : ''}`;
  if (named) return `profile ${named} (AWS_PROFILE)`;
  return 'the SDK chain (default profile, web identity, container or instance metadata)';
}

function profileNotFound(
  name: string,
  from: '--profile' | 'AWS_PROFILE',
  env: NodeJS.ProcessEnv,
  files: SharedFiles,
): CliError {
  const paths = sharedFilePaths(env);
  const known = [...new Set([...Object.keys(files.configFile), ...Object.keys(files.credentialsFile)])]
    .filter((profile) => !profile.includes('.'))
    .sort();
  return new CliError(
    'Credentials',
    `The config profile (${name}) could not be found in ${paths.config} or ${paths.credentials}.`,
    {
      hint: `${known.length ? `Profiles there: ${known.join(', ')}. ` : 'Neither file has a profile. '}Check ${from}, or create it with aws configure --profile ${name}.`,
    },
  );
}

/** What to do when AWS refused the credentials that signed a call (expired, revoked, mistyped). */
export function refreshHint(settings: AwsSettings): string {
  if (settings.environmentKeys)
    return `AWS refused the keys in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY${settings.environmentKeys.sessionToken ? '/AWS_SESSION_TOKEN (temporary keys expire)' : ''}: set fresh ones, or unset them to use a profile.`;
  const profile = settings.profile;
  if (settings.sso)
    return `Run aws sso login${profile ? ` --profile ${profile}` : ''}, then run the command again.`;
  if (profile)
    return `Refresh the credentials of profile ${profile} (aws configure --profile ${profile}, or what issues them), or pass another --profile.`;
  return 'Refresh your AWS credentials (aws sso login, aws configure, or fresh AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN), then run the command again.';
}
