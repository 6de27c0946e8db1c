import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shardOutput } from './__test__/manifests';
import { MANIFEST_FILE, readShardManifest } from './manifest';
import { ShardWriter, shardFolderProblem } from './shard-writer';
import { readShardResults } from './shard-results';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'gl-shard-writer-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const IMAGES = Array.from({ length: 30 }, (_, i) => `sub/img-${i}.jpg`);

async function writeShard(dir: string, index: number, images = IMAGES): Promise<void> {
  const { manifest, lines } = shardOutput(index, 2, images);
  const writer = await ShardWriter.create(dir);
  for (const line of lines) writer.add(line);
  await writer.finish(manifest);
}

describe('ShardWriter', () => {
  it('writes results that read back bit for bit, with a manifest naming their hash', async () => {
    const dir = path.join(root, 'run', 'shard-0-of-2');
    await writeShard(dir, 0);
    const manifest = (await readShardManifest(dir))!;
    const expected = shardOutput(0, 2, IMAGES);
    expect(manifest).toMatchObject(expected.manifest);
    expect(await readShardResults({ dir, manifest })).toEqual(expected.lines);
    expect(await readdir(path.join(root, 'run'))).toEqual(['shard-0-of-2']);
  });

  it('replaces the output of an earlier run of the shard whole', async () => {
    const dir = path.join(root, 'shard-0-of-2');
    await writeShard(dir, 0);
    await writeShard(dir, 0, IMAGES.slice(0, 10));
    const manifest = (await readShardManifest(dir))!;
    expect(manifest.images.list).toEqual(shardOutput(0, 2, IMAGES.slice(0, 10)).manifest.images.list);
    expect((await readShardResults({ dir, manifest })).length).toBe(manifest.images.count);
    expect(await readdir(root)).toEqual(['shard-0-of-2']);
  });

  it('leaves the earlier output as it was while a run of the shard is unfinished, and the next run clears what a killed one left', async () => {
    const dir = path.join(root, 'shard-1-of-2');
    await writeShard(dir, 1);
    const before = await readFile(path.join(dir, MANIFEST_FILE), 'utf8');
    // A run that stops midway (killed): lines written, never finished.
    const killed = await ShardWriter.create(dir);
    killed.add(shardOutput(1, 2, IMAGES).lines[0]);
    expect((await readdir(root)).filter((n) => n.includes('gl-staging'))).toHaveLength(1);
    expect(await readFile(path.join(dir, MANIFEST_FILE), 'utf8')).toBe(before);

    await writeShard(dir, 1, IMAGES.slice(5));
    expect(await readdir(root)).toEqual(['shard-1-of-2']);
    expect((await readShardManifest(dir))!.images.list).toEqual(
      shardOutput(1, 2, IMAGES.slice(5)).manifest.images.list,
    );
  });

  it('never replaces a folder holding files that are not a shard output', async () => {
    const dir = path.join(root, 'shard-0-of-2');
    expect(await shardFolderProblem(dir)).toBeUndefined();
    await mkdir(dir);
    expect(await shardFolderProblem(dir)).toBeUndefined();
    await writeFile(path.join(dir, 'notes.txt'), 'mine');
    expect(await shardFolderProblem(dir)).toMatch(
      /holds files that are not a shard's output \(notes.txt, …\)/,
    );
    await rm(dir, { recursive: true });
    await writeShard(dir, 0);
    expect(await shardFolderProblem(dir)).toBeUndefined();
  });
});
