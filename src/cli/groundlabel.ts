/**
 * `groundlabel <command> …`: the one entry of the command lines shipped with the app, compiled to
 * JavaScript (out/cli/groundlabel.mjs) and run with plain `node`.
 */
import { COMMANDS, GROUNDLABEL_USAGE, invocationOf } from './commands';

const invocation = invocationOf(process.argv.slice(2));
if (invocation.kind === 'help') {
  process.stdout.write(`${GROUNDLABEL_USAGE}\n`);
} else if (invocation.kind === 'unknown') {
  process.stderr.write(
    `${invocation.given === undefined ? 'error: no command given' : `error: unknown command "${invocation.given}"`}\n\n${GROUNDLABEL_USAGE}\n`,
  );
  process.exitCode = 2;
} else {
  // The command reads its arguments from process.argv, as when it runs on its own.
  process.argv = [process.argv[0]!, process.argv[1]!, ...invocation.argv];
  await COMMANDS[invocation.name]();
}
