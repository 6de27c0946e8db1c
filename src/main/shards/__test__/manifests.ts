import { ASSIGNMENT, imagesOfShard } from '../assign';
import type { ResultLine, ShardManifest } from '../manifest';

/** What a shard writes for `relPaths`, as the label command would: a manifest (results hash left out) and its lines. */
export function shardOutput(
  index: number,
  count: number,
  relPaths: readonly string[],
): { manifest: Omit<ShardManifest, 'results'>; lines: ResultLine[] } {
  const list = imagesOfShard(relPaths, { index, count });
  const lines = list.map((relPath, i): ResultLine => ({
    relPath,
    ok: true,
    width: 640,
    height: 480,
    // Scores and coordinates with full double precision: merging must keep every bit.
    detections: [
      {
        box: { x1: 10.1 + i, y1: 20.000000000000004, x2: 300 / 7, y2: 400.26666641235352 },
        score: 0.1 + 0.2,
        phrase: 'cat',
        phraseIndex: 0,
        rawText: 'cat',
      },
    ],
  }));
  const manifest: Omit<ShardManifest, 'results'> = {
    kind: 'groundlabel-shard',
    version: 1,
    software: 'groundlabel 0.1.0',
    shard: { index, count, assignment: ASSIGNMENT },
    prompt: 'cat .',
    phrases: ['cat'],
    classes: ['cat'],
    classOfPhrase: [0],
    thresholds: { box: 0.35, text: 0.25, nmsIou: 0.5 },
    perPhrase: false,
    inputSize: '800×1200 (H×W, stretched)',
    model: { name: 'fixture', file: 'model.onnx', sha256: 'a'.repeat(64), flavour: 'A' },
    device: 'cpu',
    host: 'test',
    images: { root: '/data/images', count: list.length, list },
    failures: [],
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T01:00:00.000Z',
  };
  return { manifest, lines };
}
