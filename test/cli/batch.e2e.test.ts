import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchFile, readBatchJob } from '../../src/main/jobs/batch-file';
import { tempDirs } from '../../src/main/inference/__test__/helpers';
import type { ImageDoc } from '../../src/shared/project';
import { writeSceneFolder } from '../fixtures/images';
import { writeFixtureModels, type FixtureModelPaths } from '../fixtures/model-folders';
import { outputOf, type CliResult } from './run-cli';
import { PROMPT, writeDataset } from './scenes';

const root = path.resolve(import.meta.dirname, '..', '..');
const tempDir = tempDirs('cli-batch');
let models: FixtureModelPaths;

beforeAll(async () => {
  models = await writeFixtureModels(path.join(await tempDir(), 'models'));
});

/** `npm run batch --` as its script line runs it: node with tsx's loader, so Ctrl+C reaches the CLI itself. */
function batch(
  args: readonly string[],
  onStderr?: (text: string, child: ChildProcess) => void,
): Promise<CliResult> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'src', 'cli', 'batch.ts'), ...args],
    {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  return outputOf(child, onStderr);
}

/** `batch` on `dataset` with the small fixture model on the CPU, and `args`. */
const batchOn = (dataset: string, ...args: string[]): Promise<CliResult> =>
  batch(['--dataset', dataset, '--model', models.flavourASmall, ...args, '--device', 'cpu']);

const label = async (dataset: string, relPath: string): Promise<ImageDoc> =>
  JSON.parse(
    await readFile(path.join(dataset, '.groundlabel', 'labels', `${relPath}.json`), 'utf8'),
  ) as ImageDoc;

