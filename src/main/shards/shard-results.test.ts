import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shardOutput } from './__test__/manifests';
import { readShardManifest } from './manifest';
import { ShardWriter } from './shard-writer';
import { findShards, readShardResults } from './shard-results';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'gl-shard-results-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const IMAGES = Array.from({ length: 30 }, (_, i) => `sub/img-${i}.jpg`);

async function writeShard(dir: string, index: number, count = 2): Promise<void> {
  const { manifest, lines } = shardOutput(index, count, IMAGES);
  const writer = await ShardWriter.create(dir);
  for (const line of lines) writer.add(line);
  await writer.finish(manifest);
}

describe('findShards', () => {
  it("reads a run's folder as its finished shards, and shard folders as themselves", async () => {
    const run = path.join(root, 'run');
    await writeShard(path.join(run, 'shard-0-of-3'), 0, 3);
    await writeShard(path.join(run, 'shard-2-of-3'), 2, 3);
    // A shard killed before its first finish leaves no shard-K-of-N folder; an empty one is no shard either.
    await mkdir(path.join(run, 'shard-1-of-3'));
    await writeFile(path.join(run, 'notes.txt'), 'mine');
    const found = await findShards([run]);
    expect(found.map((s) => [path.basename(s.dir), s.manifest.shard.index])).toEqual([
      ['shard-0-of-3', 0],
      ['shard-2-of-3', 2],
    ]);
    const one = await findShards([path.join(run, 'shard-2-of-3')]);
    expect(one.map((s) => s.manifest.shard.index)).toEqual([2]);
  });

  it('says when a folder holds no shard output', async () => {
    await mkdir(path.join(root, 'empty'));
    await expect(findShards([path.join(root, 'empty')])).rejects.toThrow(
      /--from .*empty holds no shard output: neither a groundlabel-shard.json .* nor finished shard-K-of-N folders/,
    );
    await expect(findShards([path.join(root, 'nowhere')])).rejects.toThrow(
      /--from .*nowhere is not a folder/,
    );
  });
});

describe('readShardResults', () => {
  it('refuses results changed since their shard wrote them', async () => {
    const dir = path.join(root, 'shard-0-of-2');
    await writeShard(dir, 0);
    const manifest = (await readShardManifest(dir))!;
    const file = path.join(dir, 'results.jsonl');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('"score":0.30000000000000004', '"score":0.9'));
    await expect(readShardResults({ dir, manifest })).rejects.toThrow(
      `${file} is not the file its shard wrote (its sha256 differs from the manifest's)`,
    );
    await writeFile(file, `${text}{"relPath":`);
    await expect(readShardResults({ dir, manifest })).rejects.toThrow(
      new RegExp(`${file.replace(/[.]/g, '\\.')}:${manifest.images.count + 1} is not valid JSON`),
    );
  });
});
