import path from 'node:path';
import { realpath, stat } from 'node:fs/promises';
import { classNameForPhrase } from '../shared/classes';
import { sampleImages } from '../shared/compare';
import { GroundLabelError } from '../shared/errors';
import { readStoredMeta } from '../main/dataset/project-store';
import { EXPORTS_DIR, listImages } from '../main/dataset/scan';
import { Detector } from '../main/inference/detector';
import { comparePrompts } from '../main/jobs/compare';
import { bundledVocabPath } from '../main/paths';
import { COMPARE_USAGE, parseCompareArgs, type CompareArgs } from './compare-args';
import { compareLines } from './compare-report';
import { log, logModel, runCommand } from './command';
import { startProgress } from './progress';

/** Exit status when Ctrl+C stopped the comparison (128 + SIGINT). */
const EXIT_CANCELLED = 130;

/**
 * Compares prompts on a sample of a dataset. It only reads the dataset, so it takes no lock (the app
 * or a batch may hold the folder meanwhile): the images as the dataset lists them, and the project
 * file as stored for the class names, without replaying or removing the journal of whoever holds it.
 */
export async function runCompare(args: CompareArgs): Promise<number> {
  const info = await stat(args.dataset).catch(() => null);
  if (!info?.isDirectory())
    throw new GroundLabelError('bad-argument', `--dataset ${args.dataset} is not a folder`);
  const root = await realpath(args.dataset);
  const all = await listImages(root, [path.join(root, EXPORTS_DIR)]);
  if (!all.length) throw new GroundLabelError('image-not-found', `No images found in ${root}`);
  const meta = await readStoredMeta(root);
  const relPaths = sampleImages(all, args.sample, args.seed);

  const detector = await Detector.open({
    model: args.model,
    device: args.device,
    bundledVocab: bundledVocabPath(),
  });
  const controller = new AbortController();
  const onSigint = () => {
    log('\nstopping after the images already on the model…');
    controller.abort();
  };
  try {
    logModel(detector.info);
    const variants = args.prompts.map((prompt, i) => ({
      prompt,
      thresholds: {
        box: args.thresholds[i].box ?? detector.info.defaults.box,
        text: args.thresholds[i].text ?? detector.info.defaults.text,
        nmsIou:
          args.thresholds[i].nmsIou === undefined ? detector.info.defaults.nmsIou : args.thresholds[i].nmsIou,
        ...(args.thresholds[i].crossIou !== undefined && { crossIou: args.thresholds[i].crossIou }),
      },
      perPhrase: args.perPhrase,
      ...(args.rec && { rec: args.rec }),
    }));
    process.on('SIGINT', onSigint);
    const progress = startProgress(relPaths.length);
    const report = await comparePrompts(
      detector,
      relPaths.map((relPath) => ({ relPath, file: path.join(root, ...relPath.split('/')) })),
      variants,
      {
        classOf: (phrase) => classNameForPhrase(meta, phrase),
        signal: controller.signal,
        onProgress: () => progress.tick(),
      },
    ).finally(() => progress.stop());
    process.stdout.write(`${compareLines(report, { total: all.length, seed: args.seed }).join('\n')}\n`);
    if (report.cancelled) return EXIT_CANCELLED;
    return report.failures.length ? 1 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    await detector.close();
  }
}

export const main = (argv: readonly string[]): Promise<number> =>
  runCommand(argv, { usage: COMPARE_USAGE, parse: parseCompareArgs, run: runCompare, failure: () => 2 });

process.exitCode = await main(process.argv.slice(2));
