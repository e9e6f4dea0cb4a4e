// What the benchmark needs from the TypeScript fixture; bench/run.mjs bundles this with esbuild.
export { startFakeAws } from '../test/fixture/fake-aws.js';
export { fleet, fleetNames, MINIMAL_IDS, minimal } from '../test/fixture/scenarios.js';
