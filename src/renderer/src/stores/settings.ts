import { defineStore } from 'pinia';
import { ref, watch } from 'vue';

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

const KEY = 'groundlabel.locale';

/** Chinese browsers get Simplified Chinese, everyone else English. */
export function localeFor(language: string | undefined): Locale {
  return language?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

function initialLocale(): Locale {
  const stored = globalThis.localStorage?.getItem(KEY);
  if ((LOCALES as readonly string[]).includes(stored ?? '')) return stored as Locale;
  return localeFor(globalThis.navigator?.language);
}

export const useSettingsStore = defineStore('settings', () => {
  const locale = ref<Locale>(initialLocale());

  function setLocale(next: Locale): void {
    locale.value = next;
  }

  watch(locale, (l) => globalThis.localStorage?.setItem(KEY, l));

  return { locale, setLocale };
});
