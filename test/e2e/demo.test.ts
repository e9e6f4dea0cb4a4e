import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cleanEnv, ROOT } from './spawn.js';

// The README's first command ends in `npm run demo`: it must keep working.
describe('npm run demo', () => {
  it('runs the whole story against the local fake AWS and exits 0', async () => {
    const env = cleanEnv({
      FAKE_AWS_UPDATE_DELAY_MS: '50',
      LAMBDA_VPC_POLL_INTERVAL_MS: '20',
      NO_COLOR: '1',
    });
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['scripts/demo.mjs'], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        out += d;
      });
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, out }));
    });
    expect(out).not.toContain('did not go as expected');
    expect(code).toBe(0);
    expect(out).toContain('✔ orders-api: attached to vpc-0a1b2c3d4e5f60001');
    expect(out).toContain('orders-api: unchanged, already attached as requested');
    expect(out).toContain('aws iam attach-role-policy --role-name legacy-worker-role');
    expect(out).toContain('✔ reports-job: detached from the VPC');
    expect(out).toContain('$ lambda-vpc check-perms legacy-worker');
    expect(out).toMatch(/PUBLIC_SUBNET_NO_INTERNET/);
  }, 60_000);
});
