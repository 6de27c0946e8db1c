import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createAppI18n } from './i18n';
import { installApi } from './stores/api';
import { useSettingsStore } from './stores/settings';
import { createApi } from './transport';
import './styles.css';

/** The transport is ready (in browser mode: the server gave this page its media key) before the app mounts. */
async function start(): Promise<void> {
  try {
    installApi(await createApi());
  } catch (e) {
    const message = document.createElement('p');
    message.setAttribute('role', 'alert');
    message.textContent = e instanceof Error ? e.message : String(e);
    document.getElementById('app')?.replaceChildren(message);
    return;
  }
  const pinia = createPinia();
  const app = createApp(App).use(pinia);
  app.use(createAppI18n(useSettingsStore(pinia).locale));
  app.mount('#app');
}

void start();
