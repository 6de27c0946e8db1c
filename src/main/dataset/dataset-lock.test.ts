import { existsSync, writeFileSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { caught, tempDirs } from '../inference/__test__/helpers';
import { DatasetLock, judgeLock, type LockRecord } from './dataset-lock';

const tempDir = tempDirs('lock');

const here = {
  pid: 100,
  hostname: 'this-host',
  holds: (token: string) => token === 'mine',
  isRunning: (pid: number) => pid === 200,
};

describe('judgeLock', () => {
  it('calls a lock of another host held, whatever its pid', () => {
    expect(judgeLock({ pid: 300, hostname: 'other-host', token: 't' }, here)).toBe('other-host');
    expect(judgeLock({ pid: 100, hostname: 'other-host', token: 'mine' }, here)).toBe('other-host');
  });

  it('calls a lock of a running process of this host held, and one of a gone process stale', () => {
    expect(judgeLock({ pid: 200, hostname: 'this-host', token: 't' }, here)).toBe('running');
    expect(judgeLock({ pid: 300, hostname: 'this-host', token: 't' }, here)).toBe('stale');
  });

  it('tells a lock this process holds from one an earlier process with the same pid left', () => {
    expect(judgeLock({ pid: 100, hostname: 'this-host', token: 'mine' }, here)).toBe('held-here');
    expect(judgeLock({ pid: 100, hostname: 'this-host', token: 'earlier' }, here)).toBe('stale');
  });
});

/** A lock file as another process would have written it. */
async function lockFileOf(record: Partial<LockRecord>): Promise<{ root: string; file: string }> {
  const root = await tempDir();
  const file = path.join(root, 'lock');
  await writeFile(
    file,
    JSON.stringify({
      pid: 4242,
      hostname: os.hostname(),
      startedAt: '2026-01-02T03:04:05.000Z',
      label: 'npm run batch',
      token: 'theirs',
      ...record,
    }),
  );
  return { root, file };
}

describe('DatasetLock', () => {
  it('writes who holds the dataset, and removes the lock file at release', async () => {
    const root = await tempDir();
    const file = path.join(root, 'lock');
    const lock = await DatasetLock.acquire(file, root, { label: 'GroundLabel desktop' });
    expect(lock.notice).toBeNull();
    const record = JSON.parse(await readFile(file, 'utf8')) as LockRecord;
    expect(record).toMatchObject({ pid: process.pid, hostname: os.hostname(), label: 'GroundLabel desktop' });
    expect(Date.parse(record.startedAt)).toBeLessThanOrEqual(Date.now());
    await lock.release();
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a dataset a running process of this host holds, naming it, and leaves its lock alone', async () => {
    const { root, file } = await lockFileOf({});
    const before = await readFile(file, 'utf8');
    const refusal = await caught(
      () => DatasetLock.acquire(file, root, { isRunning: (pid) => pid === 4242 }),
      'dataset-locked',
    );
    expect(refusal.message).toBe(
      `${root} is open in another GroundLabel process (npm run batch, pid 4242 on host ${os.hostname()}, since 2026-01-02T03:04:05.000Z): close it there first.`,
    );
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('takes over the lock of a process that is gone, and says so', async () => {
    const { root, file } = await lockFileOf({});
    const lock = await DatasetLock.acquire(file, root, { isRunning: () => false });
    expect(lock.notice).toBe(
      `Took over a lock left by pid 4242 on host ${os.hostname()}, started at 2026-01-02T03:04:05.000Z; that process is gone.`,
    );
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();
    expect(existsSync(file)).toBe(false);
  });

  it('takes over a lock that an earlier process with this very pid left', async () => {
    const { root, file } = await lockFileOf({ pid: process.pid });
    const lock = await DatasetLock.acquire(file, root);
    expect(lock.notice).toContain(`pid ${process.pid}`);
    await lock.release();
  });

  it('never takes over a lock of another host, and says how to remove it by hand', async () => {
    const { root, file } = await lockFileOf({ hostname: 'elsewhere' });
    const refusal = await caught(
      () => DatasetLock.acquire(file, root, { isRunning: () => false }),
      'dataset-locked',
    );
    expect(refusal.message).toContain('pid 4242 on host elsewhere');
    expect(refusal.message).toContain('never taken over automatically');
    expect(refusal.message).toContain(`delete ${file}`);
    expect(existsSync(file)).toBe(true);
  });

  it('refuses a lock file it cannot read, naming the file and leaving it in place', async () => {
    for (const content of ['', 'not json at all', '{"pid":"x"}']) {
      const root = await tempDir();
      const file = path.join(root, 'lock');
      await writeFile(file, content);
      const refusal = await caught(
        () => DatasetLock.acquire(file, root, { isRunning: () => false }),
        'dataset-locked',
      );
      expect(refusal.message).toContain(file);
      expect(refusal.message).not.toContain('not json at all');
      expect(await readFile(file, 'utf8')).toBe(content);
    }
  });

  it('refuses a second hold in the same process', async () => {
    const root = await tempDir();
    const file = path.join(root, 'lock');
    const lock = await DatasetLock.acquire(file, root);
    const refusal = await caught(() => DatasetLock.acquire(file, root), 'dataset-locked');
    expect(refusal.message).toContain('already open in this GroundLabel process');
    await lock.release();
  });

  it('leaves a lock that is no longer its own at release', async () => {
    const root = await tempDir();
    const file = path.join(root, 'lock');
    const stale = await DatasetLock.acquire(file, root, {
      holder: { pid: 4242, hostname: os.hostname(), startedAt: new Date().toISOString() },
    });
    const taker = await DatasetLock.acquire(file, root, { isRunning: () => false });
    await stale.release();
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ pid: process.pid });
    await taker.release();
    expect(existsSync(file)).toBe(false);
  });

  it('puts back a lock that another opener took over between the reading and the moving aside', async () => {
    const { root, file } = await lockFileOf({ pid: 1 });
    const fresh = {
      pid: 7,
      hostname: os.hostname(),
      startedAt: new Date().toISOString(),
      label: 'x',
      token: 'fresh',
    };
    const refusal = await caught(
      () =>
        DatasetLock.acquire(file, root, {
          isRunning: (pid) => {
            // Asked about the stale holder: meanwhile a racing opener has replaced its lock.
            if (pid === 1) writeFileSync(file, JSON.stringify(fresh));
            return pid === 7;
          },
        }),
      'dataset-locked',
    );
    expect(refusal.message).toContain('pid 7');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(fresh);
    expect(await readdir(root)).toEqual(['lock']);
  });

  it('lets exactly one of several openers racing for a stale lock win, and leaves the lock its own', async () => {
    // The window between one opener's check and another's create is narrow: race many times.
    for (let round = 0; round < 25; round++) {
      const { root, file } = await lockFileOf({ pid: 1 });
      const dead = new Set([1]);
      const racers = Array.from({ length: 8 }, (_, i) =>
        DatasetLock.acquire(file, root, {
          holder: { pid: 5000 + i, hostname: os.hostname(), startedAt: new Date().toISOString() },
          isRunning: (pid) => !dead.has(pid),
        }),
      );
      const results = await Promise.allSettled(racers);
      const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      expect(winners, `round ${round}`).toHaveLength(1);
      for (const r of results)
        if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'dataset-locked' });
      const record = JSON.parse(await readFile(file, 'utf8')) as LockRecord;
      expect(record.pid, `round ${round}`).toBe(5000 + winners[0]);
      expect(await readdir(root)).toEqual(['lock']);
    }
  });
});
