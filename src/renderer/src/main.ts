import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createAppI18n } from './i18n';
import { installApi } from './stores/api';
import { useSettingsStore } from './stores/settings';
import { createApi } from './transport';
import './styles.css';

installApi(createApi());
const pinia = createPinia();
const app = createApp(App).use(pinia);
app.use(createAppI18n(useSettingsStore(pinia).locale));
app.mount('#app');
