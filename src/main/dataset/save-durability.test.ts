import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { box, cls, doc, meta } from '../__test__/docs';
import { TEMP_MARKER } from '../fs/atomic';
import { nodeFileSystem, type SaveFileSystem } from '../fs/file-system';
import { tempDirs } from '../inference/__test__/helpers';
import { ProjectStore, STORE_DIR } from './project-store';

/**
 * The kill test cannot see a missing fsync: a killed process loses nothing the kernel holds, only a
 * power cut does. So the calls of a save are recorded here, and each fsync the save path needs is
 * looked for at its place.
 */
const tempDir = tempDirs('durability');

type Call =
  | {
      readonly op: 'open' | 'write' | 'sync' | 'datasync' | 'close' | 'unlink' | 'fsyncDir';
      readonly path: string;
    }
  | { readonly op: 'mkdir'; readonly path: string; readonly created: string | undefined }
  | { readonly op: 'rename'; readonly path: string; readonly to: string }
  | { readonly op: 'acknowledged' | 'flushed'; readonly path: '' };

function recording(): { fs: SaveFileSystem; calls: Call[] } {
  const calls: Call[] = [];
  const fs: SaveFileSystem = {
    async open(file, flags) {
      const handle = await nodeFileSystem.open(file, flags);
      calls.push({ op: 'open', path: file });
      const record =
        <T>(op: 'write' | 'sync' | 'datasync' | 'close', run: () => Promise<T>) =>
        async () => {
          const result = await run();
          calls.push({ op, path: file });
          return result;
        };
      return {
        write: (data) => record('write', () => handle.write(data))(),
        sync: record('sync', () => handle.sync()),
        datasync: record('datasync', () => handle.datasync()),
        close: record('close', () => handle.close()),
      };
    },
    async mkdir(dir) {
      const created = await nodeFileSystem.mkdir(dir);
      calls.push({ op: 'mkdir', path: dir, created });
      return created;
    },
    async rename(from, to) {
      await nodeFileSystem.rename(from, to);
      calls.push({ op: 'rename', path: from, to });
    },
    async unlink(file) {
      await nodeFileSystem.unlink(file);
      calls.push({ op: 'unlink', path: file });
    },
    async fsyncDir(dir) {
      await nodeFileSystem.fsyncDir(dir);
      calls.push({ op: 'fsyncDir', path: dir });
    },
  };
  return { fs, calls };
}

/** Index of the first call matching `op` and `file` in [from, to), or -1. */
function find(calls: readonly Call[], op: Call['op'], file: string, from = 0, to = calls.length): number {
  for (let i = from; i < to; i++) if (calls[i].op === op && calls[i].path === file) return i;
  return -1;
}

describe('the save path', () => {
  it('makes every step of a save durable before it is relied on', async () => {
    const root = await tempDir();
    const dir = path.join(root, STORE_DIR);
    const journal = path.join(dir, 'journal.ndjson');
    const { fs, calls } = recording();
    const store = await ProjectStore.open(root, { debounceMs: 600_000, fs });
    calls.length = 0;

    await store.putImage(doc('sub/a.png', { boxes: [box('c1')] }));
    calls.push({ op: 'acknowledged', path: '' });
    await store.putMeta(meta([cls('c1', 'cat')]));
    calls.push({ op: 'acknowledged', path: '' });
    await store.flush();
    calls.push({ op: 'flushed', path: '' });
    await store.close();

    // Each edit is acknowledged only once its journal line is on the disk, and the journal's own
    // entry in the folder too (it was created by the first edit).
    const created = find(calls, 'open', journal);
    expect(created, 'the journal is created by the first edit').toBeGreaterThanOrEqual(0);
    const acks = calls.flatMap((c, i) => (c.op === 'acknowledged' ? [i] : []));
    expect(
      find(calls, 'fsyncDir', dir, created, acks[0]),
      'folder fsync after the journal is created',
    ).toBeGreaterThan(created);
    let from = 0;
    for (const ack of acks) {
      const write = find(calls, 'write', journal, from, ack);
      expect(write, 'journal write before the acknowledgement').toBeGreaterThanOrEqual(0);
      expect(
        find(calls, 'datasync', journal, write, ack),
        'journal datasync before the acknowledgement',
      ).toBeGreaterThan(write);
      from = ack;
    }

    // The journal goes only once every file it backs is durable, and its removal is made durable.
    const removed = find(calls, 'unlink', journal);
    expect(removed, 'the journal is removed by the flush').toBeGreaterThan(acks[1]);
    const renames = calls.flatMap((c, i) => (c.op === 'rename' ? [{ i, ...c }] : []));
    expect(renames.map((r) => path.relative(dir, r.to)).sort()).toEqual([
      path.join('labels', 'sub', 'a.png.json'),
      'project.json',
    ]);
    for (const r of renames) {
      expect(r.path).toContain(TEMP_MARKER);
      const lastWrite = calls.findLastIndex((c, i) => i < r.i && c.op === 'write' && c.path === r.path);
      expect(
        find(calls, 'sync', r.path, lastWrite, r.i),
        `file fsync before renaming onto ${r.to}`,
      ).toBeGreaterThan(lastWrite);
      expect(
        find(calls, 'fsyncDir', path.dirname(r.to), r.i, removed),
        `folder fsync after renaming onto ${r.to}, before the journal goes`,
      ).toBeGreaterThan(r.i);
    }
    // labels/sub/ is new: its entry in labels/ must be durable too, or the file vanishes with it.
    const mkdir = calls.findIndex((c) => c.op === 'mkdir' && c.created !== undefined);
    expect(mkdir, 'the flush makes the new label folder').toBeGreaterThanOrEqual(0);
    expect(
      find(calls, 'fsyncDir', path.join(dir, 'labels'), mkdir, removed),
      'folder fsync after a label folder is created',
    ).toBeGreaterThan(mkdir);
    const flushed = calls.findIndex((c) => c.op === 'flushed');
    expect(
      find(calls, 'fsyncDir', dir, removed, flushed),
      'folder fsync after the journal is removed',
    ).toBeGreaterThan(removed);
  });

  it("makes the removal of a moved image's label file durable before the journal goes", async () => {
    const root = await tempDir();
    const labels = path.join(root, STORE_DIR, 'labels');
    const journal = path.join(root, STORE_DIR, 'journal.ndjson');
    const { fs, calls } = recording();
    const store = await ProjectStore.open(root, { debounceMs: 600_000, fs });
    await store.putImage(doc('old/a.png', { reviewed: true }));
    await store.flush();
    calls.length = 0;
    await store.rename('old/a.png', 'a.png');
    await store.flush();
    await store.close();
    const unlinked = find(calls, 'unlink', path.join(labels, 'old', 'a.png.json'));
    expect(unlinked, 'the old label file is removed').toBeGreaterThanOrEqual(0);
    expect(
      find(calls, 'fsyncDir', path.join(labels, 'old'), unlinked, find(calls, 'unlink', journal)),
      'folder fsync after the old label file is removed, before the journal goes',
    ).toBeGreaterThan(unlinked);
  });
});
