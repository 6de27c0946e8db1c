import { count } from '../shared/plural';
import { stat } from 'node:fs/promises';
import { GroundLabelError } from '../shared/errors';
import { checkClassList, exportLabels, ExportError } from '../shared/formats';
import { mapPhrasesToClasses } from '../shared/labels/class-map';
import { listImages } from '../main/dataset/scan';
import { exportFromOutcomes } from '../main/export/from-outcomes';
import { checkOutFolder } from '../main/export/out-folder';
import { writeExport } from '../main/export/write-export';
import { Detector } from '../main/inference/detector';
import { setMaxPixels } from '../main/inference/image-file';
import { describeSizeRule } from '../main/inference/resize';
import { promptUnits } from '../shared/prompt/units';
import { bundledVocabPath } from '../main/paths';
import { imagesOfShard } from '../main/shards/assign';
import { thresholdsOf } from './args';
import { LABEL_USAGE, parseLabelArgs, type LabelArgs } from './label-args';
import { collisionLines, reportFailures, summarise } from './label-summary';
import { addCollisions } from '../shared/prompt/collisions';
import { log, logModel, runCommand, warnPromptLint } from './command';
import { labelFolderWithProgress } from './progress';
import { labelShard, prepareShard } from './shard-label';

async function ensureFolder(dir: string, what: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new GroundLabelError('bad-argument', `${what} ${dir} is not a folder`);
}

export async function runLabel(args: LabelArgs): Promise<number> {
  if (args.maxPixels !== undefined) setMaxPixels(args.maxPixels);
  // Everything that could stop the run is checked before the model loads and the first image runs.
  await ensureFolder(args.images, '--images');
  await checkOutFolder(args.out, args.images);
  const target = args.shard ? await prepareShard(args, args.shard) : null;
  const phrases = promptUnits(args.prompt, args.rec);
  warnPromptLint(args.prompt, !!args.rec);
  const mapping = mapPhrasesToClasses(phrases, args.classes);
  if (!mapping.ok) throw new GroundLabelError('bad-argument', mapping.error);
  try {
    checkClassList(mapping.value.classes);
  } catch (e) {
    if (e instanceof ExportError) throw new GroundLabelError('bad-argument', e.message);
    throw e;
  }
  // Never the run's own output, an export of the app, or an earlier run's output (see listImages).
  const listed = await listImages(args.images, [args.out]);
  if (listed.length === 0) throw new GroundLabelError('image-not-found', `No images found in ${args.images}`);
  // Each shard lists the whole folder and keeps its own images: no shard needs to hear from another.
  const relPaths = target ? imagesOfShard(listed, target.shard) : listed;
  const thresholds = thresholdsOf(args);

  const detector = await Detector.open({
    model: args.model,
    device: args.device,
    inputSize: args.inputSize,
    bundledVocab: bundledVocabPath(),
  });
  try {
    const { info } = detector;
    logModel(info);
    log(`input size: ${describeSizeRule(info.sizeRule)}`);
    const runs = detector.textRuns(args.prompt, args.perPhrase, !!args.rec);
    if (args.rec)
      log(
        `prompt: ${count(phrases.length, 'referring expression')}, each yielding its best ${args.rec.topK === 1 ? 'box' : `${args.rec.topK} boxes`}`,
      );
    if (runs.length > 1)
      log(
        `prompt: ${phrases.length} ${args.rec ? 'expressions' : 'phrases'} in ${runs.length} passes of ≤ ${info.maxTokens} tokens each`,
      );
    if (target)
      return await labelShard({
        args,
        target,
        detector,
        relPaths,
        phrases,
        mapping: mapping.value,
        thresholds,
      });

    const outcomes = await labelFolderWithProgress(detector, args.images, relPaths, args.prompt, {
      perPhrase: args.perPhrase,
      rec: args.rec,
      thresholds,
    });

    const { plan, nothingFound } = exportFromOutcomes(outcomes, mapping.value, args.prompt.trim());
    for (const line of summarise(outcomes, mapping.value.classes, mapping.value.classOfPhrase, nothingFound))
      log(line);
    for (const line of collisionLines(
      addCollisions(...outcomes.map((o) => (o.ok ? o.result.collisions : []))),
    ))
      log(line);
    if (plan.summary.reviewed === 0) {
      log(`nothing written to ${args.out}: no image could be labeled`);
      reportFailures(outcomes);
      return 1;
    }
    const result = exportLabels(args.format, plan.input);
    await writeExport(result, {
      format: args.format,
      outDir: args.out,
      imageRoot: args.images,
      copyImages: args.copyImages,
    });
    for (const p of result.problems) log(`problem: ${p.relPath}: ${p.message}`);
    log(`wrote ${args.format.toUpperCase()} to ${args.out}`);
    return reportFailures(outcomes);
  } finally {
    await detector.close();
  }
}

export const main = (argv: readonly string[]): Promise<number> =>
  runCommand(argv, { usage: LABEL_USAGE, parse: parseLabelArgs, run: runLabel, failure: () => 2 });

process.exitCode = await main(process.argv.slice(2));
