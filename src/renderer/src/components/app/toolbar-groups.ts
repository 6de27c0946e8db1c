/** The main toolbar's groups, in the order they sit in the bar. */
export const TOOLBAR_GROUPS = ['history', 'tools', 'data', 'export', 'language'] as const;
export type ToolbarGroup = (typeof TOOLBAR_GROUPS)[number];

/** The order groups move into the "More" panel as the bar narrows: the least used first. */
export const COLLAPSE_ORDER: readonly ToolbarGroup[] = ['language', 'data', 'history', 'tools', 'export'];

/** The groups in the "More" panel when `count` of them have moved there. */
export const collapsedGroups = (count: number): ReadonlySet<ToolbarGroup> =>
  new Set(COLLAPSE_ORDER.slice(0, Math.max(0, Math.min(count, COLLAPSE_ORDER.length))));
