import { describe, expect, it } from 'vitest';
import { editOf, editorTarget, viaApi } from '../../../../test/fixtures/edits';
import type { Api } from '../../../shared/ipc/contract';
import { emptyProjectMeta, type ImageDoc } from '../../../shared/project';
import { settle, setupStores, threeImages } from '../testing/stores';
import { useSaveStore, type SaveTarget } from './save';

const doc = (n: number): ImageDoc => ({
  relPath: 'a.jpg',
  width: 200,
  height: 100,
  reviewed: n > 0,
  boxes: [],
});

/** What the editor holds for an image it has read: the dataset, the file and the revision saves build on. */
const targetOf = async (api: Api, id: string): Promise<SaveTarget> =>
  editorTarget(await editOf(await viaApi(api), id));

const opened = { images: threeImages, opened: true };

describe('save store', () => {
  it('says Saving while a save is in flight and Saved once it is acknowledged', async () => {
    const api = setupStores(opened);
    const save = useSaveStore();
    const target = await targetOf(api, 'img-0');
    expect(save.state).toBe('idle');
    const release = api.hold('image:save');
    const done = save.saveImage('img-0', doc(1), target);
    expect(save.state).toBe('saving');
    release();
    await done;
    expect(save.state).toBe('saved');
  });

  it('sends saves of one image in order and coalesces the ones queued behind', async () => {
    const api = setupStores(opened);
    const save = useSaveStore();
    const target = await targetOf(api, 'img-0');
    const release = api.hold('image:save');
    const first = save.saveImage('img-0', doc(0), target);
    const second = save.saveImage(
      'img-0',
      { ...doc(1), relPath: 'a.jpg', reviewed: false, boxes: [] },
      target,
    );
    const third = save.saveImage('img-0', doc(3), target);
    await settle();
    release();
    const results = await Promise.all([first, second, third]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(api.callsOf('image:save').map((r) => r.doc.reviewed)).toEqual([false, true]);
    expect(api.docs.get('img-0')?.reviewed).toBe(true);
  });

  it('settles once every save sent so far has its reply, queued ones included', async () => {
    const api = setupStores(opened);
    const save = useSaveStore();
    const [target0, target1] = [await targetOf(api, 'img-0'), await targetOf(api, 'img-1')];
    const release = api.hold('image:save');
    void save.saveImage('img-0', doc(0), target0);
    void save.saveImage('img-0', doc(2), target0);
    void save.saveImage('img-1', doc(1), target1);
    let settled = false;
    const waiting = save.settled().then(() => (settled = true));
    await settle();
    expect(settled).toBe(false);
    release();
    await waiting;
    expect(api.docs.get('img-0')?.reviewed).toBe(true);
    expect(api.docs.get('img-1')?.reviewed).toBe(true);
    expect(save.inFlight).toBe(0);
  });

  it('shows a failed save until a retry succeeds', async () => {
    const api = setupStores(opened);
    const save = useSaveStore();
    const target = await targetOf(api, 'img-0');
    api.failNext('image:save', { code: 'io-failed', message: 'disk full writing a.json' });
    await save.saveImage('img-0', doc(1), target);
    expect(save.state).toBe('failed');
    expect(save.failureMessage).toBe('disk full writing a.json');
    save.retry();
    await settle();
    expect(save.state).toBe('saved');
  });

  it('shows the backend saying a write failed', () => {
    const api = setupStores();
    const save = useSaveStore();
    save.listen();
    api.emit('save:status', { state: 'failed', message: 'journal not writable' });
    expect(save.state).toBe('failed');
    expect(save.failureMessage).toBe('journal not writable');
    api.emit('save:status', { state: 'saved' });
    expect(save.state).toBe('saved');
  });

  it('saves project meta through the same indicator', async () => {
    const api = setupStores();
    const save = useSaveStore();
    await save.saveProject(() => api['project:save']({ ...emptyProjectMeta(), promptHistory: ['cat'] }));
    expect(api.meta.promptHistory).toEqual(['cat']);
    expect(save.state).toBe('saved');
  });
});
