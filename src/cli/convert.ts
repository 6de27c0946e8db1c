import { stat } from 'node:fs/promises';
import path from 'node:path';
import { GroundLabelError } from '../shared/errors';
import { exportLabels } from '../shared/formats';
import type { ImportResult } from '../shared/formats/import';
import { checkOutDir, writeExport } from '../main/export/write-export';
import { isInside } from '../main/fs/paths';
import { loadLabels } from '../main/import/load-labels';
import { log, runCommand } from './command';
import { CONVERT_USAGE, parseConvertArgs, type ConvertArgs } from './convert-args';

const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

async function checkPaths(args: ConvertArgs): Promise<void> {
  const images = await stat(args.images).catch(() => null);
  if (!images?.isDirectory())
    throw new GroundLabelError('bad-argument', `--images ${args.images} is not a folder`);
  if (!(await stat(args.from).catch(() => null)))
    throw new GroundLabelError('bad-argument', `--from ${args.from} does not exist`);
  checkOutDir(args.out, args.images);
  // Writing an export clears its old files: it must never touch the labels it reads.
  if (isInside(args.out, args.from) || isInside(args.from, args.out))
    throw new GroundLabelError(
      'bad-argument',
      `--out ${args.out} overlaps --from ${args.from}; choose an output folder of its own`,
    );
}

function summary(result: ImportResult): string {
  const images = result.input.images;
  const reviewed = images.filter((im) => im.state === 'reviewed');
  const boxes = reviewed.reduce((n, im) => n + im.boxes.length, 0);
  const negatives = reviewed.filter((im) => im.boxes.length === 0).length;
  const unlabeled = images.length - reviewed.length - result.rejected.length;
  return (
    `read: ${count(images.length, 'image')} in the folder, ${reviewed.length} with labels ` +
    `(${count(boxes, 'box', 'boxes')}, ${count(negatives, 'negative')}), ${unlabeled} unlabeled, ` +
    `${result.rejected.length} left out; ${count(result.input.classes.length, 'class', 'classes')}`
  );
}

export async function runConvert(args: ConvertArgs): Promise<number> {
  await checkPaths(args);
  const result = await loadLabels({
    format: args.fromFormat,
    images: args.images,
    from: args.from,
    ...(args.classes !== undefined && { vocClasses: args.classes }),
    vocZeroBased: args.vocZeroBased,
    exclude: [args.out],
    // --images may be a YOLO export read in place, whose images/ link to the originals.
    followLinksOut: true,
  });
  const { errors, warnings, clipped } = result.report;
  for (const w of warnings) log(`warning: ${w.message}`);
  for (const e of errors) log(`error: ${e.message}`);
  if (clipped > 0)
    log(`clipped: ${count(clipped, 'box', 'boxes')} reached outside the image and were clipped to it`);
  log(summary(result));
  const reviewed = result.input.images.filter((im) => im.state === 'reviewed').length;
  if (reviewed === 0) {
    log(
      errors.length > 0
        ? `nothing written: the input was rejected (${count(errors.length, 'error')})`
        : `nothing written: no image of ${args.images} has labels in ${args.from}`,
    );
    return 1;
  }
  const exported = exportLabels(args.to, result.input);
  await writeExport(exported, {
    format: args.to,
    outDir: args.out,
    imageRoot: args.images,
    copyImages: args.copyImages,
  });
  for (const p of exported.problems) log(`problem: ${p.relPath}: ${p.message}`);
  log(`wrote ${args.to.toUpperCase()} to ${args.out}`);
  if (errors.length + exported.problems.length === 0) return 0;
  log(
    `the input was rejected in part (${count(errors.length + exported.problems.length, 'error')}); the images named above were left out`,
  );
  return 1;
}

export const main = (argv: readonly string[]): Promise<number> =>
  runCommand(argv, {
    usage: CONVERT_USAGE,
    parse: parseConvertArgs,
    run: (args) =>
      runConvert({
        ...args,
        images: path.resolve(args.images),
        from: path.resolve(args.from),
        out: path.resolve(args.out),
      }),
    // A rejected input is a failed conversion (1); only a bad command line is 2.
    failure: (badArgument) => (badArgument ? 2 : 1),
  });

process.exitCode = await main(process.argv.slice(2));
