import { describe, expect, it } from 'vitest';
import { COCO_80 } from './class-lists/coco';
import { LVIS_COMMON } from './class-lists/lvis-common';
import { OBJECTS365 } from './class-lists/objects365';
import { VOC_20 } from './class-lists/voc';
import {
  BUILT_IN_PRESETS,
  phraseOfClassName,
  presetFile,
  presetFileSchema,
  presetOfClassList,
  withPreset,
} from './presets';
import { parsePhrases } from './units';

describe('built-in class lists', () => {
  it('hold each published list whole and without repeats', () => {
    for (const [list, n] of [
      [COCO_80, 80],
      [VOC_20, 20],
      [OBJECTS365, 365],
      [LVIS_COMMON, 461],
    ] as const) {
      expect(list).toHaveLength(n);
      expect(new Set(list).size).toBe(n);
    }
    expect(COCO_80.slice(0, 3)).toEqual(['person', 'bicycle', 'car']);
    expect(VOC_20).toContain('tvmonitor');
    expect(LVIS_COMMON.slice(0, 2)).toEqual(['aerosol_can', 'alcohol']);
  });

  it('are prompts with one phrase per class, each mapped back to its class name', () => {
    for (const { preset, classes } of BUILT_IN_PRESETS) {
      const phrases = parsePhrases(preset.prompt);
      expect(phrases).toHaveLength(classes);
      const names = phrases.map((p) => preset.phraseNames[p] ?? p);
      expect(new Set(names).size).toBe(classes);
    }
    const voc = BUILT_IN_PRESETS.find((b) => b.id === 'voc-20')!.preset;
    expect(voc.phraseNames['potted plant']).toBe('pottedplant');
    expect(voc.phraseNames.person).toBeUndefined();
  });
});

describe('phraseOfClassName', () => {
  it('reads underscores as spaces, a slash as "or", and leaves a parenthesised sense out', () => {
    expect(phraseOfClassName('baseball_bat')).toBe('baseball bat');
    expect(phraseOfClassName('cabinet/shelf')).toBe('cabinet or shelf');
    expect(phraseOfClassName('bat_(animal)')).toBe('bat');
    expect(phraseOfClassName('bat_(animal)', true)).toBe('bat animal');
    expect(phraseOfClassName('Band_Aid')).toBe('band aid');
  });
});

describe('presetOfClassList', () => {
  it('keeps the senses of two names that would read as one phrase', () => {
    const preset = presetOfClassList('bats', ['bat_(animal)', 'bat_(sports)', 'ball']);
    expect(preset.prompt).toBe('bat animal . bat sports . ball .');
    expect(preset.phraseNames).toEqual({ 'bat animal': 'bat_(animal)', 'bat sports': 'bat_(sports)' });
  });
});

describe('preset files', () => {
  it('read back what was written, and refuse a file of another kind', () => {
    const file = presetFile([{ name: 'kitchen', prompt: 'cup . fork .', phraseNames: {} }]);
    expect(presetFileSchema.parse(JSON.parse(JSON.stringify(file)))).toEqual(file);
    expect(presetFileSchema.safeParse({ presets: [] }).success).toBe(false);
    expect(presetFileSchema.safeParse({ ...file, presets: [{ name: '', prompt: 'cup' }] }).success).toBe(
      false,
    );
  });

  it('replace a preset of the same name, newest first', () => {
    const a = { name: 'Street', prompt: 'car .', phraseNames: {} };
    const b = { name: 'street ', prompt: 'car . bus .', phraseNames: {} };
    const c = { name: 'Kitchen', prompt: 'cup .', phraseNames: {} };
    expect(withPreset([a, c], b)).toEqual([b, c]);
  });
});
