import { createI18n } from 'vue-i18n';
import type { Locale } from '../stores/settings';
import en from './en';
import zhCN from './zh-CN';

export const messages = { en, 'zh-CN': zhCN };

export function createAppI18n(locale: Locale) {
  return createI18n({ legacy: false, locale, fallbackLocale: 'en', messages });
}
