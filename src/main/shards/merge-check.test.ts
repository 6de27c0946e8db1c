import { describe, expect, it } from 'vitest';
import { ASSIGNMENT, imagesOfShard } from './assign';
import type { ShardManifest } from './manifest';
import { checkShards, type FoundShard } from './merge-check';

const IMAGES = Array.from({ length: 40 }, (_, i) => `img-${i}.png`);

/** The manifest shard `index` of `count` writes for IMAGES, with `change` applied. */
function shard(index: number, count: number, change: Partial<ShardManifest> = {}): FoundShard {
  const list = imagesOfShard(IMAGES, { index, count });
  const manifest: ShardManifest = {
    kind: 'groundlabel-shard',
    version: 1,
    software: 'groundlabel 0.1.0',
    shard: { index, count, assignment: ASSIGNMENT },
    prompt: 'cat . dog .',
    phrases: ['cat', 'dog'],
    classes: ['cat', 'dog'],
    classOfPhrase: [0, 1],
    thresholds: { box: 0.35, text: 0.25, nmsIou: 0.5 },
    perPhrase: false,
    inputSize: '800×1200 (H×W, stretched)',
    model: { name: 'Swin-T', file: 'model.onnx', sha256: 'a'.repeat(64), flavour: 'A' },
    device: 'cuda',
    host: `node-${index}`,
    images: { root: '/data/images', count: list.length, list },
    failures: [],
    results: { file: 'results.jsonl', sha256: 'b'.repeat(64) },
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T01:00:00.000Z',
    ...change,
  };
  return { dir: `/runs/r1/shard-${index}-of-${count}`, manifest };
}

const all = (count: number) => Array.from({ length: count }, (_, i) => shard(i, count));

describe('checkShards', () => {
  it('puts the shards of one run in shard order, none missing', () => {
    const set = checkShards([shard(2, 3), shard(0, 3), shard(1, 3)], { allowMissing: false });
    expect(set.shards.map((s) => s.manifest.shard.index)).toEqual([0, 1, 2]);
    expect(set).toMatchObject({ count: 3, missing: [] });
  });

  it('names the first setting that differs, with both shards and both values', () => {
    const shards = [
      ...all(3).slice(0, 2),
      shard(2, 3, { prompt: 'cat .', thresholds: { box: 0.5, text: 0.25, nmsIou: 0.5 } }),
    ];
    expect(() => checkShards(shards, { allowMissing: false })).toThrow(
      'shard 2/3 (/runs/r1/shard-2-of-3) ran with prompt "cat .", but shard 0/3 (/runs/r1/shard-0-of-3) ran with "cat . dog ."',
    );
  });

  it('refuses shards of another model, threshold, class list or shard count', () => {
    const other = (change: Partial<ShardManifest>) => () =>
      checkShards([shard(0, 2), shard(1, 2, change)], { allowMissing: false });
    expect(
      other({ model: { name: 'Swin-T', file: 'model.onnx', sha256: 'c'.repeat(64), flavour: 'A' } }),
    ).toThrow(
      /ran with model Swin-T \(model.onnx, sha256 cccccccccccc…\), but .* ran with Swin-T \(model.onnx, sha256 aaaaaaaaaaaa…\)/,
    );
    expect(other({ thresholds: { box: 0.35, text: 0.3, nmsIou: 0.5 } })).toThrow(
      /text threshold 0.3, but .* 0.25/,
    );
    expect(other({ classes: ['animal'], classOfPhrase: [0, 0] })).toThrow(
      /class list cat=animal, dog=animal, but .* cat, dog/,
    );
    expect(() => checkShards([shard(0, 2), shard(1, 3)], { allowMissing: false })).toThrow(
      /shard 1\/3 .* ran with shard count 3, but shard 0\/2 .* ran with 2/,
    );
  });

  it('refuses the same shard given twice', () => {
    const again = { ...shard(1, 3), dir: '/runs/r1-copy/shard-1-of-3' };
    expect(() => checkShards([...all(3), again], { allowMissing: false })).toThrow(
      'shard 1/3 (/runs/r1-copy/shard-1-of-3) and shard 1/3 (/runs/r1/shard-1-of-3) are the same shard',
    );
  });

  it('refuses an image that two shards labeled', () => {
    const [zero, one] = all(2);
    const stray = zero.manifest.images.list[0];
    const list = [...one.manifest.images.list, stray];
    const overlapping = { ...one, manifest: { ...one.manifest, images: { ...one.manifest.images, list } } };
    expect(() => checkShards([zero, overlapping], { allowMissing: false })).toThrow(
      `${stray} is in shard 0/2 (/runs/r1/shard-0-of-2) and in shard 1/2 (/runs/r1/shard-1-of-2)`,
    );
  });

  it('refuses a run with shards missing, naming them, unless they may be', () => {
    const some = [shard(0, 4), shard(2, 4)];
    expect(() => checkShards(some, { allowMissing: false })).toThrow(
      /2 shards are missing: 1\/4, 3\/4 \(the run has 4\); rerun the missing shard\(s\) .* or pass --allow-missing/,
    );
    expect(checkShards(some, { allowMissing: true }).missing).toEqual([1, 3]);
  });
});
