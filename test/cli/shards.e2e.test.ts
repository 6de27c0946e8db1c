import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSceneFolder } from '../fixtures/images';
import { writeFixtureModels, type FixtureModelPaths } from '../fixtures/model-folders';
import type { ColourName } from '../fixtures/palette';
import { runCli, startCli, type StartedCli } from './run-cli';
import { PROMPT, writeDataset } from './scenes';

let dir: string;
let models: FixtureModelPaths;
let images: string;
/** annotations.json of one unsharded `label` run over every image: what every merge must equal. */
let single: string;

const COLOURS: readonly ColourName[] = ['red', 'green', 'blue', 'orange', 'yellow'];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gl-shards-'));
  models = await writeFixtureModels(path.join(dir, 'models'));
  images = path.join(dir, 'images');
  await writeDataset(images);
  // More images, so that every shard has several and one can be stopped midway.
  await writeSceneFolder(
    images,
    Array.from({ length: 24 }, (_, i) => ({
      relPath: `more/scene-${String(i).padStart(2, '0')}.png`,
      spec: {
        width: 320 + 8 * i,
        height: 240,
        rects: [{ colour: COLOURS[i % COLOURS.length], x1: 20 + 4 * i, y1: 30, x2: 200 + 4 * i, y2: 210 }],
      },
    })),
  );
  const run = await runCli('label.ts', [
    '--model',
    models.flavourASmall,
    '--images',
    images,
    '--prompt',
    PROMPT,
    '--out',
    path.join(dir, 'single'),
  ]);
  expect(run.code, run.stderr).toBe(1); // broken.jpg
  single = await readFile(path.join(dir, 'single', 'annotations.json'), 'utf8');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every variable a scheduler sets, emptied: the test's own environment must not pick the shard. */
const NO_SCHEDULER = Object.fromEntries(
  [
    'JOB_COMPLETION_INDEX',
    'JOB_COMPLETIONS',
    'SLURM_ARRAY_JOB_ID',
    'SLURM_ARRAY_TASK_ID',
    'SLURM_ARRAY_TASK_COUNT',
    'SLURM_ARRAY_TASK_MIN',
    'SLURM_ARRAY_TASK_MAX',
    'SLURM_ARRAY_TASK_STEP',
    'GROUNDLABEL_SHARD',
  ].map((name) => [name, '']),
);

/** One copy of `label --shard auto`, as a scheduler starts it: the same command, its own variables. */
const startShard = (out: string, env: Record<string, string>, prompt = PROMPT, from = images): StartedCli =>
  startCli(
    'label.ts',
    ['--model', models.flavourASmall, '--images', from, '--prompt', prompt, '--out', out, '--shard', 'auto'],
    { ...NO_SCHEDULER, ...env },
  );

async function expectShardsDone(started: readonly StartedCli[]): Promise<void> {
  for (const s of started) {
    const done = await s.done;
    expect(done.code, done.stderr).toBe(0);
  }
}

const merge = (...args: string[]) => runCli('merge.ts', args);
const cocoOf = (out: string) => readFile(path.join(out, 'annotations.json'), 'utf8');

interface StoredDoc {
  relPath: string;
  reviewed: boolean;
  modelRun?: { prompt: string };
  boxes: { classId: string; x1: number; y1: number; x2: number; y2: number; origin: unknown }[];
}

/** A project's labels, with class ids (random per project) replaced by class names. */
async function projectLabels(dataset: string) {
  const store = path.join(dataset, '.groundlabel');
  const meta = JSON.parse(await readFile(path.join(store, 'project.json'), 'utf8')) as {
    classes: { id: string; name: string }[];
  };
  const nameOf = new Map(meta.classes.map((c) => [c.id, c.name]));
  const files = (await readdir(path.join(store, 'labels'), { recursive: true })).filter((f) =>
    f.endsWith('.json'),
  );
  const docs = await Promise.all(
    files.map(async (f) => JSON.parse(await readFile(path.join(store, 'labels', f), 'utf8')) as StoredDoc),
  );
  return docs
    .map((d) => ({
      relPath: d.relPath,
      reviewed: d.reviewed,
      prompt: d.modelRun?.prompt,
      boxes: d.boxes.map(({ classId, x1, y1, x2, y2, origin }) => ({
        cls: nameOf.get(classId),
        x1,
        y1,
        x2,
        y2,
        origin,
      })),
    }))
    .sort((a, b) => (a.relPath < b.relPath ? -1 : 1));
}

