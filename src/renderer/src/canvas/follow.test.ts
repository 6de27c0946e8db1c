import { describe, expect, it } from 'vitest';
import { followTransform } from './follow';
import { toScreen, zoomAt, type View } from './view';

/** Applies a CSS matrix(k, 0, 0, k, tx, ty) to a point. */
function apply(transform: string, p: { x: number; y: number }) {
  if (!transform) return p;
  const [k, , , , tx, ty] = transform.slice(7, -1).split(',').map(Number);
  return { x: p.x * k + tx, y: p.y * k + ty };
}

describe('followTransform', () => {
  it('is empty when the view has not moved', () => {
    const v: View = { scale: 0.5, x: 10, y: 20 };
    expect(followTransform(v, { ...v })).toBe('');
  });

  it('puts every image point painted at one view where the current view shows it', () => {
    const painted: View = { scale: 0.2, x: 30, y: 40 };
    const views: View[] = [
      { scale: 0.2, x: 75, y: -12 },
      zoomAt(painted, 3.5, { x: 400, y: 300 }),
      zoomAt({ scale: 0.2, x: -300, y: 900 }, 0.25, { x: 10, y: 10 }),
    ];
    for (const current of views) {
      const t = followTransform(painted, current);
      for (const p of [
        { x: 0, y: 0 },
        { x: 1234, y: 567 },
        { x: 4000, y: 3000 },
      ]) {
        const shown = apply(t, toScreen(painted, p));
        const want = toScreen(current, p);
        expect(shown.x).toBeCloseTo(want.x, 6);
        expect(shown.y).toBeCloseTo(want.y, 6);
      }
    }
  });
});
