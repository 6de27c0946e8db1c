/** Output formatting: a human table first, then one machine-greppable `name: value` line per figure. */

export type Figure = number | null;

export const ms = (v: Figure): string => (v === null || !Number.isFinite(v) ? 'unavailable' : v.toFixed(2));

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  // Label and notes columns read left to right; the figures line up on the right.
  const last = headers.length - 1;
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 || i === last ? c.padEnd(i === last ? 0 : widths[i]) : c.padStart(widths[i])))
      .join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export interface Goal {
  readonly name: string;
  readonly value: Figure;
  readonly met: (v: number) => boolean;
  readonly target: string;
}

export const goalLine = (g: Goal): string =>
  `${g.name}: ${ms(g.value)} (goal ${g.target}) → ${g.value === null ? 'unavailable' : g.met(g.value) ? 'met' : 'NOT MET'}`;
