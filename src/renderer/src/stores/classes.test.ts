import { describe, expect, it } from 'vitest';
import { manual } from '../testing/boxes';
import { settle, setupStores } from '../testing/stores';
import { useClassesStore } from './classes';
import { useDatasetStore } from './dataset';
import { useEditorStore } from './editor';
import { useProjectStore } from './project';

const meta = {
  classes: [
    { id: 'c1', name: 'cat', color: '#ff0000' },
    { id: 'c2', name: 'dog', color: '#00ff00' },
  ],
  phraseClasses: { kitty: 'c1', puppy: 'c2' },
  promptHistory: [],
};
const images = [
  {
    relPath: 'a.jpg',
    width: 100,
    height: 100,
    boxes: [manual('a1', 1, 1, 9, 9, 'c1'), manual('a2', 1, 1, 9, 9, 'c2')],
  },
  { relPath: 'b.jpg', width: 100, height: 100, boxes: [manual('b1', 1, 1, 9, 9, 'c1')] },
];

async function open() {
  const api = setupStores({ images, meta });
  await useDatasetStore().open('/data/set');
  const editor = useEditorStore();
  await settle();
  return { api, classes: useClassesStore(), editor };
}

describe('classes store', () => {
  it('adds a class with an unused colour, or returns the one with that name', async () => {
    const { classes, api } = await open();
    const bird = classes.add(' bird ');
    expect(bird).toMatchObject({ name: 'bird', color: '#e6194b' });
    expect(classes.add('BIRD')).toBe(bird);
    await settle();
    expect(api.meta.classes.map((c) => c.name)).toEqual(['cat', 'dog', 'bird']);
  });

  it('refuses an empty or duplicate name when renaming', async () => {
    const { classes } = await open();
    expect(classes.rename('c1', ' ')).toBe('empty');
    expect(classes.rename('c1', 'Dog')).toBe('duplicate');
    expect(classes.rename('c1', 'kitten')).toBeNull();
    expect(classes.classes[0].name).toBe('kitten');
  });

  it('reorders classes and remembers to warn about export ids', async () => {
    const { classes } = await open();
    classes.move('c2', 0);
    expect(classes.classes.map((c) => c.id)).toEqual(['c2', 'c1']);
    expect(classes.reordered).toBe(true);
  });

  it('moves the boxes of a deleted class to another class in every image', async () => {
    const { classes, api } = await open();
    await classes.remove('c1', 'c2');
    expect(api.docs.get('img-0')?.boxes.map((b) => b.classId)).toEqual(['c2', 'c2']);
    expect(api.docs.get('img-1')?.boxes.map((b) => b.classId)).toEqual(['c2']);
    expect(api.meta.classes.map((c) => c.id)).toEqual(['c2']);
    expect(api.meta.phraseClasses).toEqual({ kitty: 'c2', puppy: 'c2' });
  });

  it('deletes the boxes of a deleted class when asked, and that cannot be undone', async () => {
    const { classes, api, editor } = await open();
    await classes.remove('c1', null);
    expect(api.docs.get('img-0')?.boxes.map((b) => b.id)).toEqual(['a2']);
    expect(api.docs.get('img-1')?.boxes).toEqual([]);
    expect(useProjectStore().meta.phraseClasses).toEqual({ puppy: 'c2' });
    expect(editor.boxes.map((b) => b.id)).toEqual(['a2']);
    expect(editor.canUndo).toBe(false);
  });
});
