import { onBeforeUnmount, onMounted } from 'vue';
import type { Api } from '../../../shared/ipc/contract';
import type { MenuAction } from '../../../shared/ipc/menu-actions';
import type { ShortcutHandlers } from './useShortcuts';

/** The menu's items that open one of the page's dialogs. */
export type MenuDialogs = { readonly [A in 'import' | 'export' | 'stats' | 'shortcuts']: () => void };
type KeyAction = Exclude<MenuAction, keyof MenuDialogs>;

/**
 * Runs the desktop menu's items (the 'menu:action' event): a shortcut's item as its key would, a
 * dialog's as its button would. Like the keys, none acts while a dialog holds the page.
 */
export function useMenuActions(api: Api, keys: ShortcutHandlers, dialogs: MenuDialogs): void {
  const run = (action: MenuAction): void => {
    if (document.querySelector('dialog:modal')) return;
    if (Object.hasOwn(dialogs, action)) dialogs[action as keyof MenuDialogs]();
    else (keys[action as KeyAction] as (a: { type: KeyAction }) => void)({ type: action as KeyAction });
  };
  let stop = () => {};
  onMounted(() => {
    stop = api.on('menu:action', ({ action }) => run(action));
  });
  onBeforeUnmount(() => stop());
}
