import { describe, expect, it } from 'vitest';
import { manual, suggestion } from '../testing/boxes';
import { settle, setupStores, threeImages } from '../testing/stores';
import { useDatasetStore } from './dataset';
import { KEPT_SESSIONS, useEditorStore } from './editor';
import { useProjectStore } from './project';

async function openEditor(options: Parameters<typeof setupStores>[0] = { images: threeImages }) {
  const api = setupStores(options);
  const dataset = useDatasetStore();
  const editor = useEditorStore();
  await dataset.open('/data/set');
  await settle();
  return { api, dataset, editor };
}

describe('editor store', () => {
  it('opens the first image of a folder', async () => {
    const { editor } = await openEditor();
    expect(editor.doc?.relPath).toBe('a.jpg');
  });

  it('loads the image on screen again once it reads after all (the pixel limit was raised)', async () => {
    const { api, dataset, editor } = await openEditor();
    const tooLarge = 'b.jpg: 12000×9000 (108 MP) is more than the 100 MP pixel limit';
    api.failNext('image:get', { code: 'image-too-large', message: tooLarge });
    dataset.select(dataset.images[1].id);
    await settle();
    expect(editor.error).toBe(tooLarge);
    api.emit('dataset:meta', { root: '/data/set', entries: [{ id: dataset.images[1].id, error: tooLarge }] });
    await settle();
    api.emit('dataset:meta', {
      root: '/data/set',
      entries: [{ id: dataset.images[1].id, width: 12000, height: 9000 }],
    });
    await settle();
    expect(editor.error).toBeNull();
    expect(editor.doc?.relPath).toBe('b.jpg');
  });

  it('saves the whole document after a drawn box and marks the image reviewed', async () => {
    const { api, editor, dataset } = await openEditor();
    editor.drawBox({ x1: 1, y1: 2, x2: 30, y2: 40 });
    await settle();
    const saved = api.callsOf('image:save').at(-1);
    expect(saved?.doc).toMatchObject({
      relPath: 'a.jpg',
      reviewed: true,
      boxes: [{ x1: 1, y1: 2, x2: 30, y2: 40 }],
    });
    expect(dataset.current?.status).toBe('reviewed');
    expect(editor.selection.size).toBe(1);
  });

  it('creates a class for the first box of a project', async () => {
    const { editor } = await openEditor();
    editor.drawBox({ x1: 1, y1: 2, x2: 30, y2: 40 });
    expect(useProjectStore().classes.map((c) => c.name)).toEqual(['object']);
    expect(editor.boxes[0].classId).toBe(useProjectStore().classes[0].id);
  });

  it('does not clear redo on selection', async () => {
    const { editor } = await openEditor();
    editor.drawBox({ x1: 1, y1: 2, x2: 30, y2: 40 });
    editor.undo();
    expect(editor.canRedo).toBe(true);
    editor.select([]);
    expect(editor.canRedo).toBe(true);
    editor.redo();
    expect(editor.boxes).toHaveLength(1);
  });

  it('drops deleted boxes from the selection on undo', async () => {
    const { editor } = await openEditor();
    editor.drawBox({ x1: 1, y1: 2, x2: 30, y2: 40 });
    editor.undo();
    expect(editor.selection.size).toBe(0);
  });

  it('keeps each image its own history when moving between images', async () => {
    const { editor, dataset } = await openEditor();
    editor.drawBox({ x1: 1, y1: 2, x2: 30, y2: 40 });
    dataset.step(1);
    await settle();
    expect(editor.doc?.relPath).toBe('b.jpg');
    expect(editor.canUndo).toBe(false);
    dataset.step(-1);
    await settle();
    expect(editor.canUndo).toBe(true);
    editor.undo();
    expect(editor.boxes).toHaveLength(0);
  });

  it('keeps the history of recent images only, reading older ones again, so paging keeps memory flat', async () => {
    const images = Array.from({ length: KEPT_SESSIONS + 3 }, (_, i) => ({
      relPath: `img-${String(i).padStart(3, '0')}.jpg`,
      width: 200,
      height: 100,
    }));
    const { api, editor, dataset } = await openEditor({ images });
    editor.drawBox({ x1: 1, y1: 2, x2: 30, y2: 40 });
    await settle();
    dataset.step(1);
    await settle();
    editor.drawBox({ x1: 5, y1: 5, x2: 50, y2: 50 });
    // The second image's save fails: its session holds the only copy of that box.
    api.failNext('image:save', { code: 'io-failed', message: 'disk full' });
    await settle();
    for (let i = 2; i < images.length; i++) {
      dataset.step(1);
      await settle();
    }
    const gets = () => api.callsOf('image:get').length;

    dataset.select(dataset.images[1].id);
    await settle();
    expect(editor.doc?.relPath).toBe('img-001.jpg');
    expect(editor.boxes).toHaveLength(1);
    expect(editor.canUndo).toBe(true);

    const before = gets();
    dataset.select(dataset.images[0].id);
    await settle();
    // Read again from the backend: the saved box is there, the history is not.
    expect(gets()).toBe(before + 1);
    expect(editor.boxes).toHaveLength(1);
    expect(editor.canUndo).toBe(false);

    // A recent image is still kept, with its history.
    const recent = dataset.images[images.length - 2].id;
    const again = gets();
    dataset.select(recent);
    await settle();
    expect(gets()).toBe(again);
  });

  it('accepts a suggestion when it is moved, and undoes that as one step', async () => {
    const { editor } = await openEditor({ images: [{ ...threeImages[0], boxes: [suggestion('s', 0.7)] }] });
    editor.select(['s']);
    editor.moveSelected(5, 0);
    expect(editor.boxes[0]).toMatchObject({ x1: 15, origin: { kind: 'accepted', score: 0.7 } });
    editor.undo();
    expect(editor.boxes[0]).toMatchObject({ x1: 10, origin: { kind: 'suggestion' } });
  });

  it('rejects the selected suggestion with delete and accepts all the rest', async () => {
    const { editor, dataset } = await openEditor({
      images: [{ ...threeImages[0], boxes: [suggestion('s1'), suggestion('s2'), suggestion('s3')] }],
    });
    expect(dataset.current?.status).toBe('suggested');
    editor.select(['s1']);
    editor.deleteSelected();
    editor.acceptAll();
    expect(editor.boxes.map((b) => [b.id, b.origin.kind])).toEqual([
      ['s2', 'accepted'],
      ['s3', 'accepted'],
    ]);
    expect(dataset.current?.status).toBe('reviewed');
  });

  it('marks an image reviewed negative', async () => {
    const { editor, dataset, api } = await openEditor();
    editor.markNegative();
    await settle();
    expect(dataset.current?.status).toBe('negative');
    expect(api.docs.get('img-0')?.reviewed).toBe(true);
  });

  it('gives the selected boxes a class with the number keys', async () => {
    const { editor } = await openEditor({
      images: [{ ...threeImages[0], boxes: [manual('m')] }],
      meta: {
        classes: [
          { id: 'c1', name: 'cat', color: '#ff0000' },
          { id: 'c2', name: 'dog', color: '#00ff00' },
        ],
        phraseClasses: {},
        promptHistory: [],
      },
    });
    editor.select(['m']);
    editor.chooseClass(1);
    expect(editor.boxes[0].classId).toBe('c2');
    expect(editor.activeClass?.name).toBe('dog');
  });

  it('selects the copies after duplicating', async () => {
    const { editor } = await openEditor({ images: [{ ...threeImages[0], boxes: [manual('m')] }] });
    editor.select(['m']);
    editor.duplicateSelected();
    expect(editor.boxes).toHaveLength(2);
    expect([...editor.selection]).toEqual([editor.boxes[1].id]);
  });

  it('never shows the previous image while the next one loads', async () => {
    const { editor, dataset, api } = await openEditor({
      images: [{ ...threeImages[0], boxes: [manual('m')] }, threeImages[1]],
    });
    const release = api.hold('image:get');
    dataset.step(1);
    await settle();
    expect(editor.doc).toBeNull();
    expect(editor.loading).toBe(true);
    release();
    await settle();
    expect(editor.doc?.relPath).toBe('b.jpg');
  });

  it('refuses edits to an image opened read-only', async () => {
    const { editor, dataset, api } = await openEditor();
    dataset.readOnly = { 'img-1': 'a.json could not be parsed' };
    dataset.step(1);
    await settle();
    editor.drawBox({ x1: 1, y1: 2, x2: 30, y2: 40 });
    expect(editor.readOnlyReason).toBe('a.json could not be parsed');
    expect(editor.boxes).toHaveLength(0);
    expect(api.callsOf('image:save')).toHaveLength(0);
  });
});
