import { existsSync } from 'node:fs';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drawScene } from '../../test/fixtures/images';
import type { Channel, Request, Result } from '../shared/ipc/contract';
import { eventRecorder } from './__test__/events';
import { AppServices } from './app-services';
import { STORE_DIR } from './dataset/project-store';
import { dispatch } from './dispatch';
import { FolderAccess } from './fs/folder-access';
import { tempDirs } from './inference/__test__/helpers';
import { writeFixtureModels } from '../../test/fixtures/model-folders';

const tempDir = tempDirs('access');

/** What /etc/passwd looks like: a file whose first bytes must never reach a message. */
const PASSWD = 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n';

let allowed: string;
let outside: string;
let services: AppServices;

beforeEach(async () => {
  const base = await tempDir();
  allowed = path.join(base, 'allowed');
  outside = path.join(base, 'outside');
  await mkdir(allowed);
  await mkdir(outside);
  for (const dir of [allowed, outside])
    await writeFile(path.join(dir, 'a.png'), await drawScene({ width: 40, height: 30, rects: [] }));
  await writeFile(path.join(outside, 'labels.json'), '{"images": [], "annotations": [], "categories": []}');
  services = new AppServices({
    mode: 'browser',
    device: 'cpu',
    saveDebounceMs: 600_000,
    emit: eventRecorder().emit,
    access: new FolderAccess([allowed], 'Pass --root <folder> to allow another.'),
  });
});

afterEach(async () => {
  await services.close();
});

const run = <C extends Channel>(channel: C, request: Request<C>): Promise<Result<unknown>> =>
  dispatch(services.handlers, channel, request);

async function refusal<C extends Channel>(channel: C, request: Request<C>): Promise<string> {
  const result = await run(channel, request);
  expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  return result.ok ? '' : result.error.message;
}

describe('folders the services may use', () => {
  it('refuses to open a dataset outside the allowed folders, and writes nothing there', async () => {
    const message = await refusal('dataset:open', { path: outside });
    expect(message).toContain(outside);
    expect(message).toContain(allowed);
    expect(message).toContain('--root');
    expect(existsSync(path.join(outside, STORE_DIR))).toBe(false);
  });

  it('refuses a dataset reached through a link that leads outside', async () => {
    await symlink(outside, path.join(allowed, 'elsewhere'));
    await refusal('dataset:open', { path: path.join(allowed, 'elsewhere') });
    expect(existsSync(path.join(outside, STORE_DIR))).toBe(false);
  });

  it('opens a dataset inside an allowed folder', async () => {
    expect(await run('dataset:open', { path: allowed })).toMatchObject({ ok: true });
  });

  it('refuses label files outside the allowed folders, by absolute path, by .. and by link', async () => {
    await run('dataset:open', { path: allowed });
    await symlink(path.join(outside, 'labels.json'), path.join(allowed, 'linked.json'));
    for (const p of [path.join(outside, 'labels.json'), '../outside/labels.json', 'linked.json']) {
      expect(await refusal('import:preview', { format: 'coco', path: p }), p).toContain('import labels from');
      await refusal('import:apply', { format: 'coco', path: p, mode: 'merge' });
    }
  });

  it('refuses to export when the exports folder is a link to outside, and writes nothing there', async () => {
    await run('dataset:open', { path: allowed });
    await symlink(outside, path.join(allowed, 'exports'));
    expect(await refusal('export:run', { format: 'coco' })).toContain('export into');
    expect(await readdir(outside)).toEqual(['a.png', 'labels.json']);
  });
});

describe('import messages', () => {
  const passwdEverywhere = Object.fromEntries(
    ['passwd.json', 'a.json', 'a.xml', 'a.txt', 'data.yaml'].map((name) => [name, PASSWD]),
  );
  it.each([
    ['coco', 'passwd.json', passwdEverywhere],
    ['labelme', 'a.json', passwdEverywhere],
    ['labelme', '.', passwdEverywhere],
    ['voc', 'a.xml', passwdEverywhere],
    ['voc', '.', passwdEverywhere],
    ['voc', 'a.xml', { 'a.xml': '<annotation><root:x:0:0>\n</annotation>' }],
    ['voc', 'a.xml', { 'a.xml': '<annotation>&root:x:0:0;</annotation>' }],
    ['yolo', '.', passwdEverywhere],
    ['yolo', 'data.yaml', passwdEverywhere],
    ['yolo', 'data.yaml', { 'data.yaml': 'names: |2root:x:0:0\n' }],
    ['yolo', 'data.yaml', { 'data.yaml': 'train: *root:x:0:0\n' }],
    ['yolo', '.', { 'classes.txt': 'person\n', 'a.txt': 'root x 0 0 root\ndaemon 0.5 nologin 0.1 0.1\n' }],
  ] as const)('never quote a file read as %s labels (%s)', async (format, from, files) => {
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(allowed, name), text);
    await run('dataset:open', { path: allowed });
    const result = await run('import:preview', { format, path: from });
    const text = JSON.stringify(result);
    expect(text).toMatch(/not valid|must be|column/);
    expect(text).not.toMatch(/root:x|daemon|bash|nologin|root x/);
  });
});

describe('models in browser mode', () => {
  it('loads a model only from the folders it was given, and names them when it refuses', async () => {
    const models = await writeFixtureModels(path.join(allowed, 'models'));
    const elsewhere = await writeFixtureModels(path.join(outside, 'models'));
    const limited = new AppServices({
      mode: 'browser',
      device: 'cpu',
      emit: eventRecorder().emit,
      access: new FolderAccess([allowed]),
      modelAccess: new FolderAccess([allowed], 'Put the model into a --root folder.'),
    });
    try {
      const refused = await dispatch(limited.handlers, 'model:open', { path: elsewhere.flavourA });
      expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      if (!refused.ok) expect(refused.error.message).toContain(allowed);
      expect(await dispatch(limited.handlers, 'model:open', { path: models.flavourA })).toMatchObject({
        ok: true,
        value: { loaded: true },
      });
    } finally {
      await limited.close();
    }
  });
});
