import { randomUUID } from 'node:crypto';
import { open, readFile, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { GroundLabelError, messageOf } from '../../shared/errors';
import { ignoreMissing, whileClaimed } from './lock-takeover';

/**
 * One writer per dataset. Two processes on one folder lose acknowledged edits (the second replays
 * and removes the journal the first still appends to), so the first to open a dataset creates a
 * lock file in it with an exclusive create, which every platform offers (no flock), and the
 * others are refused with a message naming the holder. A lock whose process is gone (same host,
 * no such pid) is taken over and said so. A lock of another host is never taken over: its pid
 * means nothing here.
 */

/** The process that holds a dataset, as written in the lock file. */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  /** When the holding process started, ISO 8601. */
  readonly startedAt: string;
  /** What the process is, for people: "GroundLabel desktop", "npm run batch"… */
  readonly label: string;
}

const lockRecordSchema = z.object({
  pid: z.number().int().positive(),
  hostname: z.string().min(1),
  startedAt: z.string().min(1),
  label: z.string(),
  /** Tells this holder's lock from a later one at the same path (release, takeover races). */
  token: z.string().min(1),
});
export type LockRecord = z.infer<typeof lockRecordSchema>;

export interface LockOptions {
  /** What this process is, written for the person a refusal is shown to. */
  readonly label?: string;
  /** The process taking the lock: this one, unless a test stands in for another. */
  readonly holder?: Omit<LockHolder, 'label'>;
  /** Whether a process of this host with that pid is running. */
  readonly isRunning?: (pid: number) => boolean;
}

/** Tokens of the locks this process holds: a lock naming this pid is live only if it is one of them. */
const heldHere = new Set<string>();

const thisProcess = (): Omit<LockHolder, 'label'> => ({
  pid: process.pid,
  hostname: os.hostname(),
  startedAt: new Date(performance.timeOrigin).toISOString(),
});

const defaultLabel = (): string => `GroundLabel (${path.basename(process.argv[1] ?? process.argv0)})`;

/** process.kill(pid, 0) sends nothing; it throws ESRCH when there is no such process. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists, it belongs to someone else.
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export type LockVerdict =
  /** This very process holds it (the dataset is open here already). */
  | 'held-here'
  /** A running process of this host holds it. */
  | 'running'
  /** A process of another host holds it, or held it: which, this host cannot tell. */
  | 'other-host'
  /** Its process is gone: it may be taken over. */
  | 'stale';

/**
 * Whether a lock found on disk is still held. A lock naming this very pid that this process does
 * not hold was left by an earlier process that had the same pid (a container's pid 1 after a
 * restart, say): stale. A pid reused after a reboot by an unrelated process reads as running; the
 * refusal then says how to remove the lock by hand, which is better than taking over a live one.
 */
export function judgeLock(
  found: Pick<LockRecord, 'pid' | 'hostname' | 'token'>,
  here: {
    readonly pid: number;
    readonly hostname: string;
    readonly holds: (token: string) => boolean;
    readonly isRunning: (pid: number) => boolean;
  },
): LockVerdict {
  if (found.hostname !== here.hostname) return 'other-host';
  if (found.pid === here.pid) return here.holds(found.token) ? 'held-here' : 'stale';
  return here.isRunning(found.pid) ? 'running' : 'stale';
}

type ReadLock =
  | { readonly kind: 'gone' }
  | { readonly kind: 'garbled'; readonly reason: string }
  | { readonly kind: 'lock'; readonly record: LockRecord };

async function readLock(file: string): Promise<ReadLock> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'gone' };
    throw new GroundLabelError('io-failed', `Could not read the lock file ${file}: ${messageOf(e)}`, {
      cause: e,
    });
  }
  if (!text.trim()) return { kind: 'garbled', reason: 'it is empty' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: 'garbled', reason: 'it is not JSON' };
  }
  const parsed = lockRecordSchema.safeParse(raw);
  return parsed.success
    ? { kind: 'lock', record: parsed.data }
    : { kind: 'garbled', reason: 'it is not a lock file GroundLabel wrote' };
}

const describeHolder = (r: LockRecord): string =>
  `${r.label ? `${r.label}, ` : ''}pid ${r.pid} on host ${r.hostname}, since ${r.startedAt}`;

