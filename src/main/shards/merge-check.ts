import { GroundLabelError } from '../../shared/errors';
import { describeShard } from './assign';
import type { ShardManifest } from './manifest';

/** A shard's output as merge found it. */
export interface FoundShard {
  readonly dir: string;
  readonly manifest: ShardManifest;
}

/** Shards that belong together: one run's, each index once, no image twice. */
export interface ShardSet {
  readonly count: number;
  /** In shard order. */
  readonly shards: readonly FoundShard[];
  /** Indices of the shards not found (only with allowMissing). */
  readonly missing: readonly number[];
}

const refuse = (message: string) => new GroundLabelError('export-refused', message);

const name = (s: FoundShard): string =>
  `shard ${describeShard({ index: s.manifest.shard.index, count: s.manifest.shard.count })} (${s.dir})`;

const quoted = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/**
 * Every setting that decides which boxes come out, in the order a difference is reported: the first
 * one that differs is named. The device is not among them: a shard on another GPU kind is still the
 * same run. The software version is not either: what it could change is the assignment, which is.
 */
const SETTINGS: readonly {
  readonly what: string;
  readonly value: (m: ShardManifest) => unknown;
  readonly shown?: (m: ShardManifest) => string;
}[] = [
  { what: 'shard count', value: (m) => m.shard.count },
  { what: 'image assignment', value: (m) => m.shard.assignment },
  { what: 'prompt', value: (m) => m.prompt },
  {
    what: 'class list',
    value: (m) => JSON.stringify([m.classes, m.phrases, m.classOfPhrase]),
    shown: (m) =>
      m.phrases
        .map((p, i) => (p === m.classes[m.classOfPhrase[i]] ? p : `${p}=${m.classes[m.classOfPhrase[i]]}`))
        .join(', '),
  },
  { what: 'box threshold', value: (m) => m.thresholds.box },
  { what: 'text threshold', value: (m) => m.thresholds.text },
  { what: 'NMS IoU', value: (m) => m.thresholds.nmsIou ?? 'off' },
  { what: 'IoU across phrases (--cross-iou)', value: (m) => m.thresholds.crossIou ?? 'off' },
  { what: 'one pass per phrase (--per-phrase)', value: (m) => m.perPhrase },
  {
    what: 'referring expressions (--rec, --top-k)',
    value: (m) => (m.rec ? `top ${m.rec.topK}` : 'off'),
  },
  { what: 'model input size', value: (m) => m.inputSize },
  {
    what: 'model',
    value: (m) => m.model.sha256,
    shown: (m) => `${m.model.name} (${m.model.file}, sha256 ${m.model.sha256.slice(0, 12)}…)`,
  },
];

function checkSameSettings(shards: readonly FoundShard[]): void {
  const [first, ...rest] = shards;
  for (const setting of SETTINGS) {
    const expected = setting.value(first.manifest);
    const odd = rest.find((s) => setting.value(s.manifest) !== expected);
    if (!odd) continue;
    const shown = setting.shown ?? ((m: ShardManifest) => quoted(setting.value(m)));
    throw refuse(
      `${name(odd)} ran with ${setting.what} ${shown(odd.manifest)}, but ${name(first)} ran with ${shown(first.manifest)}. ` +
        'The shards of one run must share the prompt, thresholds, class list and model; rerun the odd shard with the settings of the others, or leave it out.',
    );
  }
}

/**
 * Checks that `found` are the shards of one run and says which are missing: the same settings
 * (refusing with the first difference), each shard once, no image in two shards, and all N shards
 * there unless `allowMissing`. Shards come back in shard order.
 */
export function checkShards(
  found: readonly FoundShard[],
  options: { readonly allowMissing: boolean },
): ShardSet {
  if (found.length === 0) throw refuse('No shard output to merge.');
  const shards = [...found].sort(
    (a, b) => a.manifest.shard.index - b.manifest.shard.index || (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0),
  );
  checkSameSettings(shards);
  const count = shards[0].manifest.shard.count;

  for (let i = 1; i < shards.length; i++) {
    if (shards[i].manifest.shard.index === shards[i - 1].manifest.shard.index)
      throw refuse(
        `${name(shards[i - 1])} and ${name(shards[i])} are the same shard; pass only one of them (each image would be merged twice).`,
      );
  }
  const shardOfImage = new Map<string, FoundShard>();
  for (const s of shards) {
    for (const relPath of s.manifest.images.list) {
      const other = shardOfImage.get(relPath);
      if (other)
        throw refuse(
          `${relPath} is in ${name(other)} and in ${name(s)}; an image must be in one shard only. Were these shards made by different runs or software versions?`,
        );
      shardOfImage.set(relPath, s);
    }
  }

  const present = new Set(shards.map((s) => s.manifest.shard.index));
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !present.has(i));
  if (missing.length && !options.allowMissing)
    throw refuse(
      `${describeMissing(missing, count)} (the run has ${count}); rerun the missing shard(s) with the same settings, or pass --allow-missing to merge without them.`,
    );
  return { count, shards, missing };
}

/** "shards 1/4 and 3/4 are missing", or the first ten and how many more. */
export function describeMissing(missing: readonly number[], count: number): string {
  const shown = missing.slice(0, 10).map((i) => describeShard({ index: i, count }));
  const more = missing.length > 10 ? ` and ${missing.length - 10} more` : '';
  return missing.length === 1
    ? `shard ${shown[0]} is missing`
    : `${missing.length} shards are missing: ${shown.join(', ')}${more}`;
}
