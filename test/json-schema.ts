import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

/**
 * The published JSON Schemas (schemas/*.json) as a check on every `--output json` document the
 * tests produce: runCli() and runBin() pass their stdout here, so a field that drifts from the
 * schema fails the test that printed it, whatever that test itself looks at.
 */

const SCHEMAS = new URL('../schemas/', import.meta.url);

const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, strictTypes: false });
for (const file of readdirSync(SCHEMAS).filter((f) => f.endsWith('.schema.json')))
  ajv.addSchema(JSON.parse(readFileSync(new URL(file, SCHEMAS), 'utf8')));

const COMMAND_SCHEMA: Record<string, string> = {
  attach: 'change.schema.json',
  detach: 'change.schema.json',
  status: 'status.schema.json',
  'check-perms': 'check-perms.schema.json',
  enis: 'enis.schema.json',
  reach: 'reach.schema.json',
  teardown: 'teardown.schema.json',
};

/** The keys of the error-only document: an error, and nothing of the command's own. */
const ENVELOPE = new Set(['schemaVersion', 'command', 'exitCode', 'results', 'summary', 'error']);

/** Which schema a document answers to, as docs/json-output.md tells users to choose it. */
export function schemaOf(doc: Record<string, unknown>): string {
  const errorOnly =
    doc.error !== null &&
    Array.isArray(doc.results) &&
    doc.results.length === 0 &&
    Object.keys(doc).every((k) => ENVELOPE.has(k));
  if (errorOnly || typeof doc.command !== 'string') return 'error.schema.json';
  return COMMAND_SCHEMA[doc.command] ?? 'error.schema.json';
}

const listErrors = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? [])
    .map((e) => `  ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
    .join('\n');

/** Throws, naming each violation, unless `doc` is valid against its schema. */
export function assertValidDocument(doc: unknown): void {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new Error(`JSON output is not an object: ${JSON.stringify(doc)?.slice(0, 200)}`);
  const name = schemaOf(doc as Record<string, unknown>);
  const validate = ajv.getSchema(name) as ValidateFunction | undefined;
  if (!validate) throw new Error(`no schema ${name} in schemas/`);
  if (!validate(doc))
    throw new Error(`JSON output does not match schemas/${name}:\n${listErrors(validate.errors)}`);
}

/**
 * The hook of the helpers that run the CLI: a stdout that holds a JSON document (it starts with
 * `{`: --help and --version print text) must be exactly one document, valid against its schema.
 */
export function checkJsonOutput(stdout: string): void {
  if (!stdout.trimStart().startsWith('{')) return;
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch (error) {
    throw new Error(`stdout starts like a JSON document but is not one: ${(error as Error).message}`);
  }
  assertValidDocument(doc);
}
