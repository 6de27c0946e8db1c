import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { exitedPid } from '../__test__/processes';
import { tempDirs } from '../inference/__test__/helpers';
import { appRoot } from '../paths';
import { LOCK_FILE, ProjectStore, STORE_DIR } from './project-store';

/** Real GroundLabel processes on one folder, as two app windows or two `npm run serve` would be. */
const tempDir = tempDirs('lock-processes');
const childScript = path.join(appRoot(), 'src', 'main', 'dataset', 'dataset-lock-child.ts');
const loader = pathToFileURL(path.join(appRoot(), 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

const running: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** A child process of dataset-lock-child.ts, with a way to wait for a line it prints. */
function start(mode: 'edit' | 'open', root: string) {
  // node runs the script itself (tsx as a loader), so SIGKILL hits the process that holds the lock.
  const child = spawn(process.execPath, ['--import', loader, childScript, mode, root]);
  running.push(child);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waitFor = (match: (line: string) => boolean): Promise<string> =>
    new Promise((resolve, reject) => {
      const onLine = (line: string) => {
        if (!match(line)) return;
        lines.off('line', onLine);
        resolve(line);
      };
      lines.on('line', onLine);
      void exited.then(() => reject(new Error(`the ${mode} process ended first: ${stderr}`)));
    });
  return { child, lines, exited, waitFor };
}

/** What an `open` child saw. */
async function openInAnotherProcess(
  root: string,
): Promise<{ ok: true; notice: string | null } | { ok: false; code: string; message: string }> {
  const opener = start('open', root);
  return JSON.parse(await opener.waitFor((l) => l.startsWith('{'))) as never;
}

async function writeLock(root: string, record: object): Promise<string> {
  const file = path.join(root, STORE_DIR, LOCK_FILE);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify({ label: 'npm run serve', token: 'old', ...record }));
  return file;
}

describe('the dataset lock between real processes', () => {
  it('refuses a second process while the first edits, and keeps every edit the first acknowledged through its SIGKILL', async () => {
    const root = await tempDir();
    const editor = start('edit', root);
    const acked = new Map<string, number>();
    let acks = 0;
    editor.lines.on('line', (line) => {
      const [word, relPath, seq] = line.split(' ');
      if (word !== 'ack') return;
      acked.set(relPath, Number(seq));
      acks++;
    });
    await editor.waitFor((l) => l === 'ready');

    const second = await openInAnotherProcess(root);
    expect(second).toMatchObject({ ok: false, code: 'dataset-locked' });
    expect(second.ok === false && second.message).toContain(
      `is open in another GroundLabel process (lock test editor, pid ${editor.child.pid} on host ${os.hostname()}`,
    );

    // The first goes on editing after the refusal; then it dies without closing anything.
    const target = acks + 20;
    await editor.waitFor(() => acks >= target);
    editor.child.kill('SIGKILL');
    await editor.exited;

    const reopened = await ProjectStore.open(root);
    expect(reopened.lockNotice).toMatch(
      new RegExp(`^Took over a lock left by pid ${editor.child.pid} on host .+; that process is gone\\.$`),
    );
    expect(acked.size).toBeGreaterThan(0);
    for (const [relPath, seq] of acked) {
      expect(reopened.get(relPath)?.boxes[0].x1, `${relPath}, acknowledged at ${seq}`).toBeGreaterThanOrEqual(
        seq,
      );
    }
    await reopened.close();
  });

  it('takes over a lock that names a process of this host that is gone, and says so', async () => {
    const root = await tempDir();
    const pid = exitedPid();
    await writeLock(root, { pid, hostname: os.hostname(), startedAt: '2026-03-04T05:06:07.000Z' });
    expect(await openInAnotherProcess(root)).toEqual({
      ok: true,
      notice: `Took over a lock left by pid ${pid} on host ${os.hostname()}, started at 2026-03-04T05:06:07.000Z; that process is gone.`,
    });
  });

  it('refuses a lock of another host, even one naming a pid that does not run here', async () => {
    const root = await tempDir();
    const file = await writeLock(root, {
      pid: exitedPid(),
      hostname: 'another-computer',
      startedAt: '2026-03-04T05:06:07.000Z',
    });
    const before = await readFile(file, 'utf8');
    const result = await openInAnotherProcess(root);
    expect(result).toMatchObject({ ok: false, code: 'dataset-locked' });
    expect(result.ok === false && result.message).toMatch(
      /on another computer .*on host another-computer.*never taken over automatically/,
    );
    expect(await readFile(file, 'utf8')).toBe(before);
  });
});
