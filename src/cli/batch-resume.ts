import type { BatchArgs } from './batch-args';

/** A path or word as a POSIX shell reads it back: quoted only when it must be. */
const shellWord = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

/** The command that goes on with this batch: the same dataset, model and device, with --resume. */
export function resumeCommand(args: BatchArgs): string {
  return [
    'npm run batch --',
    `--dataset ${shellWord(args.dataset)}`,
    `--model ${shellWord(args.model)}`,
    ...(args.device !== 'auto' ? [`--device ${args.device}`] : []),
    ...(args.maxPixels !== undefined ? [`--max-pixels ${args.maxPixels}`] : []),
    '--resume',
  ].join(' ');
}
