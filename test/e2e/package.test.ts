import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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

  it('contains the launcher, the built bundle and the JSON Schemas, and no sources, tests or docs sources', () => {
    const [pack] = JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT)) as Array<{
      files: Array<{ path: string }>;
    }>;
    const files = (pack?.files ?? []).map((f) => f.path).sort();
    expect(files).toContain('bin/lambda-vpc.cjs');
    expect(files).toContain('dist/cli.js');
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
    for (const schema of readdirSync(join(ROOT, 'schemas'))) expect(files).toContain(`schemas/${schema}`);
    const outside = files.filter(
      (f) =>
        !/^(bin\/lambda-vpc\.cjs|dist\/.+\.js|dist\/help\.txt|schemas\/[a-z-]+\.schema\.json|package\.json|README\.md|LICENSE)$/.test(
          f,
        ),
    );
    expect(outside).toEqual([]);
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
