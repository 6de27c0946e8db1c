import { describe, expect, it } from 'vitest';
import { catsAndDogs, readyToPrompt, settle, setupStores, threeImages } from '../testing/stores';
import { detection } from '../testing/boxes';
import { useDatasetStore } from './dataset';
import { useModelStore } from './model';
import { usePromptStore } from './prompt';

describe('prompt store', () => {
  it('lands results as suggestions, creating a class per phrase on first use', async () => {
    const { editor, prompt, project, api } = await readyToPrompt();
    await prompt.run(['img-0']);
    expect(project.classes.map((c) => c.name)).toEqual(['cat', 'dog']);
    expect(project.meta.phraseClasses).toEqual({ cat: project.classes[0].id, dog: project.classes[1].id });
    expect(editor.boxes.map((b) => [b.classId, b.origin])).toEqual([
      [project.classes[0].id, { kind: 'suggestion', score: 0.9, phrase: 'cat', rawText: 'cat' }],
      [project.classes[1].id, { kind: 'suggestion', score: 0.4, phrase: 'dog', rawText: 'dog' }],
    ]);
    expect(api.callsOf('infer:run')[0]).toMatchObject({
      prompt: 'cat . dog',
      thresholds: { box: 0.35, text: 0.25, nmsIou: 0.5 },
    });
    expect(project.meta.promptHistory).toEqual(['cat . dog']);
  });

  it('lands each image once, whether it came by event or reply, as one undo step', async () => {
    const { editor, prompt } = await readyToPrompt();
    await prompt.run(['img-0', 'img-1']);
    expect(editor.boxes).toHaveLength(2);
    editor.undo();
    expect(editor.boxes).toHaveLength(0);
    expect(editor.canUndo).toBe(false);
  });

  it('shows an image where the model found nothing as "nothing found", not as untouched, until undone', async () => {
    const { editor, prompt, api, dataset } = await readyToPrompt((relPath) =>
      relPath === 'a.jpg' ? [] : catsAndDogs(relPath),
    );
    await prompt.run(['img-0', 'img-1']);
    await settle();
    expect(dataset.images.map((im) => im.status)).toEqual(['nothing-found', 'suggested', 'unlabeled']);
    expect(api.docs.get('img-0')).toMatchObject({
      boxes: [],
      reviewed: false,
      modelRun: { prompt: 'cat . dog' },
    });
    editor.undo();
    await settle();
    expect(dataset.images[0].status).toBe('unlabeled');
    expect(api.docs.get('img-0')?.modelRun).toBeUndefined();
  });

  it('lands results on images that are not open', async () => {
    const { prompt, api } = await readyToPrompt();
    await prompt.run(['img-0', 'img-1', 'img-2']);
    await settle();
    expect(api.docs.get('img-2')?.boxes.map((b) => b.origin.kind)).toEqual(['suggestion']);
    expect(useDatasetStore().counts.suggested).toBe(3);
  });

  it('never overwrites accepted boxes when the prompt runs again', async () => {
    const { editor, prompt } = await readyToPrompt();
    await prompt.run(['img-0']);
    editor.select([editor.boxes[0].id]);
    editor.acceptSelected();
    await prompt.run(['img-0']);
    expect(editor.boxes.map((b) => [b.origin.kind, b.origin.kind !== 'manual' && b.origin.phrase])).toEqual([
      ['accepted', 'cat'],
      ['suggestion', 'dog'],
    ]);
  });

  it('keeps editing possible while the model runs', async () => {
    const { editor, prompt, api } = await readyToPrompt();
    const release = api.hold('infer:run');
    const running = prompt.run(['img-0']);
    expect(prompt.running).toBe(true);
    editor.drawBox({ x1: 150, y1: 10, x2: 190, y2: 90 });
    release();
    await running;
    expect(prompt.running).toBe(false);
    expect(editor.boxes.map((b) => b.origin.kind)).toEqual(['manual', 'suggestion', 'suggestion']);
  });

  it('lists images that failed and says why a run was refused', async () => {
    const { prompt, api } = await readyToPrompt();
    api.failNext('infer:run', { code: 'model-not-found', message: 'No model in /models' });
    await prompt.run(['img-0']);
    expect(prompt.error).toBe('No model in /models');
    expect(prompt.running).toBe(false);
  });

  it('lists an image whose labels could not be read among the failures, without blaming the open image', async () => {
    const { prompt, api, editor } = await readyToPrompt();
    api.failNext('image:get', { code: 'io-failed', message: 'b.json: unexpected end of JSON' });
    await prompt.run(['img-1']);
    expect(prompt.failures).toEqual([{ relPath: 'b.jpg', message: 'b.json: unexpected end of JSON' }]);
    expect(editor.error).toBeNull();
  });

  it('counts tokens and warns about repeated and overlapping phrases', async () => {
    const { prompt } = await readyToPrompt();
    prompt.setText('person . girl . child . girl');
    await prompt.analyse();
    expect(prompt.tokens).toBe(10);
    expect(prompt.maxTokens).toBe(256);
    expect(prompt.repeated).toEqual(['girl']);
    expect(prompt.overlapping).toEqual([
      ['person', 'girl'],
      ['person', 'child'],
      ['girl', 'child'],
    ]);
  });

  it('maps several phrases to one class', async () => {
    const { prompt, project } = await readyToPrompt();
    prompt.setText('kitten . cat');
    await prompt.run(['img-1']);
    const cat = project.classes.find((c) => c.name === 'cat');
    prompt.mapPhrase('kitten', cat?.id ?? '');
    expect(prompt.phraseTable).toEqual([
      { phrase: 'kitten', classId: cat?.id, name: 'kitten' },
      { phrase: 'cat', classId: cat?.id, name: 'cat' },
    ]);
  });

  it('makes classes only for the phrases that found something, and the rest in one step when asked', async () => {
    const { prompt, project } = await readyToPrompt();
    prompt.setText('dog . cat . bird . fish');
    await prompt.run(['img-1']); // b.jpg: only a cat
    expect(project.classes.map((c) => c.name)).toEqual(['cat']);
    expect(prompt.unclassed).toEqual(['dog', 'bird', 'fish']);
    prompt.addMissingClasses();
    expect(project.classes.map((c) => c.name)).toEqual(['cat', 'dog', 'bird', 'fish']);
    expect(prompt.unclassed).toEqual([]);
  });

  it('lists the classes of one image in prompt order, whatever order the boxes came in', async () => {
    // As the backend answers "dog . cat": the cat scores higher, so it comes first.
    const { prompt, project } = await readyToPrompt(() => [
      { ...detection('cat', 0.9), phraseIndex: 1 },
      { ...detection('dog', 0.4), phraseIndex: 0 },
    ]);
    prompt.setText('dog . cat');
    await prompt.run(['img-0']);
    expect(project.classes.map((c) => c.name)).toEqual(['dog', 'cat']);
  });

  it('names a new class as the class list asked, and batches make no classes up front', async () => {
    const { prompt, project, api } = await readyToPrompt();
    await project.update({ phraseNames: { cat: 'Felis catus' } });
    prompt.setText('cat . unicorn');
    await prompt.run(['img-1']);
    expect(project.classes.map((c) => c.name)).toEqual(['Felis catus']);
    expect(prompt.phraseTable.map((r) => r.name)).toEqual(['Felis catus', 'unicorn']);
    await prompt.runBatch(['img-2']);
    expect(api.callsOf('batch:start')).toHaveLength(1);
    expect(api.meta.classes.map((c) => c.name)).toEqual(['Felis catus']);
  });

  it('sends referring expressions, one per line, with the boxes each should yield', async () => {
    const { prompt, api } = await readyToPrompt();
    prompt.setMode('rec');
    prompt.topK = 2;
    prompt.setText('the cat on the left\nthe dog');
    expect(prompt.phrases).toEqual(['the cat on the left', 'the dog']);
    await prompt.run(['img-0']);
    expect(api.callsOf('infer:run')[0]).toMatchObject({
      prompt: 'the cat on the left\nthe dog',
      rec: { topK: 2 },
    });
    prompt.setMode('phrases');
    await prompt.run(['img-0']);
    expect(api.callsOf('infer:run')[1]).not.toHaveProperty('rec');
  });

  it('starts from the model defaults and the last prompt of the project', async () => {
    setupStores({
      images: threeImages,
      model: { loaded: true, defaults: { box: 0.3, text: 0.2, nmsIou: null } },
      meta: { classes: [], phraseClasses: {}, promptHistory: ['bus . car'] },
    });
    const prompt = usePromptStore();
    await useDatasetStore().open('/data/set');
    await useModelStore().refresh();
    await settle();
    expect(prompt.text).toBe('bus . car');
    expect(prompt.thresholds).toEqual({ box: 0.3, text: 0.2, nmsIou: null });
  });
});
