import { describe, expect, it } from 'vitest';
import { applyDiff, invertDiff, isEmptyDiff } from './diff';
import {
  acceptAbove,
  acceptAll,
  acceptBoxes,
  addBoxes,
  duplicateBoxes,
  markNegative,
  moveBoxes,
  reassignClass,
  removeBoxes,
  replaceSuggestions,
  setClass,
  setGeometry,
} from './commands';
import { docWith, manual, suggestion } from '../testing/boxes';
import { toImageDoc, type Command, type DocState } from './types';

const run = (doc: DocState, cmd: Command) => applyDiff(doc, cmd(doc));
const box = (doc: DocState, id: string) => doc.boxes.get(id);

describe('editor commands', () => {
  it('adds a box and marks the image reviewed', () => {
    const d = addBoxes([manual('a')])(docWith([]));
    expect(d.added.map((b) => b.id)).toEqual(['a']);
    expect(d.reviewed).toEqual([false, true]);
  });

  it('does not repeat the reviewed change on an image already reviewed', () => {
    expect(addBoxes([manual('a')])(docWith([], true)).reviewed).toBeUndefined();
  });

  it('accepts a suggestion when it is resized, keeping its score and phrase', () => {
    const doc = run(docWith([suggestion('s', 0.8)]), setGeometry('s', { x1: 0, y1: 0, x2: 30, y2: 30 }));
    expect(box(doc, 's')).toMatchObject({ x2: 30, origin: { kind: 'accepted', score: 0.8, phrase: 'cat' } });
    expect(doc.reviewed).toBe(true);
  });

  it('accepts a suggestion when it is moved, and keeps it inside the image', () => {
    const doc = run(docWith([suggestion('s')]), moveBoxes(['s'], 500, -3));
    expect(box(doc, 's')).toMatchObject({ x1: 160, x2: 200, y1: 7, origin: { kind: 'accepted' } });
  });

  it('produces no change when the geometry is the same', () => {
    const d = setGeometry('a', { x1: 10, y1: 10, x2: 50, y2: 50 })(docWith([manual('a')]));
    expect(d).toEqual({ added: [], updated: [], removed: [] });
  });

  it('accepts a suggestion whose class is changed', () => {
    const doc = run(docWith([suggestion('s')]), setClass(['s'], 'c2'));
    expect(box(doc, 's')).toMatchObject({ classId: 'c2', origin: { kind: 'accepted' } });
  });

  it('rejects a suggestion by removing it', () => {
    const doc = run(docWith([suggestion('s'), manual('m')]), removeBoxes(['s', 'missing']));
    expect([...doc.boxes.keys()]).toEqual(['m']);
  });

  it('duplicates a box as a manual box, offset and inside the image', () => {
    let n = 0;
    const doc = run(
      docWith([suggestion('s', 0.9, [170, 80, 195, 95])]),
      duplicateBoxes(['s'], () => `copy${++n}`),
    );
    expect(box(doc, 'copy1')).toMatchObject({
      x1: 175,
      y1: 85,
      x2: 200,
      y2: 100,
      origin: { kind: 'manual' },
    });
    expect(box(doc, 's')?.origin.kind).toBe('suggestion');
  });

  it('accepts only the selected suggestions', () => {
    const doc = run(docWith([suggestion('a'), suggestion('b'), manual('m')]), acceptBoxes(['a', 'm']));
    expect(box(doc, 'a')?.origin.kind).toBe('accepted');
    expect(box(doc, 'b')?.origin.kind).toBe('suggestion');
    expect(box(doc, 'm')?.origin.kind).toBe('manual');
  });

  it('accepts every suggestion on the image', () => {
    const doc = run(docWith([suggestion('a'), suggestion('b')]), acceptAll);
    expect([...doc.boxes.values()].every((b) => b.origin.kind === 'accepted')).toBe(true);
  });

  it('accepts suggestions at or above a score', () => {
    const doc = run(
      docWith([suggestion('lo', 0.3), suggestion('eq', 0.5), suggestion('hi', 0.9)]),
      acceptAbove(0.5),
    );
    expect([...doc.boxes.values()].map((b) => b.origin.kind)).toEqual(['suggestion', 'accepted', 'accepted']);
  });

  it('marks an image reviewed negative by dropping its pending suggestions', () => {
    const doc = run(docWith([suggestion('a')]), markNegative);
    expect(doc.boxes.size).toBe(0);
    expect(doc.reviewed).toBe(true);
  });

  it('replaces only pending suggestions when the model runs again', () => {
    const start = docWith([
      manual('m'),
      suggestion('old'),
      { ...suggestion('acc'), origin: { kind: 'accepted', score: 0.9, phrase: 'cat' } },
    ]);
    const fresh = suggestion('new', 0.6, [100, 10, 150, 60]);
    const d = replaceSuggestions([fresh])(start);
    expect(d.removed.map((b) => b.id)).toEqual(['old']);
    expect(d.reviewed).toBeUndefined();
    expect([...applyDiff(start, d).boxes.keys()]).toEqual(['m', 'acc', 'new']);
  });

  it('drops a new suggestion that repeats an accepted box of the same class', () => {
    const start = docWith([manual('m', 10, 10, 50, 50)]);
    const d = replaceSuggestions([
      suggestion('same', 0.9, [11, 10, 50, 51]),
      suggestion('other', 0.9, [11, 10, 50, 51], 'c2'),
    ])(start);
    expect(d.added.map((b) => b.id)).toEqual(['other']);
  });

  it('records the model run with its results, and undo puts the previous run back', () => {
    const first = { prompt: 'cat', at: '2024-01-01T00:00:00.000Z' };
    const second = { prompt: 'dog', at: '2024-01-02T00:00:00.000Z' };
    const ran = run(docWith([]), replaceSuggestions([], first));
    expect(ran.modelRun).toEqual(first);
    expect(toImageDoc(ran).modelRun).toEqual(first);
    const d = replaceSuggestions([], second)(ran);
    expect(isEmptyDiff(d)).toBe(false);
    expect(applyDiff(applyDiff(ran, d), invertDiff(d)).modelRun).toEqual(first);
    // The same run landing twice changes nothing.
    expect(isEmptyDiff(replaceSuggestions([], first)(ran))).toBe(true);
    const undone = applyDiff(ran, invertDiff(replaceSuggestions([], first)(docWith([]))));
    expect('modelRun' in undone).toBe(false);
  });

  it('reassigns or deletes the boxes of a class', () => {
    const start = docWith([manual('a', 1, 1, 5, 5, 'gone'), manual('b')]);
    expect(box(run(start, reassignClass('gone', 'c1')), 'a')?.classId).toBe('c1');
    expect([...run(start, reassignClass('gone', null)).boxes.keys()]).toEqual(['b']);
  });
});
