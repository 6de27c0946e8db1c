import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { saveEdit, viaCalls } from '../../test/fixtures/edits';
import { drawScene } from '../../test/fixtures/images';
import type { Channel, Reply, Request } from '../shared/ipc/contract';
import { SIZE_BINS } from '../shared/stats';
import { accepted, box, cls, manual, meta, suggestion } from './__test__/docs';
import { tempFolderAccess } from './__test__/access';
import { eventRecorder } from './__test__/events';
import { AppServices } from './app-services';
import { dispatch } from './dispatch';
import { tempDirs } from './inference/__test__/helpers';

const tempDir = tempDirs('app-services-stats');
let open: AppServices[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

function services() {
  const s = new AppServices({
    mode: 'browser',
    device: 'cpu',
    saveDebounceMs: 600_000,
    emit: eventRecorder().emit,
    access: tempFolderAccess(),
  });
  open.push(s);
  const run = <C extends Channel>(channel: C, request: Request<C>) => dispatch(s.handlers, channel, request);
  const call = async <C extends Channel>(channel: C, request: Request<C>): Promise<Reply<C>> => {
    const result = await run(channel, request);
    if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
    return result.value as Reply<C>;
  };
  return { run, call };
}

async function folder(names: readonly string[]): Promise<string> {
  const root = await tempDir();
  for (const name of names) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), await drawScene({ width: 80, height: 60, rects: [] }));
  }
  return root;
}

describe('dataset:stats', () => {
  it('refuses until a folder is open', async () => {
    const result = await services().run('dataset:stats', {});
    expect(result.ok ? null : result.error.code).toBe('dataset-not-open');
  });

  it('counts what the open dataset holds now, including edits not yet written to disk', async () => {
    const { call } = services();
    const snapshot = await call('dataset:open', { path: await folder(['a.png', 'b.png', 'c.png']) });
    const [a, b] = snapshot.images.map((i) => i.id);
    await call('project:save', meta([cls('c1', 'cat'), cls('c2', 'dog', '#00ff00')]));
    const images = viaCalls(call, snapshot.datasetId);
    // 80 × 60 image: a 40 × 30 box covers a quarter of it (side ratio 0.5), an 8 × 6 one 1 % (0.1).
    await saveEdit(images, a, {
      boxes: [
        box('c1', manual, { x1: 0, y1: 0, x2: 40, y2: 30 }),
        box('c1', accepted, { x1: 0, y1: 0, x2: 8, y2: 6 }),
        box('c2', suggestion, { x1: 0, y1: 0, x2: 8, y2: 6 }),
      ],
    });
    await saveEdit(images, b, { reviewed: true });

    const stats = await call('dataset:stats', {});
    expect(stats.images).toEqual({
      unlabeled: 1,
      unreadable: 0,
      'nothing-found': 0,
      suggested: 1,
      reviewed: 0,
      negative: 1,
    });
    expect(stats.boxesPerClass).toEqual([
      { classId: 'c1', name: 'cat', color: '#ff0000', boxes: 2, pending: 0 },
      { classId: 'c2', name: 'dog', color: '#00ff00', boxes: 0, pending: 1 },
    ]);
    const expected = SIZE_BINS.map(() => 0);
    expected[SIZE_BINS.indexOf(0.1)] = 2;
    expected[SIZE_BINS.findIndex((edge) => edge >= 0.5)] = 1;
    expect(stats.sizes).toEqual(expected);
  });
});
