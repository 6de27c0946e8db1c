/**
 * Runs reference_preprocess.py (the original repo's PIL + numpy preprocessing) under Debian's
 * /usr/bin/python3: a pyenv python3 earlier on PATH usually lacks PIL.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./reference_preprocess.py', import.meta.url));
export const INSTALL_HINT = 'apt-get install -y python3-pil python3-numpy';

export type ReferenceResult =
  | {
      readonly ok: true;
      readonly medianMs: Record<string, number>;
      readonly shapes: Record<string, number[]>;
      readonly versions: string;
    }
  | { readonly ok: false; readonly reason: string };

interface ScriptOutput {
  readonly unavailable?: string;
  readonly python?: string;
  readonly pil?: string;
  readonly numpy?: string;
  readonly files?: Record<string, { median_ms: number; shape: number[] }>;
}

export async function runReference(files: readonly string[], reps: number): Promise<ReferenceResult> {
  if (!existsSync(PYTHON))
    return { ok: false, reason: `${PYTHON} not found; install Debian's python3 and run: ${INSTALL_HINT}` };
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(PYTHON, [SCRIPT, String(reps), ...files], { timeout: 90_000 }));
  } catch (e) {
    // Exit 2 means PIL or numpy is missing; the script still printed why on stdout.
    const out = (e as { stdout?: string }).stdout ?? '';
    let parsed: ScriptOutput = {};
    try {
      parsed = JSON.parse(out) as ScriptOutput;
    } catch {
      // not our JSON: a crash, reported below by its message
    }
    if (parsed.unavailable)
      return { ok: false, reason: `${PYTHON} lacks PIL/numpy (${parsed.unavailable}); run: ${INSTALL_HINT}` };
    return { ok: false, reason: `reference script failed: ${(e as Error).message.split('\n')[0]}` };
  }
  const parsed = JSON.parse(stdout) as ScriptOutput;
  const results = Object.entries(parsed.files ?? {});
  const medianMs = Object.fromEntries(results.map(([f, v]) => [f, v.median_ms]));
  const shapes = Object.fromEntries(results.map(([f, v]) => [f, v.shape]));
  return {
    ok: true,
    medianMs,
    shapes,
    versions: `Python ${parsed.python}, Pillow ${parsed.pil}, numpy ${parsed.numpy}`,
  };
}
