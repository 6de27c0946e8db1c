import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DatasetService } from '../../src/main/dataset/dataset-service';
import { tempDirs } from '../../src/main/inference/__test__/helpers';
import { writeFixtureModels, type FixtureModelPaths } from '../fixtures/model-folders';
import { runCli } from './run-cli';
import { writeDataset } from './scenes';

const tempDir = tempDirs('cli-compare');
let models: FixtureModelPaths;
let dataset: string;

beforeAll(async () => {
  models = await writeFixtureModels(path.join(await tempDir(), 'models'));
  dataset = await tempDir();
  await writeDataset(dataset);
});

const compare = (...args: string[]) =>
  runCli('compare.ts', ['--dataset', dataset, '--model', models.flavourASmall, '--device', 'cpu', ...args]);

describe('npm run compare', () => {
  it('prints boxes per class for each prompt side by side, and the images where they disagree most', async () => {
    const run = await compare('--prompt', 'red . green . blue', '--prompt', 'red . orange', '--sample', '50');
    expect(run.code, run.stderr).toBe(1); // broken.jpg fails on every prompt
    const out = run.stdout;
    expect(out).toContain('compared 2 prompts on 7 images chosen with seed 1 from 7');
    expect(out).toContain('  #1  "red . green . blue" (box 0.35 · text 0.25 · NMS 0.5)');
    expect(out).toMatch(
      /\n {2}class +#1 +#2\n {2}red +2 +2\n {2}blue +2 +0\n {2}green +1 +0\n {2}orange +0 +1\n {2}total +5 +3\n/,
    );
    expect(out).toMatch(/where they disagree most:\n {2}sub\/b\.jpg +#1 1 box · #2 1 box\n/);
    expect(out).toContain('1 image failed:\n  broken.jpg:');
  });

  it('takes thresholds once per prompt, and the same seed picks the same sample', async () => {
    const args = [
      '--prompt',
      'purple',
      '--prompt',
      'purple',
      '--box-threshold',
      '0.35',
      '--box-threshold',
      '0.3',
    ];
    const first = await compare(...args, '--sample', '3', '--seed', 'abc');
    expect(first.stdout).toContain('compared 2 prompts on 3 images chosen with seed abc from 7');
    expect(first.stdout).toContain('"purple" (box 0.3 ·');
    const again = await compare(...args, '--sample', '3', '--seed', 'abc');
    expect(again.stdout).toBe(first.stdout);
  });

  it('compares a prompt with and without one phrase per object (--cross-iou once per prompt)', async () => {
    const run = await compare(
      '--prompt',
      'red . red car',
      '--prompt',
      'red . red car',
      '--per-phrase',
      '--cross-iou',
      '0.5',
      '--cross-iou',
      'off',
    );
    expect(run.stdout).toContain(
      '  #1  "red . red car" (box 0.35 · text 0.25 · NMS 0.5 · one phrase per object above IoU 0.5 · one pass per phrase)',
    );
    // With it, the red car's boxes go under red; without it, they stay.
    expect(run.stdout).toMatch(/\n {2}red +2 +2\n {2}red car +0 +2\n/);
  });

  it('runs while the app holds the dataset, leaving its lock and its journal alone', async () => {
    const held = await DatasetService.open(dataset, {
      lock: { label: 'GroundLabel desktop' },
      debounceMs: 600_000,
    });
    try {
      const doc = { relPath: 'a.png', width: 640, height: 480, reviewed: true, boxes: [] };
      await held.store.putImage(doc); // in the journal, not yet in a label file
      const store = path.join(dataset, '.groundlabel');
      const before = await readFile(path.join(store, 'journal.ndjson'), 'utf8');
      const run = await compare('--prompt', 'red', '--prompt', 'blue', '--sample', '2');
      expect(run.stderr).not.toContain('locked');
      expect(run.stdout).toContain('compared 2 prompts on 2 images');
      expect(await readFile(path.join(store, 'journal.ndjson'), 'utf8')).toBe(before);
      expect(await readFile(path.join(store, 'lock'), 'utf8')).toContain(String(process.pid));
    } finally {
      await held.close();
    }
  });

  it('names the problem with the arguments', async () => {
    const one = await compare('--prompt', 'red');
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('give 2 to 4 --prompt options to compare, got 1');
    const thresholds = await compare(
      '--prompt',
      'a',
      '--prompt',
      'b',
      '--prompt',
      'c',
      '--box-threshold',
      '0.3',
      '--box-threshold',
      '0.4',
    );
    expect(thresholds.stderr).toContain('--box-threshold is given 2 times for 3 prompts');
    const empty = await tempDir();
    await mkdir(path.join(empty, 'sub'));
    await writeFile(path.join(empty, 'sub', 'notes.txt'), 'no images here');
    const none = await runCli('compare.ts', [
      '--dataset',
      empty,
      '--model',
      models.flavourB,
      '--prompt',
      'a',
      '--prompt',
      'b',
    ]);
    expect(none.stderr).toContain('No images found in');
    expect(await readdir(empty)).toEqual(['sub']);
  });
});
