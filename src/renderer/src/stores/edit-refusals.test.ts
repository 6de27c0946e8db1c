import { describe, expect, it } from 'vitest';
import { manual } from '../testing/boxes';
import { settle, setupStores, threeImages } from '../testing/stores';
import { useDatasetStore } from './dataset';
import { useEditorStore } from './editor';
import { useProjectStore } from './project';
import { useSaveStore } from './save';

async function openEditor() {
  const api = setupStores({ images: threeImages });
  const dataset = useDatasetStore();
  const editor = useEditorStore();
  await dataset.open('/data/set');
  await settle();
  return { api, dataset, editor, save: useSaveStore() };
}

describe('edits the backend refuses', () => {
  it('names the dataset, the revision read and the file in every save, and moves the revision on', async () => {
    const { api, editor, save } = await openEditor();
    editor.drawBox({ x1: 1, y1: 2, x2: 30, y2: 40 });
    await save.settled();
    editor.drawBox({ x1: 50, y1: 2, x2: 80, y2: 40 });
    await save.settled();
    const sent = api.callsOf('image:save');
    expect(sent.map((r) => [r.datasetId, r.baseRevision])).toEqual([
      ['fake:/data/set', 0],
      ['fake:/data/set', 1],
    ]);
    expect(sent[1].doc.identity).toEqual({ size: 1, hash: 'fake-file-0' });
  });

  it('saves a box only after the class it names, even when the class list is slower to save', async () => {
    const { api, editor, save } = await openEditor();
    const release = api.hold('project:save');
    editor.drawBox({ x1: 1, y1: 2, x2: 30, y2: 40 });
    await settle();
    expect(api.callsOf('image:save')).toHaveLength(0);
    release();
    await save.settled();
    const order = api.calls.map((c) => c.channel).filter((c) => c === 'project:save' || c === 'image:save');
    expect(order).toEqual(['project:save', 'image:save']);
    expect(api.meta.classes.map((c) => c.id)).toEqual([editor.boxes[0].classId]);
  });

  it('reads the image again and says why when someone else saved it first', async () => {
    const { api, dataset, editor, save } = await openEditor();
    const id = dataset.currentId!;
    const cls = useProjectStore();
    editor.drawBox({ x1: 1, y1: 2, x2: 30, y2: 40 });
    await save.settled();
    // Another tab saves the image twice meanwhile: the stored document moves to revision 3.
    const theirs = manual('their-box', 5, 5, 9, 9, cls.classes[0].id);
    api.docs.set(id, { ...api.docs.get(id)!, boxes: [theirs], revision: 3 });

    editor.drawBox({ x1: 50, y1: 2, x2: 80, y2: 40 });
    await save.settled();
    await settle();
    await settle();

    expect(editor.notice).toMatch(/changed elsewhere/);
    expect(editor.boxes.map((b) => b.id)).toEqual(['their-box']);
    expect(api.docs.get(id)?.boxes.map((b) => b.id)).toEqual(['their-box']);
    // A refusal is not a failure to retry: the indicator does not ask for one.
    expect(save.state).not.toBe('failed');
    // The next edit builds on the version read again, and lands.
    editor.drawBox({ x1: 100, y1: 2, x2: 120, y2: 40 });
    await save.settled();
    expect(api.docs.get(id)?.boxes).toHaveLength(2);
    expect(api.docs.get(id)?.revision).toBe(4);
  });

  it('holds another folder back while an edit could not be saved, and opens it when asked again', async () => {
    const { api, dataset, editor } = await openEditor();
    api.failNext('image:save', { code: 'io-failed', message: 'disk full' });
    editor.drawBox({ x1: 1, y1: 2, x2: 30, y2: 40 });
    expect(await dataset.open('/data/set')).toBe(false);
    expect(dataset.unsaved).toEqual({ count: 1, message: 'disk full' });
    expect(api.callsOf('dataset:open')).toHaveLength(1);
    expect(await dataset.open('/data/set')).toBe(true);
    expect(dataset.unsaved).toBeNull();
  });

  it('reads the class list again when another window changed it first, keeping that window’s classes', async () => {
    const { api } = await openEditor();
    const project = useProjectStore();
    await project.update({ classes: [{ id: 'mine', name: 'cat', color: '#ff0000' }] });
    // Another window adds a class meanwhile.
    api.meta = {
      ...api.meta,
      classes: [...api.meta.classes, { id: 'theirs', name: 'dog', color: '#00ff00' }],
      revision: (api.meta.revision ?? 0) + 1,
    };
    expect(await project.update({ classes: [{ id: 'mine', name: 'kitten', color: '#ff0000' }] })).toBe(false);
    expect(project.notice).toMatch(/class list was changed elsewhere/);
    expect(project.classes.map((c) => c.id)).toEqual(['mine', 'theirs']);
    // The next change builds on what was read again.
    expect(
      await project.update({
        classes: project.classes.map((c) => (c.id === 'mine' ? { ...c, name: 'kitten' } : c)),
      }),
    ).toBe(true);
    expect(api.meta.classes.map((c) => c.name)).toEqual(['kitten', 'dog']);
  });
});

describe('opening another folder', () => {
  it('drops every session, history and pending load of the last folder, even for an image id it had too', async () => {
    const { api, dataset, editor } = await openEditor();
    editor.drawBox({ x1: 1, y1: 2, x2: 30, y2: 40 });
    await useSaveStore().settled();
    expect(editor.canUndo).toBe(true);
    // Another folder whose first image happens to carry the same id (as image ids once did).
    const other = {
      datasetId: 'fake:/data/other',
      root: '/data/other',
      images: [{ id: dataset.currentId!, relPath: 'a.jpg', status: 'unlabeled' as const, boxes: 0 }],
      meta: { classes: [], phraseClasses: {}, promptHistory: [] },
      readOnly: {},
    };
    const stub = api as unknown as Record<string, unknown>;
    stub['dataset:current'] = async () => ({ ok: true, value: other });
    stub['image:get'] = async ({ id }: { id: string }) => ({
      ok: true,
      value: {
        id,
        doc: {
          relPath: 'a.jpg',
          width: 451,
          height: 300,
          reviewed: false,
          boxes: [],
          identity: { size: 2, hash: 'other-file' },
          revision: 0,
        },
      },
    });
    await dataset.restore();
    await settle();
    await settle();
    expect(editor.doc?.width).toBe(451);
    expect(editor.boxes).toEqual([]);
    expect(editor.canUndo).toBe(false);
    expect(useProjectStore().classes).toEqual([]);
  });
});
