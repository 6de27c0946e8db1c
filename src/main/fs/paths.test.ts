import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInside } from './paths';

describe('isInside', () => {
  const root = path.resolve('/data/set');
  it('accepts the folder itself unless told otherwise, and anything below it', () => {
    expect(isInside(root, root)).toBe(true);
    expect(isInside(root, root, { allowSame: false })).toBe(false);
    expect(isInside(root, path.join(root, 'a', 'b.jpg'))).toBe(true);
    expect(isInside(root, path.join(root, '..model.onnx'))).toBe(true);
  });

  it('refuses a parent, a sibling and a path that climbs out', () => {
    expect(isInside(root, path.dirname(root))).toBe(false);
    expect(isInside(root, path.resolve('/data/set-2'))).toBe(false);
    expect(isInside(root, path.join(root, '..', 'other', 'x.onnx'))).toBe(false);
  });
});
