import { createPinia, setActivePinia } from 'pinia';
import { createApp, type Component } from 'vue';
import { createAppI18n } from '../i18n';
import { installApi } from '../stores/api';
import { createFakeApi, type FakeApi, type FakeApiOptions } from './fake-api';

/**
 * Mounts a component with Pinia, i18n and a fake Api, opening nothing: the window as it is at the
 * first start. `prepare` changes the fake before anything reads it (a desktop picker, say).
 */
export function mountBare(
  component: Component,
  options: FakeApiOptions = {},
  prepare: (api: FakeApi) => void = () => {},
  size = { width: 1400, height: 900 },
) {
  const api = createFakeApi(options);
  prepare(api);
  installApi(api);
  const pinia = createPinia();
  setActivePinia(pinia);
  const el = document.createElement('div');
  el.style.cssText = `position:fixed;left:0;top:0;width:${size.width}px;height:${size.height}px;display:flex;flex-direction:column`;
  document.body.append(el);
  const app = createApp(component).use(pinia).use(createAppI18n('en'));
  app.mount(el);
  return {
    api,
    el,
    unmount: () => {
      app.unmount();
      el.remove();
    },
  };
}
