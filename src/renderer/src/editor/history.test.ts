import { describe, expect, it } from 'vitest';
import { addBoxes, moveBoxes, removeBoxes, replaceSuggestions } from './commands';
import { EditorSession } from './session';
import { docWith, manual, suggestion } from '../testing/boxes';

describe('editor history', () => {
  it('undoes and redoes a command exactly', () => {
    const s = new EditorSession(docWith([]));
    s.run(addBoxes([manual('a')]));
    s.undo();
    expect(s.doc.boxes.size).toBe(0);
    expect(s.doc.reviewed).toBe(false);
    s.redo();
    expect(s.doc.boxes.get('a')).toEqual(manual('a'));
    expect(s.doc.reviewed).toBe(true);
  });

  it('clears redo when a new change is made', () => {
    const s = new EditorSession(docWith([manual('a')]));
    s.run(moveBoxes(['a'], 5, 0));
    s.undo();
    s.run(removeBoxes(['a']));
    expect(s.history.canRedo).toBe(false);
  });

  it('records nothing for a command that changes nothing', () => {
    const s = new EditorSession(docWith([]));
    expect(s.run(removeBoxes(['nope']))).toBeNull();
    expect(s.history.canUndo).toBe(false);
  });

  it('lands a model run as one undo step', () => {
    const s = new EditorSession(docWith([suggestion('old')]));
    s.run(replaceSuggestions([suggestion('n1'), suggestion('n2', 0.5, [60, 10, 90, 40])]));
    expect([...s.doc.boxes.keys()]).toEqual(['n1', 'n2']);
    s.undo();
    expect([...s.doc.boxes.keys()]).toEqual(['old']);
    expect(s.history.canUndo).toBe(false);
  });

  it('forgets history after a rewrite that cannot be undone', () => {
    const s = new EditorSession(docWith([]));
    s.run(addBoxes([manual('a')]));
    s.rewrite(removeBoxes(['a']));
    expect(s.history.canUndo).toBe(false);
    expect(s.doc.boxes.size).toBe(0);
  });

  it('keeps unchanged records identical across undo so views can skip them', () => {
    const s = new EditorSession(docWith([manual('a'), manual('b', 60, 10, 90, 40)]));
    const b = s.doc.boxes.get('b');
    s.run(moveBoxes(['a'], 1, 1));
    s.undo();
    expect(s.doc.boxes.get('b')).toBe(b);
  });
});