function refusal(verdict: Exclude<LockVerdict, 'stale'>, r: LockRecord, dataset: string, file: string) {
  const message = {
    'held-here': `${dataset} is already open in this GroundLabel process; close it before opening it again.`,
    running: `${dataset} is open in another GroundLabel process (${describeHolder(r)}): close it there first.`,
    'other-host':
      `${dataset} is open in a GroundLabel process on another computer (${describeHolder(r)}): close it there first. ` +
      `A lock of another host is never taken over automatically; if that process is gone, delete ${file} and open the folder again.`,
  }[verdict];
  return new GroundLabelError('dataset-locked', message);
}

/** Creates the lock file only if there is none (O_EXCL): of two processes, exactly one succeeds. */
async function createExclusive(file: string, record: LockRecord): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new GroundLabelError('io-failed', `Could not create the lock file ${file}: ${messageOf(e)}`, {
      cause: e,
    });
  }
  try {
    await handle.writeFile(`${JSON.stringify(record)}\n`);
    await handle.close();
    return true;
  } catch (e) {
    await handle.close().catch(() => undefined);
    await unlink(file).catch(() => undefined);
    throw new GroundLabelError('io-failed', `Could not write the lock file ${file}: ${messageOf(e)}`, {
      cause: e,
    });
  }
}

/** Turns of an opener before it gives up: enough to wait out other openers' takeovers (about a second). */
const MAX_TURNS = 100;

/** An exclusive hold on one dataset, from {@link DatasetLock.acquire} until {@link release}. */
export class DatasetLock {
  private released = false;

  private constructor(
    readonly file: string,
    private readonly token: string,
    /** Set when a stale lock was taken over: what to tell the person. */
    readonly notice: string | null,
  ) {}

  /**
   * Takes the lock `file` of `dataset` (the folder, for messages), or throws `dataset-locked`
   * naming the holder. A garbled lock file is refused, not removed: it may be a lock being written
   * this very moment, and a person can remove it knowing that no GroundLabel has the folder open.
   */
  static async acquire(file: string, dataset: string, options: LockOptions = {}): Promise<DatasetLock> {
    const holder = options.holder ?? thisProcess();
    const record: LockRecord = { ...holder, label: options.label ?? defaultLabel(), token: randomUUID() };
    const here = {
      pid: process.pid,
      hostname: holder.hostname,
      holds: (token: string) => heldHere.has(token),
      isRunning: options.isRunning ?? isRunning,
    };
    let notice: string | null = null;
    // Each turn wins the exclusive create, learns about a holder, or waits on another's takeover.
    for (let turn = 0; turn < MAX_TURNS; turn++) {
      if (await createExclusive(file, record)) {
        heldHere.add(record.token);
        return new DatasetLock(file, record.token, notice);
      }
      const found = await readLock(file);
      if (found.kind === 'gone') continue;
      if (found.kind === 'garbled') {
        throw new GroundLabelError(
          'dataset-locked',
          `${dataset} has a lock file that could not be read (${file}: ${found.reason}). Another GroundLabel process may be opening this folder right now; if none is, delete that file and open the folder again.`,
        );
      }
      const verdict = judgeLock(found.record, here);
      if (verdict !== 'stale') throw refusal(verdict, found.record, dataset, file);
      const stale = found.record;
      const removed = await whileClaimed(file, async () => {
        // Another opener may have taken the lock over since it was read: remove only the stale one.
        const now = await readLock(file);
        if (now.kind !== 'lock' || now.record.token !== stale.token) return false;
        await unlink(file).catch(ignoreMissing);
        return true;
      });
      if (removed === true)
        notice = `Took over a lock left by pid ${stale.pid} on host ${stale.hostname}, started at ${stale.startedAt}; that process is gone.`;
    }
    throw new GroundLabelError(
      'dataset-locked',
      `${dataset} is being opened by other GroundLabel processes at the same time; try again.`,
    );
  }

  /** Removes the lock file, if it is still this holder's. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    heldHere.delete(this.token);
    const found = await readLock(this.file).catch(() => null);
    if (found?.kind === 'lock' && found.record.token === this.token) {
      await unlink(this.file).catch(ignoreMissing);
    }
  }
}
