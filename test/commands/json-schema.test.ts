import { describe, expect, it } from 'vitest';
import { fakeAwsOnFakeClock } from '../e2e/fakes.js';
import { demo, DEMO_IDS as I } from '../fake-aws/scenarios.js';
import { assertValidDocument, schemaOf } from '../json-schema.js';

// Every document the tests print is checked against schemas/ by runCli() and runBin(); these
// tests show that the check catches drift, and that no section comes and goes with a flag.

const start = fakeAwsOnFakeClock();
const SUBNETS = `${I.privateSubnetA},${I.privateSubnetB}`;

// biome-ignore lint/suspicious/noExplicitAny: a parsed document, edited to break it
type Doc = Record<string, any>;

async function documentOf(args: string[]): Promise<Doc> {
  const { cli } = await start(demo());
  const r = await cli(['-o', 'json', ...args]);
  return JSON.parse(r.stdout) as Doc;
}

/** The same document with one edit: it must no longer match its schema. */
const broken = (doc: Doc, edit: (copy: Doc) => void): Doc => {
  const copy = structuredClone(doc);
  edit(copy);
  return copy;
};

describe('the JSON Schemas catch drift', () => {
  it('a status document with its network analysis is valid; each drift from it is not', async () => {
    const doc = await documentOf(['status', 'reports-job']);
    expect(schemaOf(doc)).toBe('status.schema.json');
    assertValidDocument(doc);
    const drifts: Array<[string, (d: Doc) => void, RegExp]> = [
      ['an older schemaVersion', (d) => (d.schemaVersion = 1), /schemaVersion/],
      ['an unknown outcome', (d) => (d.results[0].outcome = 'done'), /outcome/],
      ['a field of our own that is not in the schema', (d) => (d.results[0].extra = 1), /additional/],
      ['a required field gone', (d) => delete d.results[0].functionArn, /functionArn/],
      ['a section gone', (d) => delete d.results[0].enis, /enis/],
      [
        'the verdict as a line only (schemaVersion 1)',
        (d) => {
          d.results[0].network.verdict.internet = d.results[0].network.verdict.internet.text;
        },
        /verdict\/internet/,
      ],
      [
        'a reachability word not in the enum',
        (d) => {
          d.results[0].network.verdict.awsServices.services[0].reachable = 'partly';
        },
        /reachable/,
      ],
      [
        'an unknown error code',
        (d) => {
          d.results[0].error = { code: 'Oops', exitCode: 1, message: 'x', hint: null };
        },
        /code/,
      ],
      ['an exit code we never use', (d) => (d.exitCode = 12), /exitCode/],
    ];
    for (const [what, edit, where] of drifts) {
      expect(() => assertValidDocument(broken(doc, edit)), what).toThrow(where);
    }
  });

  it('accepts the outcomes interrupted and timed-out, which the results may carry', async () => {
    const doc = await documentOf(['status', 'reports-job']);
    for (const outcome of ['interrupted', 'timed-out'])
      assertValidDocument(
        broken(doc, (d) => {
          d.results[0].outcome = outcome;
          d.summary.outcomes = { [outcome]: 1 };
        }),
      );
  });

  it('the error-only document: an error and nothing of the command', async () => {
    const doc = await documentOf(['status', 'reports-job', '--timeout', 'soon']);
    expect(schemaOf(doc)).toBe('error.schema.json');
    assertValidDocument(doc);
    expect(() => assertValidDocument(broken(doc, (d) => (d.error.exitCode = 0)))).toThrow(/exitCode/);
    expect(() => assertValidDocument(broken(doc, (d) => delete d.summary))).toThrow(/summary/);
  });
});

describe('sections are present whatever the flags', () => {
  it('attach --skip-network-check without --check-reach: network and reach say they were not checked', async () => {
    const doc = await documentOf([
      'attach',
      'reports-job',
      '--subnets',
      SUBNETS,
      '--sg',
      I.sgAllEgress,
      '--dry-run',
      '--skip-network-check',
    ]);
    expect(doc.network).toEqual({ checked: false, skippedReason: '--skip-network-check', forced: false });
    expect(doc.reach).toEqual({ checked: false, skippedReason: 'without --check-reach' });
    expect(doc.permissions).toMatchObject({ checked: true, verdict: 'allowed' });
    expect(() => assertValidDocument(broken(doc, (d) => delete d.reach))).toThrow(/reach/);
  });

  it('attach stopped by the network check: the role and reach checks say the command stopped first', async () => {
    const doc = await documentOf([
      'attach',
      'reports-job',
      '--subnets',
      I.dedicatedSubnet,
      '--sg',
      I.sgDedicated,
      '--check-reach',
      'internet',
    ]);
    expect(doc.exitCode).not.toBe(0);
    expect(doc.network.checked).toBe(true);
    expect(doc.permissions).toMatchObject({
      checked: false,
      skippedReason: 'the command stopped before the role check',
    });
    expect(doc.reach).toEqual({
      checked: false,
      skippedReason: 'the command stopped before the reach check',
    });
  });

  it('detach without --wait-enis: enis says it was not asked for', async () => {
    const doc = await documentOf(['detach', 'reports-job', '--dry-run']);
    expect(doc.enis).toEqual({ checked: false, skippedReason: 'without --wait-enis' });
    expect(doc).not.toHaveProperty('network');
  });
});
