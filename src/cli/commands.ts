/**
 * The `groundlabel` command's subcommands. Each module runs its command when imported (its last
 * line reads `process.argv`), so the entry imports only the one asked for.
 */
import { isCommandName, type CommandName } from './command-names';

export const COMMANDS: { readonly [K in CommandName]: () => Promise<unknown> } = {
  label: () => import('./label'),
  batch: () => import('./batch'),
  convert: () => import('./convert'),
  serve: () => import('./serve'),
  merge: () => import('./merge'),
  models: () => import('./models'),
};

export const GROUNDLABEL_USAGE = `Usage: groundlabel <command> [options]

Commands:
  label    label a folder of images with a prompt and export the labels
  batch    run a prompt over a dataset folder, resumably, into its stored labels
  convert  convert labels between YOLO, COCO, Pascal VOC and LabelMe
  serve    serve the app to a browser (browser mode)
  merge    merge the outputs of label shards
  models   list, add (from disk, an address or the catalogue) and remove models

groundlabel <command> --help prints a command's own options.`;

export type Invocation =
  | { readonly kind: 'command'; readonly name: CommandName; readonly argv: readonly string[] }
  | { readonly kind: 'help' }
  | { readonly kind: 'unknown'; readonly given: string | undefined };

/** What `groundlabel <argv>` asks for: a command and its own arguments, the usage, or neither. */
export function invocationOf(argv: readonly string[]): Invocation {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') return { kind: 'help' };
  if (first === undefined || !isCommandName(first)) return { kind: 'unknown', given: first };
  return { kind: 'command', name: first, argv: rest };
}
