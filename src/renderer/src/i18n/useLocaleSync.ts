import { watchEffect } from 'vue';
import { useI18n } from 'vue-i18n';
import { useSettingsStore } from '../stores/settings';

/** Keeps vue-i18n and the page's lang attribute (for screen readers and fonts) on the chosen language. */
export function useLocaleSync(): void {
  const { locale } = useI18n({ useScope: 'global' });
  const settings = useSettingsStore();
  watchEffect(() => {
    locale.value = settings.locale;
    document.documentElement.lang = settings.locale;
  });
}
