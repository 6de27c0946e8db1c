import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { localeFor, useSettingsStore } from './settings';

describe('settings store', () => {
  it('follows the browser language: Chinese variants get Simplified Chinese', () => {
    expect(localeFor('zh-TW')).toBe('zh-CN');
    expect(localeFor('zh')).toBe('zh-CN');
    expect(localeFor('fr-FR')).toBe('en');
    expect(localeFor(undefined)).toBe('en');
  });

  it('switches the language', () => {
    setActivePinia(createPinia());
    const settings = useSettingsStore();
    settings.setLocale('zh-CN');
    expect(settings.locale).toBe('zh-CN');
  });
});
