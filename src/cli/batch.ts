import { DatasetService } from '../main/dataset/dataset-service';
import { Detector } from '../main/inference/detector';
import { setMaxPixels } from '../main/inference/image-file';
import { BatchService } from '../main/jobs/batch';
import { datasetStats } from '../shared/stats';
import { bundledVocabPath } from '../main/paths';
import { thresholdsOf } from './args';
import { BATCH_USAGE, parseBatchArgs, type BatchArgs } from './batch-args';
import { batchReport } from './batch-report';
import { resumeCommand } from './batch-resume';
import { log, logModel, runCommand, warnPromptLint } from './command';
import { startProgress, type Progress } from './progress';
import { count } from '../shared/plural';

/** Exit status of a batch stopped with Ctrl+C (128 + SIGINT), as shells report it. */
export const EXIT_CANCELLED = 130;

/** A preset's class names go into the project, where the batch reads each phrase's class name from. */
async function withPhraseNames(
  dataset: DatasetService,
  names: Readonly<Record<string, string>>,
): Promise<void> {
  const meta = dataset.store.getMeta();
  await dataset.store.putMeta({ ...meta, phraseNames: { ...meta.phraseNames, ...names } });
}

export async function runBatch(args: BatchArgs): Promise<number> {
  if (args.maxPixels !== undefined) setMaxPixels(args.maxPixels);
  const dataset = await DatasetService.open(args.dataset, { lock: { label: 'npm run batch' } });
  if (dataset.store.lockNotice) log(`warning: ${dataset.store.lockNotice}`);
  let detector: Detector | null = null;
  let batch: BatchService | null = null;
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) {
      log('\nstopping now; the job was saved up to the last few images');
      process.exit(EXIT_CANCELLED);
    }
    interrupted = true;
    log('\ncancelling after the images already on the model… (Ctrl+C again to quit at once)');
    void batch?.cancel();
  };
  try {
    let progress: Progress | null = null;
    let seen = 0;
    batch = await BatchService.open({
      dataset,
      onProgress: (p) => {
        for (; seen < p.done; seen++) progress?.tick();
      },
    });
    if (!args.resume) warnPromptLint(args.prompt ?? '', !!args.rec);
    if (args.resume)
      batch.resumable(); // says why there is nothing to resume before the model loads
    else if (batch.loadProblem) log(`warning: ${batch.loadProblem}`);

    detector = await Detector.open({
      model: args.model,
      device: args.device,
      bundledVocab: bundledVocabPath(),
    });
    logModel(detector.info);
    process.on('SIGINT', onSigint);
    const before = batch.status();
    if (args.resume) {
      await batch.resume(detector);
    } else {
      if (args.phraseNames) await withPhraseNames(dataset, args.phraseNames);
      await batch.start(detector, {
        prompt: args.prompt ?? '',
        perPhrase: args.perPhrase,
        rec: args.rec,
        skipReviewed: args.skipReviewed,
        thresholds: thresholdsOf(args),
      });
    }
    const running = batch.status()!;
    seen = args.resume ? (before?.done ?? 0) : 0;
    log(
      `${args.resume ? 'resuming' : 'started'} batch ${running.jobId} on ${running.total - seen} of ${count(running.total, 'image')}: "${running.prompt}"`,
    );
    progress = startProgress(running.total - seen);
    const status = (await batch.wait())!;
    progress.stop();
    await dataset.store.flush();

    const stats = datasetStats(
      dataset.relPaths,
      (r) => dataset.store.get(r),
      dataset.store.getMeta(),
      (r) => dataset.isUnreadable(r),
    );
    process.stdout.write(
      `${batchReport(status, stats, { resumeCommand: resumeCommand(args) }).join('\n')}\n`,
    );
    if (status.state !== 'done') return EXIT_CANCELLED;
    return status.failed ? 1 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    await batch?.close();
    await dataset.close();
    await detector?.close();
  }
}

export const main = (argv: readonly string[]): Promise<number> =>
  runCommand(argv, { usage: BATCH_USAGE, parse: parseBatchArgs, run: runBatch, failure: () => 2 });

process.exitCode = await main(process.argv.slice(2));
