import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, ROOT } from './spawn.js';

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    env: cleanEnv({
      npm_config_update_notifier: 'false',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });

describe('the published package', () => {
  const work = mkdtempSync(join(tmpdir(), 'lambda-vpc-pack-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const packed = () => {
    const [pack] = JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT)) as Array<{
      files: Array<{ path: string }>;
    }>;
    return (pack?.files ?? []).map((f) => f.path).sort();
  };

  it('contains the launcher, the built bundle, the licences and the user docs, and no sources or tests', () => {
    const files = packed();
    for (const f of ['bin/lambda-vpc.cjs', 'dist/cli.js', 'package.json', 'README.md', 'LICENSE'])
      expect(files).toContain(f);
    expect(files).toContain('dist/THIRD-PARTY-LICENSES.txt');
    // The launcher answers `COMMAND --help` from these.
    expect(files).toContain('dist/help/attach.txt');
    for (const schema of readdirSync(join(ROOT, 'schemas'))) expect(files).toContain(`schemas/${schema}`);
    // The CI recipes travel with the docs; the GitHub Action runs from a checkout, not from here.
    expect(files).toContain('docs/ci.md');
    for (const f of ['action.yml', 'docs/examples/github-actions.yml', 'scripts/github-action.mjs'])
      expect(files).not.toContain(f);
    const outside = files.filter(
      (f) =>
        !/^(bin\/lambda-vpc\.cjs|dist\/.+\.js|dist\/(help|THIRD-PARTY-LICENSES)\.txt|dist\/help\/[a-z-]+\.txt|docs\/[a-z-]+\.md|schemas\/[a-z-]+\.schema\.json|package\.json|README\.md|LICENSE)$/.test(
          f,
        ),
    );
    expect(outside).toEqual([]);
  });

  it('ships every doc that a hint, the help or the README points to', () => {
    const files = new Set(packed());
    const sources = [
      ...readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(ROOT, 'src', f)),
      join(ROOT, 'README.md'),
    ];
    const pointedTo = new Set(
      sources.flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/docs\/[a-z-]+\.md/g)].map((m) => m[0]),
      ),
    );
    expect(pointedTo.size).toBeGreaterThan(3);
    expect([...pointedTo].filter((doc) => !files.has(doc))).toEqual([]);
  });

  it('says where it comes from and under which licence', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.license).toBe('MIT');
    expect(pkg.repository?.url).toMatch(/^git\+https:\/\/.+\.git$/);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs?.url).toMatch(/^https:\/\//);
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    // Apache-2.0 and MIT ask for their notices to travel with the code the bundle contains.
    const notices = readFileSync(join(ROOT, 'dist', 'THIRD-PARTY-LICENSES.txt'), 'utf8');
    for (const bundled of ['@aws-sdk/client-lambda@', 'commander@', 'chalk@', 'ora@'])
      expect(notices).toContain(bundled);
    expect(notices).toContain('Apache License');
  });

  it('installs from the tarball with no runtime dependencies and runs with npx', () => {
    const tarball = JSON.parse(
      npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], ROOT),
    )[0].filename as string;
    const app = join(work, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), '{"name":"consumer","private":true}');
    npm(['install', '--offline', join(work, tarball)], app);
    const version = npm(['exec', '--offline', '--', 'lambda-vpc', '--version'], app).trim();
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    const help = npm(['exec', '--offline', '--', 'lambda-vpc', 'status', '--help'], app);
    expect(help).toContain('Usage: lambda-vpc status');
  });
});
