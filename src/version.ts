// Replaced at build time from package.json (scripts/build.mjs); the fallback serves tests run from source.
declare const __LAMBDA_VPC_VERSION__: string | undefined;
export const VERSION: string =
  typeof __LAMBDA_VPC_VERSION__ === 'string' ? __LAMBDA_VPC_VERSION__ : '0.0.0-dev';