describe('a labeling run split over a cluster', () => {
  it('runs as a Kubernetes Indexed Job of 3 pods whose merge is the COCO file of one run, and lands in a project as a batch would', async () => {
    const run = path.join(dir, 'indexed-job');
    const pods = [0, 1, 2].map((k) =>
      startShard(run, { JOB_COMPLETION_INDEX: String(k), JOB_COMPLETIONS: '3' }),
    );
    await expectShardsDone(pods);
    for (const [k, pod] of pods.entries())
      expect(pod.stderr()).toContain(
        `shard ${k}/3 (from Kubernetes Indexed Job (JOB_COMPLETION_INDEX=${k}))`,
      );
    expect((await readdir(run)).sort()).toEqual(['shard-0-of-3', 'shard-1-of-3', 'shard-2-of-3']);

    const viaMerge = path.join(dir, 'indexed-job-project');
    const viaBatch = path.join(dir, 'batch-project');
    await cp(images, viaMerge, { recursive: true });
    await cp(images, viaBatch, { recursive: true });
    const merged = await merge(
      '--from',
      run,
      '--out',
      path.join(dir, 'indexed-job-coco'),
      '--into-project',
      viaMerge,
    );
    expect(merged.code, merged.stderr).toBe(1); // broken.jpg failed in its shard, and is listed
    expect(merged.stderr).toMatch(/broken\.jpg: \[image-unreadable\]/);
    expect(await cocoOf(path.join(dir, 'indexed-job-coco'))).toBe(single);

    // The same suggestions, scores and all, as a batch over the whole folder leaves for review.
    const batch = await startCli('batch.ts', [
      '--dataset',
      viaBatch,
      '--model',
      models.flavourASmall,
      '--prompt',
      PROMPT,
    ]).done;
    expect(batch.code, batch.stderr).toBe(1);
    const fromBatch = await projectLabels(viaBatch);
    expect(fromBatch.length).toBe(30);
    expect(fromBatch.some((d) => d.boxes.length === 0 && d.prompt === PROMPT)).toBe(true);
    expect(await projectLabels(viaMerge)).toEqual(fromBatch);
  });

  it('runs as a Slurm array numbered from 1 whose merge, from its shard folders, is the COCO file of one run', async () => {
    const run = path.join(dir, 'slurm-array');
    const array = { SLURM_ARRAY_JOB_ID: '4711', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '3' };
    const tasks = [1, 2, 3].map((id) =>
      startShard(run, {
        ...array,
        SLURM_ARRAY_TASK_ID: String(id),
        SLURM_ARRAY_TASK_COUNT: '3',
        SLURM_ARRAY_TASK_STEP: '1',
      }),
    );
    await expectShardsDone(tasks);
    expect(tasks[0].stderr()).toContain('shard 0/3 (from Slurm array (SLURM_ARRAY_TASK_ID=1))');
    const folders = (await readdir(run)).map((n) => path.join(run, n));
    const merged = await merge('--from', ...folders, '--out', path.join(dir, 'slurm-coco'));
    expect(merged.code, merged.stderr).toBe(1);
    expect(await cocoOf(path.join(dir, 'slurm-coco'))).toBe(single);
  });
});

describe('suppression across phrases over shards', () => {
  it('reports the same phrase pairs from the merge of its shards as from one run', async () => {
    const prompt = 'red . red car . green';
    const options = ['--per-phrase', '--cross-iou', '0.5'];
    const label = (out: string, ...extra: string[]) =>
      runCli('label.ts', [
        '--model',
        models.flavourASmall,
        '--images',
        images,
        '--prompt',
        prompt,
        '--out',
        out,
        ...options,
        ...extra,
      ]);
    const collisionsOf = (stderr: string) =>
      /\d+ box(?:es)? dropped where two phrases claimed one object.*\n(?: {2}.*\n)+/.exec(stderr)?.[0];
    const one = await label(path.join(dir, 'cross-single'));
    const expected = collisionsOf(one.stderr);
    expect(expected).toMatch(/\n {2}"red car" under "red": \d+ times\n/);
    const run = path.join(dir, 'cross-shards');
    for (const k of [0, 1]) expect((await label(run, '--shard', `${k}/2`)).code).toBe(0);
    const merged = await merge('--from', run, '--out', path.join(dir, 'cross-coco'));
    expect(merged.code, merged.stderr).toBe(1); // broken.jpg
    expect(collisionsOf(merged.stderr)).toBe(expected);
  });
});

