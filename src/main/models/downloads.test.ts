import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeFixtureModels, type FixtureModelPaths } from '../../../test/fixtures/model-folders';
import type { CatalogueEntry, DownloadStatus } from '../../shared/models';
import { BUNDLED_VOCAB_PATH, caught, tempDirs } from '../inference/__test__/helpers';
import { startFileServer, type FileServer, type ServerBehaviour } from './__test__/file-server';
import { DownloadManager, type DownloadManagerOptions } from './downloads';
import { sha256File } from './hash-file';
import { DOWNLOADS_DIR, ModelLibrary } from './model-library';

const tempDir = tempDirs('downloads');
let fixtures: FixtureModelPaths;
let files: Record<string, Buffer>;
let modelSha: string;

beforeAll(async () => {
  fixtures = await writeFixtureModels(path.join(await tempDir(), 'fixtures'));
  files = {
    '/b/model.onnx': await readFile(path.join(fixtures.flavourB, 'model.onnx')),
    '/b/groundlabel.json': await readFile(path.join(fixtures.flavourB, 'groundlabel.json')),
    '/unknown.onnx': await readFile(fixtures.unknown),
  };
  modelSha = await sha256File(path.join(fixtures.flavourB, 'model.onnx'));
});

let servers: FileServer[] = [];
let managers: DownloadManager[] = [];
afterEach(async () => {
  await Promise.all(managers.map((m) => m.close()));
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  managers = [];
});

async function setUp(behaviour: ServerBehaviour = {}, options: Partial<DownloadManagerOptions> = {}) {
  const server = await startFileServer(files, behaviour);
  servers.push(server);
  const library = new ModelLibrary(path.join(await tempDir(), 'models'), BUNDLED_VOCAB_PATH);
  const seen: DownloadStatus[] = [];
  const make = () => {
    const m = new DownloadManager({
      library,
      retryDelaysMs: [0, 0],
      onChange: (s) => seen.push(s),
      ...options,
    });
    managers.push(m);
    return m;
  };
  return { server, library, seen, make, manager: make() };
}

/** Resolves once `manager` reports the download in `state`. */
function until(seen: DownloadStatus[], state: DownloadStatus['state']): Promise<DownloadStatus> {
  return new Promise((resolve) => {
    const check = () => {
      const hit = seen.find((s) => s.state === state);
      if (hit) resolve(hit);
      else setImmediate(check);
    };
    check();
  });
}

