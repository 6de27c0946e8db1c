import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetService } from '../main/dataset/dataset-service';
import { shardOutput } from '../main/shards/__test__/manifests';
import { ShardWriter } from '../main/shards/shard-writer';
import type { MergeArgs } from './merge-args';
import { runMerge } from './merge-run';

let root: string;
let run: string;
const IMAGES = Array.from({ length: 12 }, (_, i) => `img-${i}.jpg`);

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'gl-merge-'));
  run = path.join(root, 'run');
  for (const index of [0, 1]) {
    const { manifest, lines } = shardOutput(index, 2, IMAGES);
    const writer = await ShardWriter.create(path.join(run, `shard-${index}-of-2`));
    for (const line of lines) writer.add(line);
    await writer.finish({ ...manifest, images: { ...manifest.images, root: path.join(root, 'images') } });
  }
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const args = (change: Partial<MergeArgs>): MergeArgs => ({
  from: [run],
  format: 'coco',
  allowMissing: false,
  copyImages: false,
  ...change,
});

describe('runMerge', () => {
  it("refuses --out inside a shard's folder, which a rerun of the shard would replace", async () => {
    await expect(runMerge(args({ out: path.join(run, 'shard-1-of-2', 'coco') }))).rejects.toThrow(
      /--out .* is inside the shard output .*shard-1-of-2, which a rerun of the shard replaces/,
    );
  });

  it('takes the dataset lock to bring labels into a project, and is refused while another process holds it', async () => {
    const dataset = path.join(root, 'dataset');
    await mkdir(dataset);
    // The lock as the desktop app running beside this test (its parent process) would take it.
    const desktop = { pid: process.ppid, hostname: os.hostname(), startedAt: new Date().toISOString() };
    const holder = await DatasetService.open(dataset, {
      lock: { label: 'GroundLabel desktop', holder: desktop },
    });
    try {
      await expect(runMerge(args({ intoProject: dataset }))).rejects.toMatchObject({
        code: 'dataset-locked',
        message: expect.stringContaining(
          `is open in another GroundLabel process (GroundLabel desktop, pid ${process.ppid}`,
        ),
      });
    } finally {
      await holder.close();
    }
  });
});
