/** The keyboard map (the keys people bring from labelImg, X-AnyLabeling and CVAT), as a pure function so it is tested without a DOM. */

export type Action =
  | {
      readonly type:
        | 'prev'
        | 'next'
        | 'draw'
        | 'select'
        | 'escape'
        | 'delete'
        | 'undo'
        | 'redo'
        | 'duplicate'
        | 'zoomIn'
        | 'zoomOut'
        | 'fit'
        | 'actualSize'
        | 'toggleBoxes'
        | 'toggleLabels'
        | 'copyPrevious'
        | 'shortcuts'
        | 'runImage'
        | 'runVisible'
        | 'accept'
        | 'acceptAll'
        | 'save';
    }
  | { readonly type: 'nudge'; readonly dx: number; readonly dy: number }
  | { readonly type: 'class'; readonly index: number };

type PlainAction = Exclude<Action['type'], 'nudge' | 'class'>;

export interface KeyLike {
  readonly key: string;
  readonly ctrlKey?: boolean;
  readonly metaKey?: boolean;
  readonly shiftKey?: boolean;
  readonly altKey?: boolean;
}

const WITH_MOD: Readonly<Record<string, PlainAction>> = {
  z: 'undo',
  y: 'redo',
  d: 'duplicate',
  '=': 'zoomIn',
  '+': 'zoomIn',
  '-': 'zoomOut',
  f: 'fit',
  '0': 'actualSize',
  b: 'runVisible',
  s: 'save',
};

const PLAIN: Readonly<Record<string, PlainAction>> = {
  a: 'prev',
  d: 'next',
  w: 'draw',
  r: 'draw',
  v: 'select',
  escape: 'escape',
  delete: 'delete',
  backspace: 'delete',
  i: 'runImage',
  h: 'toggleBoxes',
  l: 'toggleLabels',
  c: 'copyPrevious',
  '?': 'shortcuts',
  f1: 'shortcuts',
};

const ARROWS: Readonly<Record<string, readonly [number, number]>> = {
  arrowleft: [-1, 0],
  arrowright: [1, 0],
  arrowup: [0, -1],
  arrowdown: [0, 1],
};

export function actionFor(e: KeyLike): Action | null {
  if (e.altKey) return null;
  const key = e.key.toLowerCase();
  if (e.ctrlKey || e.metaKey) {
    if (key === 'z' && e.shiftKey) return { type: 'redo' };
    const type = WITH_MOD[key];
    return type ? { type } : null;
  }
  if (key === 'enter') return { type: e.shiftKey ? 'acceptAll' : 'accept' };
  const arrow = ARROWS[key];
  if (arrow) {
    const step = e.shiftKey ? 10 : 1;
    return { type: 'nudge', dx: arrow[0] * step, dy: arrow[1] * step };
  }
  if (/^[1-9]$/.test(key)) return { type: 'class', index: Number(key) - 1 };
  const type = PLAIN[key];
  return type ? { type } : null;
}

/** Keys that belong to the focused control rather than to the editor. */
export function belongsToControl(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return true;
  if ((key === 'Enter' || key === ' ') && target.closest('button, a, summary, [role="option"]')) return true;
  if (
    /^(Arrow|Home|End|Page)/.test(key) &&
    target.closest('[role="listbox"], [role="radiogroup"], [role="slider"]')
  )
    return true;
  return !!target.closest('dialog');
}
