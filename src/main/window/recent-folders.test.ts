import { describe, expect, it } from 'vitest';
import { RECENT_FOLDERS_LIMIT, withoutRecentFolder, withRecentFolder } from './recent-folders';

describe('the recent folders list', () => {
  it('puts the folder opened last first', () => {
    expect(withRecentFolder(['/data/b', '/data/a'], '/data/c', 'linux')).toEqual([
      '/data/c',
      '/data/b',
      '/data/a',
    ]);
  });

  it('lists a folder opened again once, moved to the top', () => {
    expect(withRecentFolder(['/data/b', '/data/a'], '/data/a', 'linux')).toEqual(['/data/a', '/data/b']);
  });

  it('keeps the ten most recent', () => {
    const many = Array.from({ length: RECENT_FOLDERS_LIMIT }, (_, i) => `/data/${i}`);
    const next = withRecentFolder(many, '/data/new', 'linux');
    expect(next).toHaveLength(RECENT_FOLDERS_LIMIT);
    expect(next[0]).toBe('/data/new');
    expect(next).not.toContain(`/data/${RECENT_FOLDERS_LIMIT - 1}`);
  });

  it('treats paths differing only in case as one folder on Windows and macOS, and as two on Linux', () => {
    expect(withRecentFolder(['C:\\Data\\Cats'], 'c:\\data\\cats', 'win32')).toEqual(['c:\\data\\cats']);
    expect(withRecentFolder(['/Users/a/Cats'], '/users/a/cats', 'darwin')).toEqual(['/users/a/cats']);
    expect(withRecentFolder(['/data/Cats'], '/data/cats', 'linux')).toEqual(['/data/cats', '/data/Cats']);
  });

  it('drops a folder from the list', () => {
    expect(withoutRecentFolder(['/data/b', '/data/a'], '/data/b', 'linux')).toEqual(['/data/a']);
  });
});
