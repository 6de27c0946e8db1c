import { describe, expect, it } from 'vitest';
import { actionFor } from './keymap';

describe('keyboard map', () => {
  it('undoes with Ctrl+Z and redoes with Ctrl+Shift+Z and Ctrl+Y', () => {
    expect(actionFor({ key: 'z', ctrlKey: true })).toEqual({ type: 'undo' });
    expect(actionFor({ key: 'Z', ctrlKey: true, shiftKey: true })).toEqual({ type: 'redo' });
    expect(actionFor({ key: 'y', ctrlKey: true })).toEqual({ type: 'redo' });
    expect(actionFor({ key: 'z', metaKey: true })).toEqual({ type: 'undo' });
  });

  it('moves between images with A and D, and duplicates with Ctrl+D', () => {
    expect(actionFor({ key: 'a' })).toEqual({ type: 'prev' });
    expect(actionFor({ key: 'd' })).toEqual({ type: 'next' });
    expect(actionFor({ key: 'd', ctrlKey: true })).toEqual({ type: 'duplicate' });
  });

  it('picks tools with W, R, V and Escape', () => {
    expect(actionFor({ key: 'w' })?.type).toBe('draw');
    expect(actionFor({ key: 'R', shiftKey: true })?.type).toBe('draw');
    expect(actionFor({ key: 'v' })?.type).toBe('select');
    expect(actionFor({ key: 'Escape' })?.type).toBe('escape');
  });

  it('nudges by one pixel, or ten with Shift', () => {
    expect(actionFor({ key: 'ArrowLeft' })).toEqual({ type: 'nudge', dx: -1, dy: 0 });
    expect(actionFor({ key: 'ArrowDown', shiftKey: true })).toEqual({ type: 'nudge', dx: 0, dy: 10 });
  });

  it('chooses classes 1 to 9 and ignores 0', () => {
    expect(actionFor({ key: '1' })).toEqual({ type: 'class', index: 0 });
    expect(actionFor({ key: '9' })).toEqual({ type: 'class', index: 8 });
    expect(actionFor({ key: '0' })).toBeNull();
  });

  it('accepts with Enter and accepts all with Shift+Enter; deletes with Delete or Backspace', () => {
    expect(actionFor({ key: 'Enter' })?.type).toBe('accept');
    expect(actionFor({ key: 'Enter', shiftKey: true })?.type).toBe('acceptAll');
    expect(actionFor({ key: 'Delete' })?.type).toBe('delete');
    expect(actionFor({ key: 'Backspace' })?.type).toBe('delete');
  });

  it('zooms, fits, runs and saves with Ctrl', () => {
    expect(actionFor({ key: '=', ctrlKey: true })?.type).toBe('zoomIn');
    expect(actionFor({ key: '+', ctrlKey: true, shiftKey: true })?.type).toBe('zoomIn');
    expect(actionFor({ key: '-', ctrlKey: true })?.type).toBe('zoomOut');
    expect(actionFor({ key: 'f', ctrlKey: true })?.type).toBe('fit');
    expect(actionFor({ key: 'b', ctrlKey: true })?.type).toBe('runVisible');
    expect(actionFor({ key: 'i' })?.type).toBe('runImage');
    expect(actionFor({ key: 's', ctrlKey: true })?.type).toBe('save');
  });

  it('opens the shortcuts with ? and F1, shows 1:1 with Ctrl+0, hides boxes with H and labels with L', () => {
    expect(actionFor({ key: '?', shiftKey: true })?.type).toBe('shortcuts');
    expect(actionFor({ key: 'F1' })?.type).toBe('shortcuts');
    expect(actionFor({ key: '0', ctrlKey: true })?.type).toBe('actualSize');
    expect(actionFor({ key: 'h' })?.type).toBe('toggleBoxes');
    expect(actionFor({ key: 'l' })?.type).toBe('toggleLabels');
  });

  it('copies the previous image’s boxes with C, and leaves Ctrl+C to the browser', () => {
    expect(actionFor({ key: 'c' })?.type).toBe('copyPrevious');
    expect(actionFor({ key: 'c', ctrlKey: true })).toBeNull();
  });

  it('leaves Alt combinations and unknown keys to the browser', () => {
    expect(actionFor({ key: 'a', altKey: true })).toBeNull();
    expect(actionFor({ key: 'q' })).toBeNull();
    expect(actionFor({ key: 'x', ctrlKey: true })).toBeNull();
  });
});
