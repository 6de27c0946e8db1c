import { isGroundLabelError, messageOf } from '../shared/errors';
import { ExportError } from '../shared/formats';
import { describeDevice, failureLines } from '../main/inference/devices';
import type { ModelInfo } from '../main/inference/detector';
import { missingSeparators } from '../shared/prompt/separators';

/** Progress and diagnostics go to stderr; stdout is left for what a script reads. */
export const log = (line = ''): void => void process.stderr.write(`${line}\n`);

/** Says why a command failed, with its usage after an argument error; returns whether it was one. */
export function reportFailure(e: unknown, usage: string): boolean {
  if (isGroundLabelError(e)) {
    log(`error [${e.code}]: ${e.message}`);
    if (e.code !== 'bad-argument') return false;
    log(`\n${usage}`);
    return true;
  }
  log(e instanceof ExportError ? `error [export-${e.code}]: ${e.message}` : `error: ${messageOf(e)}`);
  return false;
}

export interface Command<A> {
  readonly usage: string;
  readonly parse: (argv: readonly string[]) => A | 'help';
  readonly run: (args: A) => Promise<number>;
  /** The exit code of a failure, by whether it was an argument error. */
  readonly failure: (badArgument: boolean) => number;
}

/** A command line's entry: its usage for --help, otherwise its run, with failures reported. */
export async function runCommand<A>(argv: readonly string[], command: Command<A>): Promise<number> {
  try {
    const args = command.parse(argv);
    if (args === 'help') {
      process.stdout.write(`${command.usage}\n`);
      return 0;
    }
    return await command.run(args);
  } catch (e) {
    return command.failure(reportFailure(e, command.usage));
  }
}

/** The model a command runs: what it is, where it runs, and why not where it should. */
export function logModel(info: ModelInfo): void {
  log(`model: ${info.name} (flavour ${info.flavour}, ${info.file})`);
  log(`device: ${describeDevice(info.device)}`);
  for (const line of failureLines(info.device.failures)) log(line);
  if (info.threadFallback) log(`warning: the model runs on the main thread: ${info.threadFallback}`);
}

/** Warns, as the app's lint does, when a phrase prompt without " . " reads as one phrase. */
export function warnSeparators(prompt: string, rec: boolean): void {
  const advice = rec ? null : missingSeparators(prompt);
  if (advice)
    log(
      `warning: the prompt has no " . ", so it is one phrase, "${advice.asOne}"; if you meant ${advice.phrases.length} phrases, write --prompt "${advice.rewrite}"`,
    );
}
