import { runCommand } from './command';
import { MERGE_USAGE, parseMergeArgs } from './merge-args';
import { runMerge } from './merge-run';

export const main = (argv: readonly string[]): Promise<number> =>
  runCommand(argv, { usage: MERGE_USAGE, parse: parseMergeArgs, run: runMerge, failure: () => 2 });

process.exitCode = await main(process.argv.slice(2));
