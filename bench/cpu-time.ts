import { readdir, readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
const TICKS = 100;

interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  /** User plus system CPU seconds, all threads. */
  readonly cpuSeconds: number;
}

async function procStat(pid: number): Promise<ProcStat | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: fields are counted from after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(fields[1]), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS };
  } catch {
    return null; // gone meanwhile
  }
}

/** CPU seconds a running process has used (Linux); 0 once it is gone. */
export async function cpuSecondsOf(pid: number): Promise<number> {
  return (await procStat(pid))?.cpuSeconds ?? 0;
}

/**
 * CPU seconds used by the running processes below `root` (children, their children…), leaving out
 * the subtrees of `except`: e.g. a browser's processes, not the server the bench also started.
 */
export async function cpuSecondsBelow(root: number, except: readonly number[] = []): Promise<number> {
  const stats = (
    await Promise.all((await readdir('/proc')).filter((e) => /^\d+$/.test(e)).map((e) => procStat(Number(e))))
  ).filter((s): s is ProcStat => s !== null);
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const skip = new Set(except);
  let total = 0;
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      if (skip.has(child.pid)) continue;
      total += child.cpuSeconds;
      walk(child.pid);
    }
  };
  walk(root);
  return total;
}
