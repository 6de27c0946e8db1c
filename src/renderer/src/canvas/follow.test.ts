import { describe, expect, it } from 'vitest';
import { followTransform, uncoveredShare } from './follow';
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

describe('uncoveredShare', () => {
  const screen = { width: 800, height: 600 };
  /** An image far larger than the view, so that it fills it whatever the pan. */
  const big = { width: 100_000, height: 100_000 };
  const painted: View = { scale: 0.5, x: -1000, y: -1000 };
  it('is 0 when the bitmap still covers the view (unmoved, or zoomed in)', () => {
    expect(uncoveredShare(painted, painted, screen, big)).toBe(0);
    expect(uncoveredShare(painted, zoomAt(painted, 2, { x: 400, y: 300 }), screen, big)).toBe(0);
  });
  it('is the share of the view a pan or a zoom out leaves empty', () => {
    expect(uncoveredShare(painted, { ...painted, x: -800 }, screen, big)).toBeCloseTo(0.25);
    expect(uncoveredShare(painted, { ...painted, x: -1400, y: -700 }, screen, big)).toBeCloseTo(0.75);
    expect(uncoveredShare(painted, zoomAt(painted, 0.5, { x: 400, y: 300 }), screen, big)).toBeCloseTo(0.75);
    expect(uncoveredShare(painted, { ...painted, x: -6000 }, screen, big)).toBe(1);
  });
  it('does not count space beside the image, where no box can be', () => {
    // An image inside the view, panned: nothing of it was ever outside the painted bitmap.
    const fitted: View = { scale: 1, x: 200, y: 150 };
    expect(uncoveredShare(fitted, { ...fitted, x: 500 }, screen, { width: 400, height: 300 })).toBe(0);
    // A wide, short image panned 200 px right: only its own 200 × 300 px strip counts, not the bands above and below.
    const wide: View = { scale: 1, x: -400, y: 150 };
    expect(uncoveredShare(wide, { ...wide, x: -200 }, screen, { width: 1600, height: 300 })).toBeCloseTo(
      (200 * 300) / (800 * 600),
    );
  });
});
