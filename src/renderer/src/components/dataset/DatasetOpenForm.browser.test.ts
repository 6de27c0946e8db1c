import { createPinia, setActivePinia } from 'pinia';
import { createApp } from 'vue';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppI18n } from '../../i18n';
import { installApi } from '../../stores/api';
import { createFakeApi } from '../../testing/fake-api';
import { until } from '../../testing/mount';
import DatasetOpenForm from './DatasetOpenForm.vue';

let cleanup: (() => void) | null = null;
afterEach(() => cleanup?.());

function mount(pickFolder?: () => Promise<string | null>) {
  const api = Object.assign(createFakeApi(), pickFolder ? { pickFolder } : {});
  installApi(api);
  setActivePinia(createPinia());
  const el = document.createElement('div');
  document.body.append(el);
  const app = createApp(DatasetOpenForm).use(createPinia()).use(createAppI18n('en'));
  app.mount(el);
  cleanup = () => {
    app.unmount();
    el.remove();
  };
  return { api, el };
}

const button = (el: HTMLElement, name: string) =>
  [...el.querySelectorAll('button')].find((b) => b.textContent?.trim() === name);

describe('DatasetOpenForm', () => {
  it('offers the system folder picker where the desktop app provides one, and opens the chosen folder', async () => {
    const { api, el } = mount(async () => '/data/picked');
    button(el, 'Choose folder…')!.click();
    await until(() => api.callsOf('dataset:open').length > 0);
    expect(api.callsOf('dataset:open')).toEqual([{ path: '/data/picked' }]);
    expect(el.querySelector<HTMLInputElement>('input[aria-label="Folder path"]')!.value).toBe('/data/picked');
  });

  it('keeps only the path field in browser mode', () => {
    const { el } = mount();
    expect(button(el, 'Choose folder…')).toBeUndefined();
    expect(button(el, 'Open folder')).toBeDefined();
  });

  it('opens nothing when the picker is cancelled: the next pick opens only its own folder', async () => {
    const picks = [null, '/data/second'];
    const { api, el } = mount(async () => picks.shift() ?? null);
    button(el, 'Choose folder…')!.click();
    // The cancelled pick is answered first; whatever it opened would be in the list before the second.
    button(el, 'Choose folder…')!.click();
    await until(() => api.callsOf('dataset:open').length > 0);
    expect(api.callsOf('dataset:open')).toEqual([{ path: '/data/second' }]);
    expect(picks).toEqual([]);
  });
});
