import { isGroundLabelError, messageOf } from '../shared/errors';
import { ExportError } from '../shared/formats';
import { describeDevice, failureLines } from '../main/inference/devices';
import type { ModelInfo } from '../main/inference/detector';
import { overlappingPhrases } from '../shared/prompt/overlap';
import { missingSeparators } from '../shared/prompt/separators';
import { parsePhrases } from '../shared/prompt/units';

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

/**
 * Warns as the app's lint does: a phrase prompt without " . " reads as one phrase, and phrases that
 * overlap in meaning split one object between them. Referring expressions are sentences: no lint.
 */
export function warnPromptLint(prompt: string, rec: boolean): void {
  if (rec) return;
  const advice = missingSeparators(prompt);
  if (advice)
    log(
      `warning: the prompt has no " . ", so it is one phrase, "${advice.asOne}"; if you meant ${advice.phrases.length} phrases, write --prompt "${advice.rewrite}"`,
    );
  const pairs = overlappingPhrases(parsePhrases(prompt));
  if (pairs.length)
    log(
      `warning: phrases that overlap in meaning, each object going to only one of them: ${pairs
        .slice(0, 8)
        .map(([a, b]) => `"${a}" and "${b}"`)
        .join(
          ', ',
        )}${pairs.length > 8 ? `, … (${pairs.length - 8} more)` : ''}; run them separately, or see how often they collide with --cross-iou`,
    );
}
