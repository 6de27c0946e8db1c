import type { Api } from '../../shared/ipc/contract';
import type { TestHookView } from './canvas/test-hook';

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    readonly api?: Api;
    /** Read-only view for end-to-end tests; see canvas/test-hook.ts. */
    readonly __groundlabel?: TestHookView;
  }
}
