import { describe, expect, it } from 'vitest';
import { outputStems, splitExt } from './names';

describe('splitExt', () => {
  it('drops only the last extension and keeps subfolders', () => {
    expect(splitExt('sub/dir/a.tar.gz')).toEqual({ stem: 'sub/dir/a.tar', ext: '.gz' });
    expect(splitExt('a.JPG')).toEqual({ stem: 'a', ext: '.JPG' });
  });

  it('treats a leading dot and a dotted folder as part of the name', () => {
    expect(splitExt('sub/.hidden')).toEqual({ stem: 'sub/.hidden', ext: '' });
    expect(splitExt('v1.2/photo')).toEqual({ stem: 'v1.2/photo', ext: '' });
  });
});

describe('outputStems', () => {
  it('keeps the stem of images whose outputs do not collide', () => {
    expect(outputStems(['x/a.jpg', 'y/a.jpg', 'b.png'])).toEqual(
      new Map([
        ['b.png', 'b'],
        ['x/a.jpg', 'x/a'],
        ['y/a.jpg', 'y/a'],
      ]),
    );
  });

  it('renames a.png to a_png when a.jpg sorts first in the same folder', () => {
    const stems = outputStems(['sub/a.png', 'sub/a.jpg']);
    expect(stems.get('sub/a.jpg')).toBe('sub/a');
    expect(stems.get('sub/a.png')).toBe('sub/a_png');
  });

  it('treats names that differ only in case as colliding (Windows, macOS)', () => {
    const stems = outputStems(['a.JPG', 'A.jpg']);
    expect(stems.get('A.jpg')).toBe('A');
    expect(stems.get('a.JPG')).toBe('a_JPG');
  });

  it('treats folders that differ only in case as colliding too', () => {
    const stems = outputStems(['Cats/x.jpg', 'cats/x.png']);
    expect(stems.get('Cats/x.jpg')).toBe('Cats/x');
    expect(stems.get('cats/x.png')).toBe('cats/x_png');
  });

  it('lets a real a_png.jpg keep its name and counts on with _2 for the renamed a.png', () => {
    const stems = outputStems(['a.jpg', 'a.png', 'a_png.jpg']);
    expect(stems.get('a_png.jpg')).toBe('a_png');
    expect(stems.get('a.png')).toBe('a_png_2');
  });

  it('gives every image a distinct stem, ignoring case', () => {
    const paths = ['a.jpg', 'a.png', 'A.png', 'a_png.png', 'a_PNG.jpg', 'a', 'A'];
    const stems = [...outputStems(paths).values()].map((s) => s.toLowerCase());
    expect(new Set(stems).size).toBe(paths.length);
  });

  it('does not depend on the order of its input', () => {
    const paths = ['b/x.png', 'b/x.jpg', 'B/X.gif', 'a.jpg'];
    expect(outputStems(paths)).toEqual(outputStems([...paths].reverse()));
  });

  it('applies the folder mapping before looking for collisions', () => {
    const stems = outputStems(['images/c.jpg', 'images_/c.png'], {
      mapDir: (s) => (s === 'images' ? 'images_' : s),
    });
    expect(stems.get('images/c.jpg')).toBe('images_/c');
    expect(stems.get('images_/c.png')).toBe('images_/c_png');
  });
});
