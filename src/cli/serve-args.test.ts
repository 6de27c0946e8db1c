import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDirs } from '../main/inference/__test__/helpers';
import { parseServeArgs } from './serve-args';

const tempDir = tempDirs('serve-args');
let a: string;
let b: string;
let file: string;

beforeAll(async () => {
  const base = await tempDir();
  [a, b, file] = ['a', 'b', 'f.txt'].map((n) => path.join(base, n));
  await mkdir(a);
  await mkdir(b);
  await writeFile(file, '');
});

describe('parseServeArgs', () => {
  it('listens on 8765 and allows no folder when given nothing', () => {
    expect(parseServeArgs([])).toEqual({ roots: [], port: 8765, allowHosts: [] });
  });

  it('allows the dataset and every --root, and reads each --allow-host', () => {
    const args = parseServeArgs([
      ...['--dataset', a, '--root', b, '--root', a, '--port', '0'],
      ...['--allow-host', 'localhost:9000', '--allow-host', 'GL.example.com'],
    ]);
    expect(args).toMatchObject({
      dataset: a,
      roots: [a, b, a],
      port: 0,
      allowHosts: [{ name: 'localhost', port: 9000 }, { name: 'gl.example.com' }],
    });
  });

  it('refuses a --root or --dataset that is not a folder, a bad port and a bad host, naming the flag', () => {
    expect(() => parseServeArgs(['--root', file])).toThrow(`--root ${file} is not a folder`);
    expect(() => parseServeArgs(['--dataset', path.join(a, 'missing')])).toThrow('--dataset');
    for (const port of ['-1', '65536', '1.5', 'x'])
      expect(() => parseServeArgs(['--port', port])).toThrow('--port');
    expect(() => parseServeArgs(['--allow-host', 'http://x/'])).toThrow('--allow-host');
  });
});
