import { parseArgs } from 'node:util';
import { bad, parseCli } from './args';
import { FORMATS, type Format } from './label-args';

export interface MergeArgs {
  /** Shard folders, or run folders holding them. */
  readonly from: readonly string[];
  readonly out?: string;
  readonly format: Format;
  readonly allowMissing: boolean;
  /** A dataset folder whose project gets the merged labels as pending suggestions. */
  readonly intoProject?: string;
  /** Where the images are, when not where the shards saw them (YOLO links point there). */
  readonly images?: string;
  readonly copyImages: boolean;
}

export const MERGE_USAGE = `Usage: npm run merge -- --from <shard-or-run-folder>... (--out <folder> | --into-project <dataset>)
  [--format coco|yolo|voc]      output format (default coco)
  [--allow-missing]             merge the shards there are, listing the missing ones
  [--into-project <dataset>]    also bring the labels into the dataset's project as pending suggestions
  [--images <folder>]           the images, when not at the path the shards read them from
  [--copy-images]               YOLO: copy images instead of linking them`;

/** Parses and checks the command line; `--from a b c` takes every folder up to the next option. */
export function parseMergeArgs(argv: readonly string[]): MergeArgs | 'help' {
  const { values, positionals } = parseCli(() =>
    parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        from: { type: 'string', multiple: true },
        out: { type: 'string' },
        format: { type: 'string', default: 'coco' },
        'allow-missing': { type: 'boolean', default: false },
        'into-project': { type: 'string' },
        images: { type: 'string' },
        'copy-images': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }),
  );
  if (values.help) return 'help';
  if (!values.from?.length) throw bad('missing --from: the shard folders (or the run folder holding them)');
  if (!values.out && !values['into-project']) throw bad('missing --out (or --into-project)');
  const format = values.format as Format;
  if (!FORMATS.includes(format))
    throw bad(`--format must be one of ${FORMATS.join(', ')}, got "${values.format}"`);
  return {
    // A shell glob after one --from (`--from run/shard-*`) arrives as the values that follow it.
    from: [...values.from, ...positionals],
    ...(values.out && { out: values.out }),
    format,
    allowMissing: values['allow-missing'],
    ...(values['into-project'] && { intoProject: values['into-project'] }),
    ...(values.images && { images: values.images }),
    copyImages: values['copy-images'],
  };
}
