import { spawnSync } from 'node:child_process';
import os from 'node:os';
import type { LockOptions } from '../dataset/dataset-lock';

/** The pid of a process of this host that has exited: for a while, nothing runs under it. */
export function exitedPid(): number {
  const { pid, status } = spawnSync(process.execPath, ['-e', '']);
  if (status !== 0 || pid === undefined) throw new Error('could not run a short-lived node process');
  return pid;
}

/**
 * Lock options under which a store stands in for another process of this host that has since
 * died, so that the next open in this process finds what a crash leaves: a lock of a dead pid.
 */
export function asCrashedProcess(): LockOptions {
  return {
    label: 'a process that crashed',
    holder: { pid: exitedPid(), hostname: os.hostname(), startedAt: new Date().toISOString() },
  };
}