describe('npm run batch', () => {
  it('stores suggestions for every image and prints the summary, what to look at first and the statistics', async () => {
    const dataset = await tempDir();
    await writeDataset(dataset);
    const run = await batchOn(dataset, '--prompt', PROMPT);
    expect(run.code, run.stderr).toBe(1); // broken.jpg failed; every other image was labeled
    expect(run.stdout).toMatch(/^batch \w+ finished: "red \. green/);
    expect(run.stdout).toContain(
      '7 in the job · 6 labeled (4 with suggestions, 2 where nothing was found) · 0 skipped (reviewed) · 1 failed · 0 left',
    );
    // Each image named once with why it is there: the unreadable one in one line, then the least sure.
    expect(run.stdout).toContain(
      'look at first:\n  could not be labeled  broken.jpg: not a readable image (the file ends early: it was cut short or is still being copied)\n',
    );
    expect(run.stdout).toMatch(/least sure 0\.\d\d {4}e-rotated\.jpg \(1 suggestion\)/);
    expect(run.stdout).not.toMatch(/least sure 0\.95/);
    expect(run.stdout).toContain(
      '2 images where the model found nothing stay out of exports until marked negative',
    );
    expect(run.stdout).toContain('\n1 image could not be labeled:\n');
    expect(run.stdout).not.toMatch(/\(s\)|VipsJpeg/);
    expect(run.stdout).toContain(
      'images: 0 unlabeled · 1 unreadable · 2 nothing-found · 4 suggested · 0 reviewed · 0 negative',
    );
    expect(run.stdout).toMatch(/\n {2}red +0 +2\n/);
    expect(run.stdout).toMatch(/20 %–40 % │█+ *│ 2\n/);
    expect(run.stdout).toContain('broken.jpg: [image-unreadable] not a readable image');
    const b = await label(dataset, 'sub/b.jpg');
    expect(b.boxes.map((x) => x.origin.kind === 'suggestion' && x.origin.phrase)).toEqual([
      'green',
      'orange',
    ]);
    const project = JSON.parse(
      await readFile(path.join(dataset, '.groundlabel', 'project.json'), 'utf8'),
    ) as { classes: { name: string }[] };
    // A class for each phrase that found something, as the images came; none for purple.
    expect(project.classes.map((c) => c.name)).toEqual(['red', 'blue', 'green', 'orange', 'yellow']);
  });

  it('never runs on the exports/ folder or on any folder an export was written to', async () => {
    const dataset = await tempDir();
    await writeSceneFolder(dataset, [
      { relPath: 'a.png', spec: { width: 64, height: 48, rects: [] } },
      { relPath: 'exports/yolo-1/images/train/a.png', spec: { width: 64, height: 48, rects: [] } },
      { relPath: 'runs/out/images/train/a.png', spec: { width: 64, height: 48, rects: [] } },
    ]);
    await writeFile(path.join(dataset, 'runs', 'out', '.groundlabel-export'), '');
    const run = await batchOn(dataset, '--prompt', 'red');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('1 in the job · 1 labeled');
  });

  it('stops cleanly on Ctrl+C, and --resume finishes exactly the images that were left', async () => {
    const dataset = await tempDir();
    await writeSceneFolder(
      dataset,
      Array.from({ length: 12 }, (_, i) => ({
        relPath: `img${String(i).padStart(2, '0')}.png`,
        spec: {
          width: 320,
          height: 240,
          rects: [{ colour: 'blue' as const, x1: 20 + i, y1: 20, x2: 200, y2: 150 }],
        },
      })),
    );
    // Ctrl+C once the first result is acknowledged (in the dataset's journal), so some images are
    // done and, at a few more per cancel, most are left: no guess at how fast the model runs.
    const journal = path.join(dataset, '.groundlabel', 'journal.ndjson');
    const hasResult = () =>
      readFile(journal, 'utf8').then(
        (text) => text.includes('"t":"image"'),
        () => false,
      );
    let started: (child: ReturnType<typeof spawn>) => void = () => undefined;
    const running = new Promise<ReturnType<typeof spawn>>((resolve) => (started = resolve));
    const stopping = batch(
      ['--dataset', dataset, '--model', models.flavourA, '--prompt', 'blue .', '--device', 'cpu'],
      (text, child) => text.includes('started batch') && started(child),
    );
    const child = await running;
    await expect.poll(hasResult, { interval: 5, timeout: 30_000 }).toBe(true);
    child.kill('SIGINT');
    const stopped = await stopping;
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toContain('cancelling after the images already on the model');
    // The hint is the command that goes on with the job: it is run as printed.
    const hint = /stopped with \d+ images? left; to finish it, run:\n {2}npm run batch -- (.+)\n/.exec(
      stopped.stdout,
    );
    expect(hint?.[1]).toBe(`--dataset ${dataset} --model ${models.flavourA} --device cpu --resume`);
    const job = (await readBatchJob(dataset))!;
    expect(job.state).toBe('cancelled');
    expect(job.done.length).toBeGreaterThan(0);
    expect(job.done.length).toBeLessThan(12);

    const resumed = await batch(hint![1].split(' '));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resuming batch ${job.jobId} on ${12 - job.done.length} of 12 images`);
    const finished = JSON.parse(await readFile(batchFile(dataset), 'utf8')) as {
      state: string;
      done: string[];
    };
    expect(finished.state).toBe('done');
    expect(finished.done).toHaveLength(12);
    expect(new Set(finished.done).size).toBe(12);
    expect(finished.done.slice(0, job.done.length)).toEqual(job.done);
    expect(resumed.stdout).toContain('images: 0 unlabeled · 0 unreadable · 0 nothing-found · 12 suggested');
  });

  it('runs referring expressions with --rec: each expression its best suggestion, labelled with the expression', async () => {
    const dataset = await tempDir();
    await writeDataset(dataset);
    const run = await batchOn(dataset, '--prompt', 'red\nblue thing', '--rec');
    expect(run.code, run.stderr).toBe(1); // broken.jpg
    const phrases = async (relPath: string) =>
      (await label(dataset, relPath)).boxes.map((b) =>
        b.origin.kind === 'suggestion' ? b.origin.phrase : '',
      );
    expect(await phrases('a.png')).toEqual(['red', 'blue thing']);
    expect(await phrases('sub/deeper/c.png')).toEqual(['red']);
    expect((await readBatchJob(dataset))?.rec).toEqual({ topK: 1 });
  });

  it('suppresses boxes of different phrases on one object with --cross-iou and reports which phrases collided, across the batch', async () => {
    const dataset = await tempDir();
    await writeDataset(dataset);
    const run = await batchOn(
      dataset,
      '--prompt',
      'red . red car . green',
      '--per-phrase',
      '--cross-iou',
      '0.5',
    );
    expect(run.code, run.stderr).toBe(1); // broken.jpg
    const job = await readBatchJob(dataset);
    expect(job?.thresholds.crossIou).toBe(0.5);
    expect(job?.collisions).toEqual([{ kept: 'red', dropped: 'red car', count: 2 }]);
    expect(run.stdout).toContain(
      '2 boxes dropped where two phrases claimed one object (--cross-iou):\n    "red car" under "red": 2 times',
    );
    const phrases = (await label(dataset, 'a.png')).boxes.map((b) =>
      b.origin.kind === 'suggestion' ? b.origin.phrase : '',
    );
    expect(phrases).not.toContain('red car');
  });

  it('runs a built-in class list with --preset, its classes named as the list names them', async () => {
    const dataset = await tempDir();
    await writeDataset(dataset);
    const run = await batchOn(dataset, '--preset', 'voc-20');
    expect(run.code, run.stderr).toBe(1); // broken.jpg
    expect((await readBatchJob(dataset))?.prompt).toMatch(/^airplane \. bicycle \. .* tv monitor \.$/);
    const project = JSON.parse(
      await readFile(path.join(dataset, '.groundlabel', 'project.json'), 'utf8'),
    ) as { phraseNames?: Record<string, string> };
    // A class made for "tv monitor" is called "tvmonitor", as in VOC's own files.
    expect(project.phraseNames).toMatchObject({ airplane: 'aeroplane', 'tv monitor': 'tvmonitor' });
  });

  it('names the option when the arguments do not fit', async () => {
    const run = await batch([
      '--dataset',
      '/nowhere',
      '--model',
      models.flavourB,
      '--resume',
      '--prompt',
      'red',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--resume goes on with the saved job and its prompt; leave out --prompt');
    const none = await batch([
      '--dataset',
      await tempDir(),
      '--model',
      models.flavourB,
      '--resume',
      '--device',
      'cpu',
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /error \[batch-not-found\]: There is no stopped batch to resume in .*: no batch was started on it/,
    );
    expect(none.stderr).not.toContain('model:');
  });
});
