import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeFixtureModels, type FixtureModelPaths } from '../../test/fixtures/model-folders';
import { channelCalls } from './__test__/calls';
import { eventRecorder } from './__test__/events';
import { AppServices } from './app-services';
import { FolderAccess } from './fs/folder-access';
import { tempDirs } from './inference/__test__/helpers';
import { startFileServer, type FileServer } from './models/__test__/file-server';
import { memorySettings } from './settings/settings-store';

const tempDir = tempDirs('app-services-models');
let fixtures: FixtureModelPaths;
let fixturesDir: string;
let server: FileServer;

beforeAll(async () => {
  fixturesDir = path.join(await tempDir(), 'fixtures');
  fixtures = await writeFixtureModels(fixturesDir);
  server = await startFileServer({ '/b.onnx': await readFile(path.join(fixtures.flavourB, 'model.onnx')) });
});
afterAll(() => server.close());

let open: AppServices[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

async function services(mode: 'electron' | 'browser') {
  const { events, emit, next } = eventRecorder();
  const modelsDir = path.join(await tempDir(), 'models');
  const settings = memorySettings();
  const s = new AppServices({
    mode,
    device: 'cpu',
    emit,
    settings,
    modelsDir,
    ...(mode === 'browser' && { modelAccess: new FolderAccess([modelsDir, fixtures.flavourB]) }),
  });
  open.push(s);
  const { call, fails } = channelCalls(s.handlers);
  return { s, events, next, call, fails, settings, modelsDir };
}

describe('the model manager channels', () => {
  it('import a model, list it, make it the active one remembered for the next start, and remove it', async () => {
    const { call, settings, modelsDir } = await services('electron');
    const model = await call('models:import', { path: fixtures.flavourB, mode: 'copy', name: 'Fixture B' });
    expect(model).toMatchObject({ id: 'fixture-b', flavour: 'B', storage: 'copy' });

    const status = await call('models:activate', { id: model.id });
    expect(status).toMatchObject({ loaded: true, flavour: 'B' });
    expect(await settings.get('lastModel')).toBe(model.path);
    const view = await call('models:library', {});
    expect(view).toMatchObject({ modelsDir, active: 'fixture-b', anyAddress: true, device: 'cpu' });
    expect(view.installed.map((m) => m.name)).toEqual(['Fixture B']);
    expect(view.catalogue.length).toBeGreaterThan(0);

    // Removing the loaded model closes it and forgets it for the next start.
    const after = await call('models:remove', { id: model.id });
    expect(after).toMatchObject({ installed: [], active: null });
    expect(await call('model:status', {})).toMatchObject({ loaded: false });
    expect(await settings.get('lastModel')).toBeNull();
    expect(existsSync(path.join(modelsDir, 'fixture-b'))).toBe(false);
  });

  it('download from an address in the desktop app, pushing progress, then the model installed', async () => {
    const { call, next, events } = await services('electron');
    const installed = next((e) => e.event === 'download:installed');
    const started = await call('download:start', { url: server.url('/b.onnx'), name: 'From the web' });
    expect(started).toMatchObject({ state: 'running', name: 'From the web' });
    const done = await installed;
    expect(done.payload).toMatchObject({ id: started.id, model: { name: 'From the web', flavour: 'B' } });
    expect(events.some((e) => e.event === 'download:progress' && e.payload.received > 0)).toBe(true);
    const view = await call('models:library', {});
    expect(view.downloads).toEqual([]);
    expect(view.installed.map((m) => m.name)).toEqual(['From the web']);
  });

  it('in browser mode, refuse an address that is not in the catalogue and a model outside the allowed folders', async () => {
    const { fails, call } = await services('browser');
    const before = server.requests.length;
    const address = await fails('download:start', { url: server.url('/b.onnx') });
    expect(address.code).toBe('forbidden');
    expect(address.message).toContain('npm run models -- add');
    expect(server.requests.length).toBe(before);

    const outside = await fails('models:import', { path: fixtures.flavourA, mode: 'copy' });
    expect(outside.code).toBe('forbidden');
    expect(await call('models:import', { path: fixtures.flavourB, mode: 'link' })).toMatchObject({
      storage: 'link',
    });
    expect((await call('models:library', {})).anyAddress).toBe(false);
  });

  it('refuse a download request without a catalogue id or an http address, and a bad sha256', async () => {
    const { fails } = await services('electron');
    expect((await fails('download:start', { url: 'file:///etc/passwd' })).code).toBe('bad-argument');
    expect((await fails('download:start', { url: server.url('/b.onnx'), sha256: 'xyz' })).code).toBe(
      'bad-argument',
    );
  });
});
