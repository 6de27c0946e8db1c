import { describe, expect, it } from 'vitest';
import en from './en';
import zhCN from './zh-CN';

const keys = (o: object, prefix = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' && v ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

const leaf = (o: object, key: string): string =>
  key.split('.').reduce((v: unknown, k) => (v as Record<string, unknown>)[k], o) as string;

describe('translations', () => {
  it('has exactly the same keys in English and Simplified Chinese', () => {
    expect(keys(zhCN).sort()).toEqual(keys(en).sort());
  });

  it('uses the same placeholders and plural forms in both languages', () => {
    for (const key of keys(en)) {
      expect(placeholders(leaf(zhCN, key)), key).toEqual(placeholders(leaf(en, key)));
      expect(leaf(zhCN, key).split('|').length, key).toBe(leaf(en, key).split('|').length);
    }
  });
});
