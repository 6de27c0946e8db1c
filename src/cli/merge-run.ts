import path from 'node:path';
import { GroundLabelError } from '../shared/errors';
import { checkClassList, exportLabels, ExportError } from '../shared/formats';
import type { ClassMapping } from '../shared/labels/class-map';
import { DatasetService } from '../main/dataset/dataset-service';
import { exportFromOutcomes } from '../main/export/from-outcomes';
import { checkOutFolder } from '../main/export/out-folder';
import { writeExport } from '../main/export/write-export';
import { isInside } from '../main/fs/paths';
import { importSuggestions } from '../main/services/import-service';
import { importOfResults, outcomeOf } from '../main/shards/as-import';
import type { ResultLine } from '../main/shards/manifest';
import { checkShards, describeMissing, type ShardSet } from '../main/shards/merge-check';
import { findShards, readShardResults } from '../main/shards/shard-results';
import { log } from './command';
import { collisionLines, reportFailures, summarise } from './label-summary';
import { addCollisions } from '../shared/prompt/collisions';
import type { MergeArgs } from './merge-args';
import { count } from '../shared/plural';

const byCodeUnits = (a: ResultLine, b: ResultLine): number =>
  a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0;

/** Every shard's results, in the order an unsharded run lists the images. */
async function mergedResults(set: ShardSet): Promise<ResultLine[]> {
  const all: ResultLine[] = [];
  for (const s of set.shards) all.push(...(await readShardResults(s)));
  return all.sort(byCodeUnits);
}

/** The class list the shards ran with, checked as `label` checks it before writing. */
function mappingOf(set: ShardSet): ClassMapping {
  const { classes, classOfPhrase } = set.shards[0].manifest;
  try {
    checkClassList(classes);
  } catch (e) {
    if (e instanceof ExportError) throw new GroundLabelError('label-file-invalid', e.message);
    throw e;
  }
  return { classes, classOfPhrase };
}

async function writeDataset(
  args: MergeArgs & { out: string },
  lines: readonly ResultLine[],
  set: ShardSet,
  mapping: ClassMapping,
  imageRoot: string,
) {
  const { plan } = exportFromOutcomes(lines.map(outcomeOf), mapping, set.shards[0].manifest.prompt);
  if (plan.summary.reviewed === 0) {
    log(`nothing written to ${args.out}: no image could be labeled`);
    return;
  }
  const result = exportLabels(args.format, plan.input);
  await writeExport(result, {
    format: args.format,
    outDir: args.out,
    imageRoot,
    copyImages: args.copyImages,
  });
  for (const p of result.problems) log(`problem: ${p.relPath}: ${p.message}`);
  log(`wrote ${args.format.toUpperCase()} to ${args.out}`);
}

/**
 * Brings the merged labels into a dataset's project as pending suggestions, through the import the
 * app uses. The dataset is opened through DatasetService, which takes its lock: the app, serve or a
 * batch holding it refuses the merge with a message naming that process.
 */
async function intoProject(
  dataset: string,
  lines: readonly ResultLine[],
  set: ShardSet,
  mapping: ClassMapping,
): Promise<void> {
  const d = await DatasetService.open(dataset, { lock: { label: 'npm run merge' } });
  try {
    if (d.store.lockNotice) log(`warning: ${d.store.lockNotice}`);
    const { prompt } = set.shards[0].manifest;
    const at = set.shards
      .map((s) => s.manifest.finishedAt)
      .sort()
      .at(-1)!;
    const result = importOfResults(lines, mapping);
    const inDataset = new Set(d.relPaths);
    const outside = result.input.images.filter((im) => !inDataset.has(im.relPath)).length;
    const applied = await importSuggestions(d, result, `the merged run "${prompt}"`, { prompt, at });
    await d.store.flush();
    log(
      `into ${d.root}: ${count(applied.images, 'image')} given ${count(applied.boxes, 'pending suggestion')} to review` +
        (applied.newClasses.length ? `; new classes: ${applied.newClasses.join(', ')}` : ''),
    );
    if (outside)
      log(
        `warning: ${count(outside, 'labeled image')} ${outside === 1 ? 'is not an image' : 'are not images'} of ${d.root} (the shards labeled ${set.shards[0].manifest.images.root}); they were left out`,
      );
    for (const p of applied.problems) log(`${p.level}: ${p.message}`);
  } finally {
    await d.close();
  }
}

/**
 * Joins the outputs of a sharded `label` run into one dataset: checks that the shards belong
 * together (see checkShards), then makes the export from all their results with the code an
 * unsharded run uses, so the result is the same as one run over all the images.
 */
export async function runMerge(args: MergeArgs): Promise<number> {
  const set = checkShards(await findShards(args.from), { allowMissing: args.allowMissing });
  const first = set.shards[0].manifest;
  log(`merging ${set.shards.length} of ${set.count} shard(s): "${first.prompt}", model ${first.model.name}`);
  if (set.missing.length)
    log(`warning: ${describeMissing(set.missing, set.count)}; their images are left out`);
  const imageRoot = path.resolve(args.images ?? first.images.root);
  if (args.out) {
    await checkOutFolder(args.out, imageRoot);
    const inShard = set.shards.find((s) => isInside(s.dir, path.resolve(args.out!)));
    if (inShard)
      throw new GroundLabelError(
        'bad-argument',
        `--out ${args.out} is inside the shard output ${inShard.dir}, which a rerun of the shard replaces; choose a folder of its own`,
      );
  }

  const lines = await mergedResults(set);
  const mapping = mappingOf(set);
  const nothingFound = lines.filter((l) => l.ok && l.detections.length === 0).length;
  const note = args.out
    ? undefined
    : 'in the project they show as "nothing found" until a person marks them negative';
  for (const line of summarise(lines, mapping.classes, mapping.classOfPhrase, nothingFound, note)) log(line);
  for (const line of collisionLines(addCollisions(...set.shards.map((s) => s.manifest.collisions))))
    log(line);
  if (args.out) await writeDataset({ ...args, out: args.out }, lines, set, mapping, imageRoot);
  if (args.intoProject) await intoProject(args.intoProject, lines, set, mapping);
  return reportFailures(lines);
}
