import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { appRoot } from '../paths';
import { ProjectStore, STORE_DIR } from './project-store';

/**
 * The crash test of the project store: a child process edits continuously and prints each edit
 * once the store acknowledged it; it is killed with SIGKILL at a random moment; the store must then
 * reopen with every acknowledged edit and no file that fails to parse.
 */
export interface KillTestResult {
  readonly kills: number;
  readonly acknowledged: number;
  readonly lostAcknowledgedEdits: number;
  readonly unparseableFiles: number;
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
  onRound?: (round: number, r: KillTestResult) => void;
}): Promise<KillTestResult> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'gl-kill-'));
  const maxDelay = options.maxKillDelayMs ?? 250;
  let lost = 0;
  let acknowledged = 0;
  let badFiles = 0;
  let sequence = 1;
  try {
    for (let round = 0; round < options.kills; round++) {
      const acked = await runChild(root, Math.random() * maxDelay, sequence);
      badFiles += await unparseable(root);
      const store = await ProjectStore.open(root, { debounceMs: 10 });
      for (const [relPath, seq] of acked) {
        acknowledged++;
        const box = store.get(relPath)?.boxes[0];
        if (!box || sequenceOf(box.x1) < seq) lost++;
        sequence = Math.max(sequence, seq + 1);
      }
      await store.close();
      options.onRound?.(round + 1, {
        kills: round + 1,
        acknowledged,
        lostAcknowledgedEdits: lost,
        unparseableFiles: badFiles,
      });
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return { kills: options.kills, acknowledged, lostAcknowledgedEdits: lost, unparseableFiles: badFiles };
}
