/**
 * What the desktop app's menu asks the page to do ('menu:action'): the keyboard map's actions, run
 * as if their key was pressed, and the page's dialogs.
 */
export const MENU_ACTIONS = [
  'prev',
  'next',
  'draw',
  'select',
  'delete',
  'duplicate',
  'undo',
  'redo',
  'runImage',
  'runVisible',
  'accept',
  'acceptAll',
  'save',
  'zoomIn',
  'zoomOut',
  'fit',
  'import',
  'export',
  'stats',
  'shortcuts',
] as const;

export type MenuAction = (typeof MENU_ACTIONS)[number];
