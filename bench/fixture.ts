// What the benchmark needs from the TypeScript fixture; bench/run.mjs bundles this with esbuild.
export { startFakeAws } from '../test/fake-aws/fake-aws.js';
export { fleet, fleetNames, MINIMAL_IDS, minimal } from '../test/fake-aws/scenarios.js';
