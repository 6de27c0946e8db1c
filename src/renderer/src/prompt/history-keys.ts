/** The parts of a keydown in a text field that decide whether it steps through the prompt history. */
export interface FieldKey {
  readonly key: string;
  readonly altKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  readonly value: string;
  readonly selectionStart: number;
  readonly selectionEnd: number;
}

/**
 * Up on the field's first line steps to an older prompt (+1), Down on its last line to a newer one
 * (-1); anywhere else they move the caret as usual (null), so a prompt of several lines stays editable.
 */
export function historyStep(k: FieldKey): 1 | -1 | null {
  if (k.altKey || k.ctrlKey || k.metaKey || k.shiftKey || k.selectionStart !== k.selectionEnd) return null;
  if (k.key === 'ArrowUp' && !k.value.slice(0, k.selectionStart).includes('\n')) return 1;
  if (k.key === 'ArrowDown' && !k.value.slice(k.selectionEnd).includes('\n')) return -1;
  return null;
}

/** Handles a keydown in the prompt field: a history step the history could take replaces the caret move. */
export function stepOnKey(e: KeyboardEvent, step: (delta: 1 | -1) => boolean): void {
  const field = e.target as HTMLTextAreaElement;
  const delta = historyStep({
    key: e.key,
    altKey: e.altKey,
    ctrlKey: e.ctrlKey,
    metaKey: e.metaKey,
    shiftKey: e.shiftKey,
    value: field.value,
    selectionStart: field.selectionStart,
    selectionEnd: field.selectionEnd,
  });
  if (delta && step(delta)) e.preventDefault();
}
