import { parseArgs } from 'node:util';
import { bad, parseCli } from './args';
import { EXPORT_FORMATS, isExportFormat, type ExportFormat } from '../shared/formats';
import { IMPORT_FORMATS, isImportFormat, type ImportFormat } from '../shared/formats/import';

export interface ConvertArgs {
  readonly images: string;
  readonly from: string;
  readonly fromFormat: ImportFormat;
  readonly to: ExportFormat;
  readonly out: string;
  /** VOC input: a class list file, one name per line. */
  readonly classes?: string;
  /** VOC input: coordinates are 0-based pixel edges. */
  readonly vocZeroBased: boolean;
  readonly copyImages: boolean;
}

export const CONVERT_USAGE = `Usage: npm run convert -- --images <folder> --from <file-or-folder> --from-format coco|yolo|voc|labelme --to coco|yolo|voc --out <folder>
  --images <folder>             the images the labels belong to (labels pair only with images in it)
  --from <file-or-folder>       COCO: the JSON file; YOLO: the dataset folder (data.yaml, classes.txt or obj.names);
                                VOC: a folder of XML files, a VOC folder with Annotations/, or one XML file;
                                LabelMe (X-AnyLabeling): a folder of JSON files (usually the image folder), or one
  [--classes <file>]            VOC input: class list, one name per line (default: order of first appearance)
  [--voc-zero-based]            VOC input: coordinates are 0-based pixel edges, not 1-based pixels
  [--copy-images]               YOLO output: copy images instead of linking them`;

function format(option: string, raw: string | undefined): ExportFormat {
  if (!isExportFormat(raw))
    throw bad(`--${option} must be one of ${EXPORT_FORMATS.join(', ')}, got "${raw}"`);
  return raw;
}

/** Parses and checks the command line; every problem is a 'bad-argument' error naming the option. */
export function parseConvertArgs(argv: readonly string[]): ConvertArgs | 'help' {
  const { values } = parseCli(() =>
    parseArgs({
      args: [...argv],
      strict: true,
      options: {
        images: { type: 'string' },
        from: { type: 'string' },
        'from-format': { type: 'string' },
        to: { type: 'string' },
        out: { type: 'string' },
        classes: { type: 'string' },
        'voc-zero-based': { type: 'boolean', default: false },
        'copy-images': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }),
  );
  if (values.help) return 'help';
  const missing = (['images', 'from', 'from-format', 'to', 'out'] as const).filter((k) => !values[k]);
  if (missing.length) throw bad(`missing ${missing.map((m) => `--${m}`).join(', ')}`);
  const rawFrom = values['from-format'];
  if (!isImportFormat(rawFrom))
    throw bad(`--from-format must be one of ${IMPORT_FORMATS.join(', ')}, got "${rawFrom}"`);
  const fromFormat = rawFrom;
  const to = format('to', values.to);
  if (fromFormat !== 'voc' && values.classes !== undefined)
    throw bad('--classes is for --from-format voc (COCO, YOLO and LabelMe name their classes)');
  if (fromFormat !== 'voc' && values['voc-zero-based'])
    throw bad('--voc-zero-based is for --from-format voc');
  return {
    images: values.images!,
    from: values.from!,
    fromFormat,
    to,
    out: values.out!,
    ...(values.classes !== undefined && { classes: values.classes }),
    vocZeroBased: values['voc-zero-based'],
    copyImages: values['copy-images'],
  };
}
