/**
 * Runs reference_preprocess.py (the original repo's PIL + numpy preprocessing) under the first
 * interpreter that has PIL and numpy: GROUNDLABEL_PYTHON, python3 on the PATH, then Debian's
 * /usr/bin/python3 (a pyenv python3 may lack PIL, and Debian's may too).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const PYTHONS = [process.env.GROUNDLABEL_PYTHON, 'python3', '/usr/bin/python3'].filter(
  (p): p is string => !!p,
);
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
  const lacking: string[] = [];
  let stdout: string | null = null;
  for (const python of PYTHONS) {
    try {
      ({ stdout } = await promisify(execFile)(python, [SCRIPT, String(reps), ...files], { timeout: 90_000 }));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        lacking.push(`${python} (not found)`);
        continue;
      }
      // Exit 2 means PIL or numpy is missing; the script still printed why on stdout.
      const out = (e as { stdout?: string }).stdout ?? '';
      let parsed: ScriptOutput = {};
      try {
        parsed = JSON.parse(out) as ScriptOutput;
      } catch {
        // not our JSON: a crash, reported below by its message
      }
      if (!parsed.unavailable)
        return { ok: false, reason: `reference script failed: ${(e as Error).message.split('\n')[0]}` };
      lacking.push(`${python} (${parsed.unavailable})`);
    }
  }
  if (stdout === null)
    return { ok: false, reason: `no Python with PIL and numpy: ${lacking.join(', ')}; run: ${INSTALL_HINT}` };
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
