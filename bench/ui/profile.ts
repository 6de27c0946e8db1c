/** Statistics of bench:ui's samples, and summaries of the CPU profiles and traces it records. */
import path from 'node:path';

export const quantile = (xs: readonly number[], q: number): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
};
export const median = (xs: readonly number[]) => quantile(xs, 0.5);
export const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}
export interface ProfileSummary {
  readonly phase: string;
  readonly totalMs: number;
  readonly self: [string, number][];
  readonly inclusive: [string, number][];
}

/** Self time per function, and the inclusive time of the functions that draw. */
export function summariseProfile(profile: CpuProfile, phase: string): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const label = (n: ProfileNode) => {
    const name = n.callFrame.functionName || '(anonymous)';
    const file = n.callFrame.url ? path.basename(n.callFrame.url.split('?')[0]) : '';
    return file && !name.startsWith('(') ? `${name} (${file}:${n.callFrame.lineNumber + 1})` : name;
  };
  const WATCH =
    /^(paintBoxes|paintBox|paintOverlay|drawScene|drawImage|redrawView|redrawBoxes|toImageDoc|fromImageDoc|saveImage|stringify|fillText|strokeRect|fillRect|setLineDash|restore|measureText|run|changed|patchEntry|flushJobs|hitTest|select|moveSelected|applyDiff|apply)$/;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    total += us;
    const key = label(byId.get(id)!);
    self.set(key, (self.get(key) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = byId.get(cur)!.callFrame.functionName;
      if (WATCH.test(name) && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + us);
      }
    }
  }
  const idle = self.get('(idle)') ?? 0;
  self.delete('(idle)');
  const sorted = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, v / 1000] as [string, number]);
  return { phase, totalMs: (total - idle) / 1000, self: sorted(self), inclusive: sorted(inclusive) };
}

/** Adds profiles up (several short recordings of the same gesture). */
export function mergeProfiles(list: readonly ProfileSummary[], phase: string): ProfileSummary {
  const add = (pick: (p: ProfileSummary) => [string, number][]) => {
    const m = new Map<string, number>();
    for (const p of list) for (const [k, v] of pick(p)) m.set(k, (m.get(k) ?? 0) + v);
    return [...m].sort((a, b) => b[1] - a[1]);
  };
  return {
    phase,
    totalMs: list.reduce((a, p) => a + p.totalMs, 0),
    self: add((p) => p.self),
    inclusive: add((p) => p.inclusive),
  };
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}

/** Self time per event name on each busy thread of a Chromium trace, ms. */
export function summariseTrace(
  json: string,
  minThreadMs = 50,
): { thread: string; totalMs: number; top: [string, number][] }[] {
  const { traceEvents } = JSON.parse(json) as { traceEvents: TraceEvent[] };
  const names = new Map<string, string>();
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of traceEvents) {
    const key = `${e.pid}:${e.tid}`;
    if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name) names.set(key, e.args.name);
    if (e.ph !== 'X' || e.dur === undefined) continue;
    const list = byThread.get(key) ?? [];
    list.push(e);
    byThread.set(key, list);
  }
  const out: { thread: string; totalMs: number; top: [string, number][] }[] = [];
  for (const [key, events] of byThread) {
    events.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const self = new Map<string, number>();
    const stack: { end: number; name: string; dur: number; children: number }[] = [];
    const pop = () => {
      const f = stack.pop()!;
      self.set(f.name, (self.get(f.name) ?? 0) + f.dur - f.children);
    };
    for (const e of events) {
      while (stack.length && stack[stack.length - 1].end <= e.ts) pop();
      if (stack.length) stack[stack.length - 1].children += e.dur!;
      stack.push({ end: e.ts + e.dur!, name: e.name, dur: e.dur!, children: 0 });
    }
    while (stack.length) pop();
    const totalMs = [...self.values()].reduce((a, b) => a + b, 0) / 1000;
    if (totalMs < minThreadMs) continue;
    const top = [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([n, us]) => [n, us / 1000] as [string, number]);
    out.push({ thread: names.get(key) ?? key, totalMs, top });
  }
  return out.sort((a, b) => b.totalMs - a.totalMs);
}
