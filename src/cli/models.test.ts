import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixtureModels, type FixtureModelPaths } from '../../test/fixtures/model-folders';
import { tempDirs } from '../main/inference/__test__/helpers';
import { startFileServer, type FileServer } from '../main/models/__test__/file-server';
import { sha256File } from '../main/models/hash-file';

const newDir = tempDirs('models-cli');
const SCRIPT = fileURLToPath(new URL('./models.ts', import.meta.url));
let fixtures: FixtureModelPaths;
let server: FileServer;
let modelSha: string;
let modelBytes: Buffer;

beforeAll(async () => {
  fixtures = await writeFixtureModels(path.join(await newDir(), 'fixtures'));
  modelBytes = await readFile(path.join(fixtures.flavourB, 'model.onnx'));
  modelSha = await sha256File(path.join(fixtures.flavourB, 'model.onnx'));
  server = await startFileServer(
    { '/b.onnx': modelBytes, '/unknown.onnx': await readFile(fixtures.unknown) },
    { dropFirstAt: Math.floor(modelBytes.length / 2) },
  );
});
afterAll(() => server.close());

async function models(args: string[], modelsDir: string) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', SCRIPT, ...args],
      {
        env: { ...process.env, GROUNDLABEL_MODELS_DIR: modelsDir, HTTPS_PROXY: '', HTTP_PROXY: '' },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (e) {
    const { code, stdout, stderr } = e as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe('npm run models', () => {
  it('adds a model folder, lists it with flavour, sha256 and place, and removes it by name', async () => {
    const dir = path.join(await newDir(), 'models');
    const added = await models(['add', fixtures.flavourB, '--name', 'My B'], dir);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toContain(`added My B as my-b (sha256 ${modelSha}, computed now)`);

    const listed = await models(['list'], dir);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('my-b  My B\n  flavour B,');
    expect(listed.stdout).toContain(`  sha256  ${modelSha} (computed)`);
    expect(listed.stdout).toContain(`  path    ${path.join(dir, 'my-b')}`);
    expect(listed.stderr).toContain('grounding-dino-tiny-fixedmask-onnx');

    const removed = await models(['remove', 'My B'], dir);
    expect(removed.code).toBe(0);
    expect(await readdir(dir)).toEqual([]);
  });

  it('downloads from an address whose connection drops halfway, verifying the sha256 given', async () => {
    const dir = path.join(await newDir(), 'models');
    const { code, stdout, stderr } = await models(['add', server.url('/b.onnx'), '--sha256', modelSha], dir);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(`(sha256 ${modelSha}, matches the one given)`);
    expect(stdout).toContain(`  source  ${server.url('/b.onnx')}`);
    expect(server.requests.filter((r) => r.path === '/b.onnx').map((r) => r.range)).toEqual([
      undefined,
      `bytes=${Math.floor(modelBytes.length / 2)}-`,
    ]);
  });

  it('exits with 1 and adds nothing when the sha256 differs, the file is no model, or the name is unknown', async () => {
    const dir = path.join(await newDir(), 'models');
    const wrong = await models(['add', fixtures.flavourB, '--sha256', 'b'.repeat(64)], dir);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`not the ${'b'.repeat(64)} expected; nothing was added`);

    const unknown = await models(['add', server.url('/unknown.onnx')], dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('error [download-failed]');
    expect(unknown.stderr).toContain('is not a model GroundLabel can use');

    const missing = await models(['remove', 'nothing-here'], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('There is no model "nothing-here"');
    expect((await models(['list'], dir)).stdout).toBe('');
  });

  it('exits with 2 and the usage after a bad argument', async () => {
    const { code, stderr } = await models(
      ['add', 'x.onnx', '--sha256', 'nothex'],
      path.join(await newDir(), 'm'),
    );
    expect(code).toBe(2);
    expect(stderr).toContain('error [bad-argument]: --sha256 must be 64 hex digits');
    expect(stderr).toContain('Usage: npm run models -- list');
  });
});
