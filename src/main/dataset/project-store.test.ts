import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SaveState } from '../../shared/ipc/contract';
import type { ImageDoc } from '../../shared/project';
import { box, cls, doc, meta, suggestion } from '../__test__/docs';
import { TEMP_MARKER } from '../fs/atomic';
import { caught, tempDirs } from '../inference/__test__/helpers';
import { asCrashedProcess } from '../__test__/processes';
import { LOCK_FILE, ProjectStore, SCHEMA_VERSION, STORE_DIR } from './project-store';

const tempDir = tempDirs('store');
/** Long enough that no test sees a flush it did not ask for. */
const NEVER = 600_000;

const storeDir = (root: string) => path.join(root, STORE_DIR);
const labelPath = (root: string, relPath: string) =>
  path.join(storeDir(root), 'labels', ...relPath.split('/')) + '.json';
const journalPath = (root: string) => path.join(storeDir(root), 'journal.ndjson');
const lockPath = (root: string) => path.join(storeDir(root), LOCK_FILE);

/** Every file under `dir`, relative, forward slashes, sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/** Records onStatus calls and lets a test wait for a state without guessing how long it takes. */
function statusLog() {
  const states: SaveState[] = [];
  const messages: (string | undefined)[] = [];
  const waiters: { state: SaveState; resolve: () => void }[] = [];
  const onStatus = (state: SaveState, message?: string) => {
    states.push(state);
    messages.push(message);
    for (const w of waiters.filter((x) => x.state === state)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  const next = (state: SaveState) => new Promise<void>((resolve) => waiters.push({ state, resolve }));
  return { states, messages, onStatus, next };
}

describe('ProjectStore durability', () => {
  it('keeps an acknowledged edit when the app dies before the label files are written', async () => {
    const root = await tempDir();
    const first = await ProjectStore.open(root, { debounceMs: NEVER, lock: asCrashedProcess() });
    const a = doc('a.png', { reviewed: true, boxes: [box('c1')] });
    const b = doc('sub/b.jpg', { boxes: [box('c2', suggestion)] });
    const m = meta([cls('c1', 'cat'), cls('c2', 'dog', '#00ff00')], { promptHistory: ['cat . dog'] });
    await first.putImage(a);
    await first.putImage(b);
    await first.putMeta(m);

    // Nothing flushed yet: the edits live only in the journal.
    expect(existsSync(labelPath(root, 'a.png'))).toBe(false);
    expect((await readFile(journalPath(root), 'utf8')).trim().split('\n')).toHaveLength(3);

    // The next start of the app finds the journal, and the lock of the process that died.
    const second = await ProjectStore.open(root, { debounceMs: NEVER });
    expect(second.lockNotice).toMatch(/^Took over a lock left by pid \d+/);
    expect(second.get('a.png')).toEqual({ ...a, revision: 1 });
    expect(second.get('sub/b.jpg')).toEqual({ ...b, revision: 1 });
    expect(second.getMeta()).toEqual({ ...m, revision: 1 });
    // Replayed edits are written out at open and the journal emptied.
    expect(JSON.parse(await readFile(labelPath(root, 'sub/b.jpg'), 'utf8'))).toEqual({
      version: SCHEMA_VERSION,
      ...b,
      revision: 1,
    });
    expect(existsSync(journalPath(root))).toBe(false);

    await second.close();
    await first.close();
  });

  it('lets the journal win over an older label file', async () => {
    const root = await tempDir();
    const first = await ProjectStore.open(root, { debounceMs: NEVER, lock: asCrashedProcess() });
    await first.putImage(doc('a.png', { boxes: [box('c1')] }));
    await first.flush();
    const newer = doc('a.png', { reviewed: true, boxes: [box('c1'), box('c1')] });
    await first.putImage(newer);

    const second = await ProjectStore.open(root, { debounceMs: NEVER });
    expect(second.get('a.png')).toEqual({ ...newer, revision: 2 });
    await second.close();
    await first.close();
  });

  it('loses no acknowledged edit and leaves no unparseable label file when the process is killed mid-way', async () => {
    const root = await tempDir();
    const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
    const storeModule = fileURLToPath(new URL('./project-store.ts', import.meta.url));
    const loader = pathToFileURL(path.join(projectRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const script = path.join(await tempDir(), 'writer.mts');
    // Each round: one new image, and one image rewritten with one more box. A tiny debounce makes
    // label-file flushes run between the appends, so the kill can land in either.
    await writeFile(
      script,
      `import { ProjectStore } from ${JSON.stringify(pathToFileURL(storeModule).href)};
const store = await ProjectStore.open(${JSON.stringify(root)}, { debounceMs: 1 });
const box = (i) => ({ id: 'b' + i, classId: 'c', x1: i, y1: 0, x2: i + 1, y2: 1, origin: { kind: 'manual' } });
for (let i = 0; i < 100000; i++) {
  await store.putImage({ relPath: 'img/' + i + '.png', width: 10, height: 10, reviewed: true, boxes: [box(i)] });
  await store.putImage({ relPath: 'counter.png', width: 10, height: 10, reviewed: true, boxes: Array.from({ length: i + 1 }, (_, k) => box(k)) });
  console.log('acked ' + i);
}
`,
    );
    // node itself runs the script (tsx as a loader), so SIGKILL hits the very process that writes;
    // the tsx CLI would put a second process in between that survives its parent.
    const child = spawn(process.execPath, ['--import', loader, script], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const acked = new Set<number>();
    const KILL_AFTER = 60;
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      for (const m of stdout.matchAll(/acked (\d+)\n/g)) acked.add(Number(m[1]));
      if (acked.size >= KILL_AFTER && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    expect(await exited, stderr).toBe('SIGKILL');
    expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER);
    const last = Math.max(...acked);

    // Whatever the kill interrupted, every label file on disk is whole.
    const labels = path.join(storeDir(root), 'labels');
    for (const name of (await filesUnder(labels)).filter((f) => f.endsWith('.json'))) {
      expect(() => JSON.parse(readFileSync(path.join(labels, name), 'utf8')), name).not.toThrow();
    }

    const store = await ProjectStore.open(root, { debounceMs: NEVER });
    for (const i of acked) {
      expect(
        store.get(`img/${i}.png`)?.boxes.map((b) => b.id),
        `edit ${i}`,
      ).toEqual([`b${i}`]);
    }
    // The shared image holds the last acknowledged version or the one after it, never an older one.
    expect(store.get('counter.png')?.boxes.length).toBeGreaterThanOrEqual(last + 1);
    expect(store.readOnlyReasons().size).toBe(0);
    await store.close();
    for (const name of (await filesUnder(labels)).filter((f) => f.endsWith('.json'))) {
      expect(() => JSON.parse(readFileSync(path.join(labels, name), 'utf8')), name).not.toThrow();
    }
    expect((await filesUnder(labels)).filter((f) => f.includes(TEMP_MARKER))).toEqual([]);
  });

  it('refuses an image path that would put its label file outside the store', async () => {
    const root = await tempDir();
    const store = await ProjectStore.open(root, { debounceMs: NEVER });
    await caught(() => store.putImage(doc('../../escape.png')), 'bad-argument');
    expect(existsSync(journalPath(root))).toBe(false);
    await store.close();
    expect(existsSync(path.join(root, '..', 'escape.png.json'))).toBe(false);
  });
});

describe('ProjectStore flush', () => {
  it('writes one label file per image and removes the journal', async () => {
    const root = await tempDir();
    const store = await ProjectStore.open(root, { debounceMs: NEVER });
    const a = doc('a.png', { reviewed: true });
    const deep = doc('x/y/deep.jpeg', { boxes: [box('c1')] });
    await store.putImage(a);
    await store.putImage(deep);
    expect(existsSync(journalPath(root))).toBe(true);
    await store.flush();

    expect(await filesUnder(storeDir(root))).toEqual([
      'labels/a.png.json',
      'labels/x/y/deep.jpeg.json',
      LOCK_FILE,
    ]);
    expect(JSON.parse(await readFile(labelPath(root, 'a.png'), 'utf8'))).toEqual({
      version: SCHEMA_VERSION,
      ...a,
      revision: 1,
    });
    expect(JSON.parse(await readFile(labelPath(root, 'x/y/deep.jpeg'), 'utf8'))).toEqual({
      version: SCHEMA_VERSION,
      ...deep,
      revision: 1,
    });
    await store.close();

    const reopened = await ProjectStore.open(root, { debounceMs: NEVER });
    expect(reopened.get('x/y/deep.jpeg')).toEqual({ ...deep, revision: 1 });
    await reopened.close();
  });

  it('writes the label files by itself after the quiet time', async () => {
    const root = await tempDir();
    const log = statusLog();
    const store = await ProjectStore.open(root, { debounceMs: 5, onStatus: log.onStatus });
    const saved = log.next('saved');
    await store.putImage(doc('a.png', { reviewed: true }));
    await saved;
    expect(existsSync(labelPath(root, 'a.png'))).toBe(true);
    expect(existsSync(journalPath(root))).toBe(false);
    await store.close();
  });

  it('writes nothing into the dataset outside its store folder', async () => {
    const root = await tempDir();
    await writeFile(path.join(root, 'a.png'), 'not touched');
    const store = await ProjectStore.open(root, { debounceMs: NEVER });
    await store.putImage(doc('a.png', { reviewed: true }));
    await store.putMeta(meta([cls('c1', 'cat')]));
    await store.close();
    expect(await filesUnder(root)).toEqual([
      '.groundlabel/labels/a.png.json',
      '.groundlabel/project.json',
      'a.png',
    ]);
    expect(await readFile(path.join(root, 'a.png'), 'utf8')).toBe('not touched');
  });

  it('reports saving once for a run of edits, and saved once the label files are written', async () => {
    const root = await tempDir();
    const log = statusLog();
    const store = await ProjectStore.open(root, { debounceMs: NEVER, onStatus: log.onStatus });
    expect(log.states).toEqual([]);
    // A batch writes dozens of images a second: one "saving" for them all, not one message each.
    await store.putImage(doc('a.png'));
    await store.putImage(doc('b.png'));
    expect(log.states).toEqual(['saving']);
    await store.flush();
    expect(log.states).toEqual(['saving', 'saved']);
    await store.flush(); // nothing left to write: nothing to report
    await store.putImage(doc('c.png'));
    expect(log.states).toEqual(['saving', 'saved', 'saving']);
    await store.close();
    expect(log.states).toEqual(['saving', 'saved', 'saving', 'saved']);
  });

  it('reports a failed write with its reason, keeps the edit in the journal and saves it at the next open', async () => {
    const root = await tempDir();
    const log = statusLog();
    const store = await ProjectStore.open(root, {
      debounceMs: NEVER,
      onStatus: log.onStatus,
      lock: asCrashedProcess(),
    });
    // A folder where the label file should go makes the rename fail.
    const blocker = labelPath(root, 'a.png');
    await mkdir(path.join(blocker, 'in-the-way'), { recursive: true });
    const a = doc('a.png', { reviewed: true, boxes: [box('c1')] });
    await store.putImage(a);
    await caught(() => store.flush(), 'io-failed');
    expect(log.states).toEqual(['saving', 'failed']);
    expect(log.messages[1]).toContain('a.png.json');
    expect(existsSync(journalPath(root))).toBe(true);

    await rm(blocker, { recursive: true });
    const reopened = await ProjectStore.open(root, { debounceMs: NEVER });
    expect(reopened.get('a.png')).toEqual({ ...a, revision: 1 });
    expect(JSON.parse(await readFile(labelPath(root, 'a.png'), 'utf8'))).toEqual({
      version: SCHEMA_VERSION,
      ...a,
      revision: 1,
    });
    await reopened.close();
    await store.close();
  });
});

describe('ProjectStore with a damaged label file', () => {
  const broken = '{"relPath":"bad.png","width":64,"hei';

  async function damagedDataset(): Promise<string> {
    const root = await tempDir();
    const ok = await ProjectStore.open(root, { debounceMs: NEVER });
    await ok.putImage(doc('good.png', { reviewed: true }));
    await ok.close();
    await writeFile(labelPath(root, 'bad.png'), broken);
    return root;
  }

  it('opens that image read-only with the reason, and keeps the others editable', async () => {
    const root = await damagedDataset();
    const store = await ProjectStore.open(root, { debounceMs: NEVER });
    expect([...store.readOnlyReasons().keys()]).toEqual(['bad.png']);
    expect(store.readOnlyReasons().get('bad.png')).toMatch(
      /labels[\\/]bad\.png\.json could not be read \(.+\)/,
    );
    expect(store.get('bad.png')).toBeUndefined();
    expect(store.get('good.png')?.reviewed).toBe(true);

    const refusal = await caught(
      () => store.putImage(doc('bad.png', { reviewed: true })),
      'label-file-invalid',
    );
    expect(refusal.message).toContain('bad.png');
    await store.putImage(doc('good.png', { boxes: [box('c1')] }));
    await store.close();
  });

  it('never rewrites the damaged file, through edits to other images, flushes, close and reopen', async () => {
    const root = await damagedDataset();
    const before = await readFile(labelPath(root, 'bad.png'));
    const store = await ProjectStore.open(root, { debounceMs: NEVER });
    await store.putImage(doc('good.png', { boxes: [box('c1')] }));
    await store.putImage(doc('other.png'));
    await store.putMeta(meta([cls('c1', 'cat')]));
    await expect(store.putImage(doc('bad.png'))).rejects.toMatchObject({ code: 'label-file-invalid' });
    await store.flush();
    await store.close();
    expect((await readFile(labelPath(root, 'bad.png'))).equals(before)).toBe(true);

    const reopened = await ProjectStore.open(root, { debounceMs: NEVER });
    expect(reopened.readOnlyReasons().has('bad.png')).toBe(true);
    await reopened.close();
    expect((await readFile(labelPath(root, 'bad.png'))).equals(before)).toBe(true);
  });

  it('treats a label file that breaks the schema or names another image as damaged too', async () => {
    const root = await tempDir();
    await mkdir(path.join(storeDir(root), 'labels'), { recursive: true });
    await writeFile(labelPath(root, 'neg.png'), JSON.stringify({ ...doc('neg.png'), width: -3 }));
    await writeFile(labelPath(root, 'moved.png'), JSON.stringify(doc('elsewhere.png')));
    const store = await ProjectStore.open(root, { debounceMs: NEVER });
    expect([...store.readOnlyReasons().keys()].sort()).toEqual(['moved.png', 'neg.png']);
    expect(store.readOnlyReasons().get('moved.png')).toContain('elsewhere.png');
    expect(store.get('elsewhere.png')).toBeUndefined();
    await store.close();
  });

  it('refuses to open a dataset whose project file is damaged, and leaves the file as it was', async () => {
    const root = await tempDir();
    await mkdir(storeDir(root), { recursive: true });
    const project = path.join(storeDir(root), 'project.json');
    await writeFile(project, '{"classes": [');
    const error = await caught(() => ProjectStore.open(root), 'label-file-invalid');
    expect(error.message).toContain('project.json');
    expect(await readFile(project, 'utf8')).toBe('{"classes": [');
    // The failed open let go of the folder: once the file is mended it opens, in this process too.
    expect(existsSync(lockPath(root))).toBe(false);
    await writeFile(project, JSON.stringify(meta([])));
    await (await ProjectStore.open(root)).close();
  });
});

describe('ProjectStore journal replay', () => {
  const line = (d: ImageDoc) => `${JSON.stringify({ t: 'image', doc: d })}\n`;

  it('ignores a torn last journal line and keeps the complete ones', async () => {
    const root = await tempDir();
    await mkdir(path.join(storeDir(root), 'labels'), { recursive: true });
    const a = doc('a.png', { reviewed: true });
    await writeFile(journalPath(root), `${line(a)}${line(doc('b.png')).slice(0, 25)}`);
    const store = await ProjectStore.open(root, { debounceMs: NEVER });
    expect(store.get('a.png')).toEqual(a);
    expect(store.get('b.png')).toBeUndefined();
    expect(existsSync(journalPath(root))).toBe(false);
    expect(await filesUnder(storeDir(root))).toEqual(['labels/a.png.json', LOCK_FILE]);
    await store.close();
  });

  it('removes a journal that holds only a torn line', async () => {
    const root = await tempDir();
    await mkdir(storeDir(root), { recursive: true });
    await writeFile(journalPath(root), '{"t":"image","doc":{"relP');
    const store = await ProjectStore.open(root, { debounceMs: NEVER });
    expect(existsSync(journalPath(root))).toBe(false);
    expect(store.get('a.png')).toBeUndefined();
    await store.close();
  });

  it('starts a clean journal after a torn one, so new edits replay', async () => {
    const root = await tempDir();
    await mkdir(storeDir(root), { recursive: true });
    await writeFile(journalPath(root), `${line(doc('a.png'))}{"t":"ima`);
    const first = await ProjectStore.open(root, { debounceMs: NEVER, lock: asCrashedProcess() });
    const b = doc('b.png', { reviewed: true });
    await first.putImage(b);
    const second = await ProjectStore.open(root, { debounceMs: NEVER });
    expect(second.get('b.png')).toEqual({ ...b, revision: 1 });
    await second.close();
    await first.close();
  });
});

describe('ProjectStore project settings', () => {
  it('starts with an empty class list', async () => {
    const store = await ProjectStore.open(await tempDir(), { debounceMs: NEVER });
    expect(store.getMeta()).toEqual({ classes: [], phraseClasses: {}, promptHistory: [] });
    await store.close();
  });

  it('round-trips the project settings through close and reopen', async () => {
    const root = await tempDir();
    const m = meta([cls('k2', 'dog', '#00ff00'), cls('k1', 'cat')], {
      phraseClasses: { puppy: 'k2' },
      promptHistory: ['dog . cat', 'puppy'],
    });
    const store = await ProjectStore.open(root, { debounceMs: NEVER });
    expect(await store.putMeta(m)).toEqual({ ...m, revision: 1 });
    expect(store.getMeta()).toEqual({ ...m, revision: 1 });
    await store.close();
    expect(JSON.parse(await readFile(path.join(storeDir(root), 'project.json'), 'utf8'))).toEqual({
      version: SCHEMA_VERSION,
      ...m,
      revision: 1,
    });
    const reopened = await ProjectStore.open(root, { debounceMs: NEVER });
    expect(reopened.getMeta()).toEqual({ ...m, revision: 1 });
    await reopened.close();
  });
});

describe('ProjectStore temp files', () => {
  it('sweeps the temp files an interrupted label write left, in every label folder', async () => {
    const root = await tempDir();
    const store = await ProjectStore.open(root, { debounceMs: NEVER });
    await store.putImage(doc('a.png'));
    await store.putImage(doc('sub/b.png'));
    await store.close();
    await writeFile(`${labelPath(root, 'a.png')}${TEMP_MARKER}0badf00d`, '{"relPath":"a.p');
    await writeFile(`${labelPath(root, 'sub/b.png')}${TEMP_MARKER}12345678`, '');
    const reopened = await ProjectStore.open(root, { debounceMs: NEVER });
    expect(await filesUnder(path.join(storeDir(root), 'labels'))).toEqual(['a.png.json', 'sub/b.png.json']);
    expect(reopened.readOnlyReasons().size).toBe(0);
    await reopened.close();
  });

  it('sweeps the temp file an interrupted project-file write left', async () => {
    const root = await tempDir();
    const store = await ProjectStore.open(root, { debounceMs: NEVER });
    await store.putMeta(meta([cls('c1', 'cat')]));
    await store.close();
    await writeFile(path.join(storeDir(root), `project.json${TEMP_MARKER}0badf00d`), '{"classes":');
    const reopened = await ProjectStore.open(root, { debounceMs: NEVER });
    await reopened.close();
    expect(await filesUnder(storeDir(root))).toEqual(['project.json']);
  });
});

describe('ProjectStore lock', () => {
  it('refuses a second store on a folder that is open, and opens it again once the first is closed', async () => {
    const root = await tempDir();
    const first = await ProjectStore.open(root, { debounceMs: NEVER });
    expect(JSON.parse(await readFile(lockPath(root), 'utf8'))).toMatchObject({ pid: process.pid });
    await first.putImage(doc('a.png', { reviewed: true }));
    const refusal = await caught(() => ProjectStore.open(root, { debounceMs: NEVER }), 'dataset-locked');
    expect(refusal.message).toContain(root);
    // The refused open touched nothing: the edit is still in the journal of the first.
    expect(existsSync(journalPath(root))).toBe(true);
    await first.close();
    expect(existsSync(lockPath(root))).toBe(false);

    const second = await ProjectStore.open(root, { debounceMs: NEVER });
    expect(second.lockNotice).toBeNull();
    expect(second.get('a.png')?.reviewed).toBe(true);
    await second.close();
  });

  it('writes nothing once closed, since the folder may belong to another process by then', async () => {
    const root = await tempDir();
    const store = await ProjectStore.open(root, { debounceMs: NEVER });
    await store.close();
    await caught(() => store.putImage(doc('a.png')), 'dataset-not-open');
    expect(existsSync(journalPath(root))).toBe(false);
  });

  it('lets go of the folder at close even when the last write fails, keeping the edit in the journal', async () => {
    const root = await tempDir();
    const store = await ProjectStore.open(root, { debounceMs: NEVER });
    const blocker = labelPath(root, 'a.png');
    await mkdir(path.join(blocker, 'in-the-way'), { recursive: true });
    await store.putImage(doc('a.png', { reviewed: true }));
    await caught(() => store.close(), 'io-failed');
    expect(existsSync(lockPath(root))).toBe(false);
    await rm(blocker, { recursive: true });
    const reopened = await ProjectStore.open(root, { debounceMs: NEVER });
    expect(reopened.get('a.png')?.reviewed).toBe(true);
    await reopened.close();
  });
});
