import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { GroundLabelError } from '../../shared/errors';
import { appRoot } from '../paths';
import { ProjectStore, STORE_DIR } from './project-store';

/**
 * The crash test of the project store: a child process edits continuously and prints each edit
 * once the store acknowledged it; it is killed with SIGKILL at a random moment; the store must then
 * reopen with every acknowledged edit and no file that fails to parse. The kill delays come from a
 * seed that is printed first, so a failing run can be replayed exactly (KILL_SEED).
 */
export interface KillTestResult {
  readonly seed: number;
  /** Milliseconds between the child's first acknowledged readiness and its kill, one per round. */
  readonly delays: readonly number[];
  readonly kills: number;
  readonly acknowledged: number;
  readonly lostAcknowledgedEdits: number;
  readonly unparseableFiles: number;
  /** Reopens that found the lock the killed process left and took it over (all of them, normally). */
  readonly staleLocksTakenOver: number;
}

/** The kill delays of a run: the same seed gives the same delays. */
export function killDelays(seed: number, kills: number, maxDelayMs: number): number[] {
  return fc.sample(fc.integer({ min: 0, max: maxDelayMs }), { seed, numRuns: kills });
}

/** The seed in KILL_SEED, to replay a run; otherwise a fresh one. */
export function killSeed(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['KILL_SEED']?.trim();
  if (!raw) return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed))
    throw new GroundLabelError('bad-argument', `KILL_SEED must be an integer, got "${raw}"`);
  return seed;
}

const IMAGES = 8;
const childScript = path.join(appRoot(), 'src', 'main', 'dataset', 'kill-test-child.ts');
const loader = () => pathToFileURL(path.join(appRoot(), 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** Every edit writes its sequence number into the image's only box, so the newest survivor is readable. */
export const sequenceOf = (x1: number): number => Math.round(x1);

async function jsonFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.json')) out.push(path.join(e.parentPath, e.name));
  }
  return out;
}

async function unparseable(root: string): Promise<number> {
  let bad = 0;
  for (const file of await jsonFiles(path.join(root, STORE_DIR))) {
    try {
      JSON.parse(await readFile(file, 'utf8'));
    } catch {
      bad++;
    }
  }
  return bad;
}

/** One round: run the child on `root` until killed after `killAfterMs`; returns the last acked sequence per image. */
function runChild(root: string, killAfterMs: number, start: number): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', loader(), childScript, root, String(IMAGES), String(start)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const acked = new Map<string, number>();
    let buffer = '';
    let stderr = '';
    let timer: NodeJS.Timeout | null = null;
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const [word, relPath, seq] = line.split(' ');
        if (word === 'ready' && !timer) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        if (word === 'ack') acked.set(relPath, Number(seq));
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL')
        reject(new Error(`the editing process ended by itself (${signal ?? _code}): ${stderr}`));
      else resolve(acked);
    });
  });
}

export async function runKillTest(options: {
  kills: number;
  maxKillDelayMs?: number;
  /** Replays a run: its delays come from this seed (a fresh one when not given). */
  seed?: number;
  /** Where the seed and delays are printed before the first kill; stderr unless told. */
  log?: (line: string) => void;
  onRound?: (round: number, r: KillTestResult) => void;
}): Promise<KillTestResult> {
  const seed = options.seed ?? killSeed({});
  const delays = killDelays(seed, options.kills, options.maxKillDelayMs ?? 250);
  (options.log ?? ((line) => process.stderr.write(`${line}\n`)))(
    `kill test: seed ${seed} (replay with KILL_SEED=${seed}); kill delays (ms): ${delays.join(' ')}`,
  );
  const root = await mkdtemp(path.join(os.tmpdir(), 'gl-kill-'));
  let lost = 0;
  let acknowledged = 0;
  let badFiles = 0;
  let takenOver = 0;
  let sequence = 1;
  const result = (kills: number): KillTestResult => ({
    seed,
    delays,
    kills,
    acknowledged,
    lostAcknowledgedEdits: lost,
    unparseableFiles: badFiles,
    staleLocksTakenOver: takenOver,
  });
  try {
    for (let round = 0; round < options.kills; round++) {
      const acked = await runChild(root, delays[round], sequence);
      badFiles += await unparseable(root);
      const store = await ProjectStore.open(root, { debounceMs: 10, lock: { label: 'kill test' } });
      if (store.lockNotice) takenOver++;
      for (const [relPath, seq] of acked) {
        acknowledged++;
        const box = store.get(relPath)?.boxes[0];
        if (!box || sequenceOf(box.x1) < seq) lost++;
        sequence = Math.max(sequence, seq + 1);
      }
      await store.close();
      options.onRound?.(round + 1, result(round + 1));
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return result(options.kills);
}
