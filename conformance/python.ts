/**
 * The Python side of the conformance run: which interpreter, whether it has what the reference
 * needs, and running the scripts of this folder. The app itself never runs Python.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The interpreter: GROUNDLABEL_PYTHON, else python3 on the PATH. */
export const PYTHON = process.env.GROUNDLABEL_PYTHON || 'python3';

/** What the reference imports: transformers on PyTorch (CPU is enough), ONNX export and quantisation. */
export const PYTHON_MODULES = ['torch', 'transformers', 'onnx', 'onnxruntime', 'PIL', 'numpy'] as const;

export const INSTALL_HINT =
  'pip install torch transformers onnx onnxruntime pillow numpy (the CPU build of torch is enough)';

export const scriptPath = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));

export type PythonProbe = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Whether the interpreter has every module the reference needs (found, not imported: importing
 * torch takes seconds); says which are missing if not.
 */
export function probePython(): PythonProbe {
  const code = `
import importlib.util, sys
missing = [name for name in ${JSON.stringify(PYTHON_MODULES)} if importlib.util.find_spec(name) is None]
print(", ".join(missing))
sys.exit(1 if missing else 0)
`;
  const run = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8', timeout: 60_000 });
  if (run.error) return { ok: false, reason: `${PYTHON} could not be started (${run.error.message})` };
  if (run.status !== 0) {
    const missing = run.stdout.trim() || run.stderr.trim().split('\n').at(-1) || `exit ${run.status}`;
    return { ok: false, reason: `${PYTHON} lacks ${missing}` };
  }
  return { ok: true };
}

/** Runs a script of this folder; resolves with its stdout, rejects with the end of its stderr. */
export function runScript(
  name: string,
  args: readonly string[],
  options: { readonly timeoutMs?: number; readonly echo?: boolean } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [scriptPath(name), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 1_800_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
      if (options.echo) process.stderr.write(s);
    });
    child.on('error', (e) => reject(new Error(`${PYTHON} ${name}: ${e.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(stdout);
      else {
        const tail = stderr.trim().split('\n').slice(-15).join('\n');
        reject(
          new Error(`${PYTHON} ${name} ${args.join(' ')} ended with ${signal ?? `exit ${code}`}:\n${tail}`),
        );
      }
    });
  });
}