describe('a shard where every image fails', () => {
  it('writes its output and exits with 1, for the scheduler to retry it', async () => {
    const broken = path.join(dir, 'broken-images');
    await mkdir(broken);
    await cp(path.join(images, 'broken.jpg'), path.join(broken, 'broken.jpg'));
    const done = await startShard(path.join(dir, 'broken-run'), { GROUNDLABEL_SHARD: '0/1' }, PROMPT, broken)
      .done;
    expect(done.code, done.stderr).toBe(1);
    expect(done.stderr).toContain('no image of shard 0/1 could be labeled');
    const manifest = JSON.parse(
      await readFile(path.join(dir, 'broken-run', 'shard-0-of-1', 'groundlabel-shard.json'), 'utf8'),
    ) as { failures: { relPath: string; code: string }[] };
    expect(manifest.failures).toEqual([
      expect.objectContaining({ relPath: 'broken.jpg', code: 'image-unreadable' }),
    ]);
  });
});

describe('a shard stopped midway', () => {
  let pair: string;

  beforeAll(async () => {
    pair = path.join(dir, 'pair');
    await expectShardsDone([0, 1].map((k) => startShard(pair, { GROUNDLABEL_SHARD: `${k}/2` })));
  });

  it('is rerun alone, replacing only its own output, and the merge is the COCO file of one run', async () => {
    const run = path.join(dir, 'killed');
    await cp(path.join(pair, 'shard-0-of-2'), path.join(run, 'shard-0-of-2'), { recursive: true });
    const shard0 = await readFile(path.join(run, 'shard-0-of-2', 'groundlabel-shard.json'), 'utf8');

    // SIGKILL as soon as the shard has recorded its first image: it cannot clean up after itself.
    const killed = startShard(run, { GROUNDLABEL_SHARD: '1/2' });
    // Wherever the shard keeps its results while it runs: any folder of the run but shard 0's.
    const firstImageWritten = async () => {
      for (const name of await readdir(run)) {
        if (name === 'shard-0-of-2') continue;
        const text = await readFile(path.join(run, name, 'results.jsonl'), 'utf8').catch(() => '');
        if (text.includes('\n')) return true;
      }
      return false;
    };
    await expect.poll(firstImageWritten, { interval: 5, timeout: 60_000 }).toBe(true);
    killed.child.kill('SIGKILL');
    expect((await killed.done).signal).toBe('SIGKILL');
    // Nothing half-written in place: the shard's folder is not there at all.
    expect((await readdir(run)).filter((n) => !n.startsWith('.'))).toEqual(['shard-0-of-2']);

    const refused = await merge('--from', run, '--out', path.join(dir, 'killed-coco'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('shard 1/2 is missing (the run has 2); rerun the missing shard(s)');

    const partial = await merge('--from', run, '--out', path.join(dir, 'killed-partial'), '--allow-missing');
    expect(partial.stderr).toContain('warning: shard 1/2 is missing; their images are left out');
    const shard0Images = (JSON.parse(shard0) as { images: { list: string[] } }).images.list;
    const partialCoco = JSON.parse(await cocoOf(path.join(dir, 'killed-partial'))) as {
      images: { file_name: string }[];
    };
    expect(partialCoco.images.every((im) => shard0Images.includes(im.file_name))).toBe(true);

    const rerun = await startShard(run, { GROUNDLABEL_SHARD: '1/2' }).done;
    expect(rerun.code, rerun.stderr).toBe(0);
    expect((await readdir(run)).sort()).toEqual(['shard-0-of-2', 'shard-1-of-2']); // the killed run's staging is gone
    expect(await readFile(path.join(run, 'shard-0-of-2', 'groundlabel-shard.json'), 'utf8')).toBe(shard0);
    const merged = await merge('--from', run, '--out', path.join(dir, 'killed-coco'));
    expect(merged.code, merged.stderr).toBe(1);
    expect(await cocoOf(path.join(dir, 'killed-coco'))).toBe(single);
  });

  it('refuses to merge shards that ran another prompt, naming the prompts', async () => {
    const odd = path.join(dir, 'odd-prompt');
    await expectShardsDone([startShard(odd, { GROUNDLABEL_SHARD: '1/2' }, 'red . green .')]);
    const refused = await merge(
      '--from',
      path.join(pair, 'shard-0-of-2'),
      path.join(odd, 'shard-1-of-2'),
      '--out',
      path.join(dir, 'odd-coco'),
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `shard 1/2 (${path.join(odd, 'shard-1-of-2')}) ran with prompt "red . green .", but shard 0/2`,
    );
    expect(refused.stderr).toContain(`ran with "${PROMPT}"`);
  });

  it('refuses images given twice: the same shard from two folders', async () => {
    const copy = path.join(dir, 'copy', 'shard-0-of-2');
    await cp(path.join(pair, 'shard-0-of-2'), copy, { recursive: true });
    const refused = await merge('--from', pair, copy, '--out', path.join(dir, 'twice-coco'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `shard 0/2 (${copy}) and shard 0/2 (${path.join(pair, 'shard-0-of-2')}) are the same shard`,
    );
  });
});
