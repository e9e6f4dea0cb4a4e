import { describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers.js';
import { checkJsonOutput } from '../json-schema.js';

// The CLI made to print a document that drifted from its schema: a field our schema does not
// know. runCli() (and runBin(), which passes its stdout to the same check) must fail the test.
vi.mock('../../src/output/json.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/output/json.js')>();
  return {
    ...real,
    jsonDocument: (...args: Parameters<typeof real.jsonDocument>) =>
      real.jsonDocument(...args).replace('"schemaVersion": 2,', '"schemaVersion": 2, "drifted": true,'),
  };
});

describe('the schema check of the helpers that run the CLI', () => {
  it('fails the test that printed a document its schema does not allow', async () => {
    await expect(runCli(['-o', 'json', 'status'])).rejects.toThrow(
      /does not match schemas\/[a-z-]+\.schema\.json:\n[\s\S]*drifted/,
    );
  });

  it('passes text through (--help, --version, human output) and refuses a broken document', async () => {
    expect((await runCli(['--version'])).code).toBe(0);
    expect(() => checkJsonOutput('Usage: lambda-vpc\n')).not.toThrow();
    expect(() => checkJsonOutput('{"schemaVersion": 2,\n')).toThrow(/not one/);
    expect(() => checkJsonOutput('{"schemaVersion": 2}\n{"schemaVersion": 2}\n')).toThrow(/not one/);
  });
});
