import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const root = path.resolve(import.meta.dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

/**
 * What a child process printed and how it exited, once it has. `onStderr` sees the error output so
 * far each time more arrives (to stop the child at a given line, say).
 */
export function outputOf(
  child: ChildProcess,
  onStderr?: (text: string, child: ChildProcess) => void,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a CLI entry point of src/cli the way `npm run <name> --` does, in a child process. */
export function runCli(entry: string, args: readonly string[]): Promise<CliResult> {
  return outputOf(
    spawn(tsx, [path.join(root, 'src', 'cli', entry), ...args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
    }),
  );
}

export interface StartedCli {
  readonly child: ChildProcess;
  /** Text written to stderr so far. */
  stderr(): string;
  readonly done: Promise<CliResult & { readonly signal: NodeJS.Signals | null }>;
}

/**
 * Starts a CLI entry point as one process, node with tsx's loader (as `npm run batch` does), so that
 * a signal sent to it reaches the command itself; `env` is added to the environment.
 */
export function startCli(
  entry: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): StartedCli {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src', 'cli', entry), ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, stderr: () => stderr, done };
}