describe('DownloadManager', () => {
  it('goes on by itself after the connection drops halfway, then verifies and registers the model', async () => {
    const half = Math.floor(files['/b/model.onnx'].length / 2);
    const { server, library, manager } = await setUp({ dropFirstAt: half });
    const started = await manager.start({
      url: server.url('/b/model.onnx'),
      sha256: modelSha,
      name: 'Fixture B',
    });
    const model = await manager.finished(started.id);
    expect(model).toMatchObject({ name: 'Fixture B', flavour: 'B', sha256: modelSha, sha256From: 'given' });
    expect(server.requests.map((r) => r.range)).toEqual([undefined, `bytes=${half}-`]);
    expect((await library.list()).installed.map((m) => m.name)).toEqual(['Fixture B']);
    expect(manager.list()).toEqual([]);
    expect(await readdir(path.join(library.dir, DOWNLOADS_DIR))).toEqual([]);
  });

  it('refuses a file whose sha256 is not the one expected: deleted, nothing registered', async () => {
    const { server, library, manager } = await setUp();
    const started = await manager.start({ url: server.url('/b/model.onnx'), sha256: 'a'.repeat(64) });
    const e = await caught(() => manager.finished(started.id), 'download-failed');
    expect(e.message).toContain(`not the ${'a'.repeat(64)} given: it was deleted and nothing was registered`);
    expect(manager.status(started.id)).toMatchObject({ state: 'failed', resumable: false });
    expect((await library.list()).installed).toEqual([]);
    expect(existsSync(path.join(library.dir, DOWNLOADS_DIR, started.id))).toBe(false);
  });

  it('starts over cleanly from a server without Range support after a drop', async () => {
    const { server, manager } = await setUp({ ranges: false, dropFirstAt: 1000 });
    const started = await manager.start({ url: server.url('/b/model.onnx'), sha256: modelSha });
    expect(await manager.finished(started.id)).toMatchObject({ sha256: modelSha });
    expect(server.requests[1].range).toBe('bytes=1000-');
  });

  it('says plainly that a 404 address has no file, keeping nothing', async () => {
    const { server, library, manager } = await setUp();
    const started = await manager.start({ url: server.url('/missing.onnx') });
    const e = await caught(() => manager.finished(started.id), 'download-failed');
    expect(e.message).toBe(
      `${server.url('/missing.onnx')} answered HTTP 404 (there is no file at that address)`,
    );
    expect((await library.list()).installed).toEqual([]);
  });

  it('gives up on a server that goes quiet, keeps what arrived, and resumes from it', async () => {
    const { server, manager } = await setUp({ stallAfter: 500 }, { idleTimeoutMs: 200 });
    const started = await manager.start({ url: server.url('/b/model.onnx') });
    const e = await caught(() => manager.finished(started.id), 'download-failed');
    expect(e.message).toContain('sent nothing for');
    expect(e.message).toContain('tried 3 times. What arrived is kept: resume goes on from it.');
    // Each try went on from the last: three tries of 500 bytes.
    expect(manager.status(started.id)).toMatchObject({ state: 'failed', resumable: true, received: 1500 });
    server.behave({});
    manager.resume(started.id);
    expect(await manager.finished(started.id)).toMatchObject({ sha256: modelSha, sha256From: 'computed' });
    expect(server.requests.at(-1)?.range).toBe('bytes=1500-');
  });

  it('pauses keeping the bytes, and after a restart resumes from them', async () => {
    const { server, seen, manager, make, library } = await setUp({ stallAfter: 700 });
    const started = await manager.start({ url: server.url('/b/model.onnx') });
    await new Promise<void>((resolve) => {
      const check = () => (seen.some((s) => s.received === 700) ? resolve() : setImmediate(check));
      check();
    });
    manager.pause(started.id);
    expect(await manager.finished(started.id)).toBeNull();
    expect(manager.status(started.id)).toMatchObject({ state: 'paused', received: 700, resumable: true });

    server.behave({});
    const after = make();
    await after.restore();
    expect(after.list()).toEqual([
      expect.objectContaining({ id: started.id, state: 'paused', received: 700 }),
    ]);
    after.resume(started.id);
    expect(await after.finished(started.id)).toMatchObject({ sha256: modelSha });
    expect(server.requests.at(-1)?.range).toBe('bytes=700-');
    expect((await library.list()).installed).toHaveLength(1);
  });

  it('cancels a download at once, even before its first byte, and deletes what it received', async () => {
    // A stalled server never ends the request by itself: only the cancel can (within the test's time).
    const { server, seen, manager, library } = await setUp({ stallAfter: 300 }, { idleTimeoutMs: 600_000 });
    const started = await manager.start({ url: server.url('/b/model.onnx') });
    await until(seen, 'running');
    await manager.cancel(started.id);
    expect(manager.list()).toEqual([]);
    expect(await readdir(path.join(library.dir, DOWNLOADS_DIR))).toEqual([]);
  });

  it('downloads a catalogue entry of several files, checking the sha256 its publisher gives', async () => {
    const { server } = await setUp();
    const entry: CatalogueEntry = {
      id: 'fixture-b',
      name: 'Fixture B (catalogue)',
      flavour: 'B',
      publisher: 'tests',
      sourcePage: server.url('/b/'),
      licence: 'Apache-2.0',
      approxBytes: null,
      files: [
        { path: 'model.onnx', url: server.url('/b/model.onnx'), bytes: null, sha256: modelSha },
        { path: 'groundlabel.json', url: server.url('/b/groundlabel.json'), bytes: null, sha256: null },
      ],
    };
    const library = new ModelLibrary(path.join(await tempDir(), 'models'), BUNDLED_VOCAB_PATH);
    const manager = new DownloadManager({ library, catalogue: [entry] });
    managers.push(manager);
    const started = await manager.start({ catalogueId: 'fixture-b' });
    const model = await manager.finished(started.id);
    expect(model).toMatchObject({
      name: 'Fixture B (catalogue)',
      sha256From: 'published',
      source: { kind: 'catalogue', catalogueId: 'fixture-b' },
    });
    expect(model?.files.map((f) => f.path).sort()).toEqual(['groundlabel.json', 'model.onnx']);
    // The small file first, so that the total is known while the model's file arrives.
    expect(server.requests.map((r) => r.path)).toEqual(['/b/groundlabel.json', '/b/model.onnx']);
  });

  it('refuses a downloaded file that is no model GroundLabel can use, registering nothing', async () => {
    const { server, library, manager } = await setUp();
    const started = await manager.start({ url: server.url('/unknown.onnx') });
    const e = await caught(() => manager.finished(started.id), 'download-failed');
    expect(e.message).toContain('is not a model GroundLabel can use');
    expect(e.message).toContain('Inputs found');
    expect((await library.list()).installed).toEqual([]);
  });
});
