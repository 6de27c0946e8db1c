import { onBeforeUnmount, onMounted } from 'vue';
import { actionFor, belongsToControl, type Action } from './keymap';

export type ShortcutHandlers = {
  readonly [T in Action['type']]: (action: Extract<Action, { type: T }>) => void;
};

/** Binds the keyboard map to the window while the calling component is mounted. */
export function useShortcuts(handlers: ShortcutHandlers): void {
  function onKeydown(e: KeyboardEvent): void {
    // A modal dialog makes the editor inert, wherever the focus is (it can be left on the body).
    if (e.defaultPrevented || document.querySelector('dialog:modal') || belongsToControl(e.target, e.key))
      return;
    const action = actionFor(e);
    if (!action) return;
    e.preventDefault();
    (handlers[action.type] as (a: Action) => void)(action);
  }
  onMounted(() => window.addEventListener('keydown', onKeydown));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown));
}
