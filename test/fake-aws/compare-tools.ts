// What the moto comparisons share (compare-moto.ts, compare-moto-iam.ts): a moto server on a free
// port, and a field-by-field difference of two answers. Run by hand, never by `npm test`.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

export async function startMoto() {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`${url}/moto-api/`);
      return { url, stop: () => child.kill('SIGTERM') };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill('SIGTERM');
  throw new Error('moto.server did not start');
}

/** Appends to `out` each place where the two answers differ; paths matching `ignored` are skipped. */
export function diff(path: string, moto: unknown, fake: unknown, out: string[], ignored: RegExp): void {
  if (ignored.test(path)) return;
  if (Array.isArray(moto) && Array.isArray(fake)) {
    if (moto.length !== fake.length)
      out.push(`${path}: moto has ${moto.length} items, the fake ${fake.length}`);
    for (let i = 0; i < Math.min(moto.length, fake.length); i++)
      diff(`${path}[${i}]`, moto[i], fake[i], out, ignored);
    return;
  }
  if (moto && fake && typeof moto === 'object' && typeof fake === 'object' && !(moto instanceof Date)) {
    const keys = new Set([...Object.keys(moto), ...Object.keys(fake)]);
    for (const k of [...keys].sort()) {
      const m = (moto as Record<string, unknown>)[k];
      const f = (fake as Record<string, unknown>)[k];
      if (m === undefined && f !== undefined) {
        if (!ignored.test(`${path}.${k}`)) out.push(`${path}.${k}: only the fake: ${short(f)}`);
      } else if (f === undefined && m !== undefined) {
        if (!ignored.test(`${path}.${k}`)) out.push(`${path}.${k}: only moto: ${short(m)}`);
      } else diff(`${path}.${k}`, m, f, out, ignored);
    }
    return;
  }
  const norm = (v: unknown) => (v instanceof Date ? 'date' : v);
  if (norm(moto) !== norm(fake)) out.push(`${path}: moto ${short(moto)}, the fake ${short(fake)}`);
}

const short = (v: unknown) => {
  const s = JSON.stringify(v);
  return s && s.length > 160 ? `${s.slice(0, 157)}...` : s;
};

/** Asks moto and the fake each probe, prints where their answers differ, and returns how often. */
export async function printDifferences<C>(
  probes: Array<{ name: string; run: (client: C) => Promise<unknown> }>,
  moto: C,
  fake: C,
  ignored: RegExp,
): Promise<number> {
  let differences = 0;
  for (const probe of probes) {
    const out: string[] = [];
    diff('', await probe.run(moto), await probe.run(fake), out, ignored);
    differences += out.length;
    console.log(`\n## ${probe.name}: ${out.length === 0 ? 'same' : `${out.length} differences`}`);
    for (const line of out) console.log(`- ${line}`);
  }
  console.log(`\n${differences} differences in all.`);
  return differences;
}
