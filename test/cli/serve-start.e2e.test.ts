import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../../e2e/fixtures/app-server';
import { tempDirs } from '../../src/main/inference/__test__/helpers';
import { runCli } from './run-cli';

const tempDir = tempDirs('cli-serve');
let busy: Server;
let port: number;

beforeAll(async () => {
  ensureRendererBuilt();
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  port = (busy.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

describe('npm run serve', () => {
  it('fails on a busy port before it opens the dataset, leaving the folder untouched', async () => {
    const dataset = await tempDir();
    await writeFile(path.join(dataset, 'a.png'), 'not read');
    const result = await runCli('serve.ts', ['--dataset', dataset, '--port', String(port)]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`port ${port} is in use`);
    expect(existsSync(path.join(dataset, '.groundlabel'))).toBe(false);
  }, 60_000);
});
