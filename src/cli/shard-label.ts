import { addCollisions } from '../shared/prompt/collisions';
import os from 'node:os';
import path from 'node:path';
import type { Thresholds } from '../shared/detection';
import { sha256File } from '../main/models/hash-file';
import { GroundLabelError, messageOf } from '../shared/errors';
import type { ClassMapping } from '../shared/labels/class-map';
import { checkOutFolder } from '../main/export/out-folder';
import type { Detector } from '../main/inference/detector';
import { describeDevice } from '../main/inference/devices';
import { describeSizeRule } from '../main/inference/resize';
import type { LabelOutcome } from '../main/jobs/label-images';
import { ASSIGNMENT, describeShard, shardFolderName, type ShardSpec } from '../main/shards/assign';
import { softwareVersion, type ResultLine, type ShardManifest } from '../main/shards/manifest';
import { resolveShard, type Environment } from '../main/shards/scheduler-env';
import { ShardWriter, shardFolderProblem } from '../main/shards/shard-writer';
import type { LabelArgs } from './label-args';
import { log } from './command';
import { labelFolderWithProgress } from './progress';
import { count } from '../shared/plural';

/** The shard a `label --shard` run labels, and the folder it writes. */
export interface ShardTarget {
  readonly shard: ShardSpec;
  readonly dir: string;
}

/**
 * Which shard this process runs and where it writes, checked before the model loads: the shard
 * writes `<out>/shard-K-of-N/`, so every shard of a run takes the same `--out` and a rerun of one
 * shard touches no other shard's folder.
 */
export async function prepareShard(
  args: LabelArgs,
  shardArgs: NonNullable<LabelArgs['shard']>,
  env: Environment = process.env,
): Promise<ShardTarget> {
  const { shard, source } = resolveShard(shardArgs.request, shardArgs.count, env);
  const dir = path.join(args.out, shardFolderName(shard));
  await checkOutFolder(dir, args.images);
  const problem = await shardFolderProblem(dir);
  if (problem) throw new GroundLabelError('bad-argument', problem);
  log(`shard ${describeShard(shard)} (from ${source}), writing ${dir}`);
  return { shard, dir };
}

async function sha256Of(file: string): Promise<string> {
  try {
    return await sha256File(file);
  } catch (e) {
    throw new GroundLabelError('io-failed', `Could not read the model file ${file}: ${messageOf(e)}`, {
      cause: e,
    });
  }
}

/** The line results.jsonl keeps of an outcome: exactly what merging and importing need. */
function resultLine(o: LabelOutcome): ResultLine {
  if (!o.ok)
    return { relPath: o.relPath, ok: false, error: { code: o.error.code, message: o.error.message } };
  return {
    relPath: o.relPath,
    ok: true,
    width: o.image.width,
    height: o.image.height,
    detections: o.detections.map((d) => ({
      box: { x1: d.box.x1, y1: d.box.y1, x2: d.box.x2, y2: d.box.y2 },
      score: d.score,
      phrase: d.phrase,
      phraseIndex: d.phraseIndex,
      rawText: d.rawText,
    })),
  };
}

export interface ShardRun {
  readonly args: LabelArgs;
  readonly target: ShardTarget;
  readonly detector: Detector;
  /** The shard's images, relative to --images. */
  readonly relPaths: readonly string[];
  readonly phrases: readonly string[];
  readonly mapping: ClassMapping;
  readonly thresholds: Partial<Thresholds>;
}

/**
 * Labels one shard's images and writes its output folder: results.jsonl (one line per image, every
 * detection with its score) and the manifest. Not a dataset: `merge` joins the shards' results and
 * makes the dataset with the very code an unsharded `label` run uses, so N shards give the same
 * export as one run. Exit code 0 once the output is written, even when images failed: they are in
 * the manifest and merge reports them, and a scheduler retrying the shard would fail on them again.
 * Only when every image failed is it 1.
 */
export async function labelShard(run: ShardRun): Promise<number> {
  const { args, target, detector, relPaths } = run;
  const startedAt = new Date().toISOString();
  const modelHash = sha256Of(detector.info.file);
  modelHash.catch(() => undefined);
  const writer = await ShardWriter.create(target.dir);
  try {
    const outcomes = await labelFolderWithProgress(detector, args.images, relPaths, args.prompt, {
      perPhrase: args.perPhrase,
      rec: args.rec,
      thresholds: run.thresholds,
      onOutcome: (outcome) => writer.add(resultLine(outcome)),
    });
    const failures = outcomes.flatMap((o) => (o.ok ? [] : [{ relPath: o.relPath, ...o.error }]));
    const collisions = addCollisions(...outcomes.map((o) => (o.ok ? o.result.collisions : [])));
    const { info } = detector;
    const manifest: Omit<ShardManifest, 'results'> = {
      kind: 'groundlabel-shard',
      version: 1,
      software: softwareVersion(),
      shard: { ...target.shard, assignment: ASSIGNMENT },
      prompt: args.prompt.trim(),
      phrases: [...run.phrases],
      classes: [...run.mapping.classes],
      classOfPhrase: [...run.mapping.classOfPhrase],
      thresholds: { ...info.defaults, ...run.thresholds },
      perPhrase: args.perPhrase,
      ...(args.rec && { rec: args.rec }),
      inputSize: describeSizeRule(info.sizeRule),
      model: {
        name: info.name,
        file: path.basename(info.file),
        sha256: await modelHash,
        flavour: info.flavour,
      },
      device: describeDevice(info.device),
      host: os.hostname(),
      images: { root: path.resolve(args.images), count: relPaths.length, list: [...relPaths] },
      failures,
      ...(collisions.length && { collisions }),
      startedAt,
      finishedAt: new Date().toISOString(),
    };
    await writer.finish(manifest);
    log(
      `shard ${describeShard(target.shard)}: ${count(relPaths.length, 'image')}, ${failures.length} failed; wrote ${target.dir}`,
    );
    for (const f of failures) log(`  ${f.relPath}: [${f.code}] ${f.message}`);
    // Every image failing is no broken file but a broken node or mount: worth the scheduler's retry.
    if (relPaths.length > 0 && failures.length === relPaths.length) {
      log(`no image of shard ${describeShard(target.shard)} could be labeled`);
      return 1;
    }
    return 0;
  } catch (e) {
    await writer.abort();
    throw e;
  }
}
