/**
 * npm run bench:batch-page — does a page watching a batch slow the batch down?
 *
 * One folder of IMAGES (default 200) 1280×960 JPEGs with a few colour rectangles, the fixture model
 * (flavour A) on the CPU, the same prompt, labeled ROUNDS times (default 7) each way, alternating:
 *  - cli: `npm run batch` as a child process, as a person runs it;
 *  - app: `npm run serve` as a child process, as a person runs it, with the real renderer open and
 *    visible in Debian's Chromium, the batch started with Ctrl+B, the list, status bar and batch
 *    panel following every image. (Each way has a process of its own: the bench's own images and
 *    models stay out of both heaps.)
 * Each run labels a fresh copy of the folder; its rate is read the same way for both, from the
 * batch's own job file: images done / (last update − start), so model loading is left out of both.
 * The app's batch starts once the page and server have gone quiet after opening the folder, and its
 * end is read from the job file too: waiting on the page's text instead had Playwright search the
 * page every frame, work no person's page does.
 * Alongside, the CPU time each process used while its batch ran (from /proc, so Linux only): the
 * CLI's, the server's and the page's (Chromium's processes), per image.
 * Ends with `name: value` lines: each way's median images/s, app_vs_cli (the median of the rounds'
 * app/CLI ratios; goal ≥ 0.9) and the CPU times.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LabelPage, launchChromium } from '../e2e/fixtures/label-page';
import { readBatchJob } from '../src/main/jobs/batch-file';
import { appRoot } from '../src/main/paths';
import { writeSceneFolder } from '../test/fixtures/images';
import { writeFixtureModels } from '../test/fixtures/model-folders';
import { PALETTE } from '../test/fixtures/palette';
import { cpuSecondsBelow, cpuSecondsOf } from './cpu-time';

const IMAGES = Number(process.env.IMAGES ?? 200);
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const PROMPT = 'red . green . blue . orange .';

const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One way's run: its rate, and the CPU milliseconds per image each of its processes used meanwhile. */
interface Run {
  readonly imagesPerSecond: number;
  readonly cpuMsPerImage: Readonly<Record<string, number>>;
}

async function writeImages(dir: string): Promise<void> {
  await writeSceneFolder(
    dir,
    Array.from({ length: IMAGES }, (_, i) => ({
      relPath: `img-${String(i).padStart(4, '0')}.jpg`,
      spec: {
        width: 1280,
        height: 960,
        format: 'jpeg' as const,
        rects: Array.from({ length: 3 }, (_, k) => {
          const x1 = 60 + ((i * 97 + k * 380) % 800);
          const y1 = 40 + ((i * 53 + k * 250) % 560);
          return { colour: PALETTE[(i + k) % 4].name, x1, y1, x2: x1 + 220, y2: y1 + 180 };
        }),
      },
    })),
  );
}

/** Images per second of the batch that last ran on `dataset`, from its job file. */
async function rateOf(dataset: string): Promise<number> {
  const job = await readBatchJob(dataset);
  if (!job || job.state !== 'done') throw new Error(`the batch on ${dataset} did not finish`);
  const seconds = (Date.parse(job.updatedAt) - Date.parse(job.startedAt)) / 1000;
  return (job.done.length + job.failures.length) / seconds;
}

/**
 * Resolves once `cpuSeconds` grows by under 5% of a core over half a second: the page and the server
 * are done with opening the folder (thumbnails, image sizes), as they are by the time a person has
 * typed a prompt. Gives up waiting after 30 s.
 */
async function quiet(cpuSeconds: () => Promise<number>): Promise<void> {
  const until = Date.now() + 30_000;
  let before = await cpuSeconds();
  while (Date.now() < until) {
    await sleep(500);
    const now = await cpuSeconds();
    if (now - before < 0.025) return;
    before = now;
  }
}

/** Resolves once the batch on `dataset` has stopped, read from its job file five times a second. */
async function batchStopped(dataset: string): Promise<void> {
  for (;;) {
    await sleep(200);
    const job = await readBatchJob(dataset).catch(() => null);
    if (job && job.state !== 'running') return;
  }
}

async function runCli(dataset: string, model: string): Promise<Run> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/batch.ts',
      '--dataset',
      dataset,
      '--model',
      model,
      '--prompt',
      PROMPT,
      '--device',
      'cpu',
    ],
    { cwd: appRoot(), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // Its CPU time from the line saying the batch started to the last reading before it exits.
  let stderr = '';
  let atStart: Promise<number> | null = null;
  let last = 0;
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (!atStart && stderr.includes('started batch')) atStart = cpuSecondsOf(child.pid!);
  });
  const reading = setInterval(() => void cpuSecondsOf(child.pid!).then((s) => (last = s || last)), 50);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(reading);
  if (code !== 0) throw new Error(`npm run batch exited with ${code}: ${stderr.slice(-500)}`);
  if (!atStart) throw new Error('npm run batch never said it started');
  return {
    imagesPerSecond: await rateOf(dataset),
    cpuMsPerImage: { cli: msPerImage(last - (await atStart)) },
  };
}

const msPerImage = (cpuSeconds: number) => (cpuSeconds * 1000) / IMAGES;

/**
 * `npm run serve` on the folder, in a process of its own as `npm run batch` runs in, with the
 * person's folders (settings, models) in a throwaway home. Resolves with its address once it listens.
 */
async function startServe(dataset: string, model: string, home: string) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/serve.ts',
      '--dataset',
      dataset,
      '--model',
      model,
      '--device',
      'cpu',
      '--port',
      '0',
    ],
    {
      cwd: appRoot(),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        XDG_CONFIG_HOME: path.join(home, 'config'),
        XDG_DATA_HOME: path.join(home, 'data'),
      },
    },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = once(child, 'close');
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const address = /^(http:\/\/\S+)$/m.exec(out);
      if (address) resolve(address[1]);
    });
    void closed.then(([code]) =>
      reject(new Error(`npm run serve exited with ${code}: ${stderr.slice(-500)}`)),
    );
  });
  return {
    url,
    pid: child.pid!,
    async stop() {
      child.kill('SIGINT');
      await closed;
    },
  };
}

async function runApp(dataset: string, model: string, home: string): Promise<Run> {
  const [serve, browser] = await Promise.all([startServe(dataset, model, home), launchChromium()]);
  try {
    const lp = await LabelPage.open(browser, serve.url);
    await lp.setPrompt(PROMPT);
    const visible = await lp.page.evaluate(() => document.visibilityState);
    if (visible !== 'visible') throw new Error(`the page is ${visible}, not visible`);
    await lp.page.getByRole('application').focus();
    const cpu = () => Promise.all([cpuSecondsOf(serve.pid), cpuSecondsBelow(process.pid, [serve.pid])]);
    await quiet(async () => (await cpu()).reduce((a, b) => a + b));
    const [server0, page0] = await cpu();
    await lp.page.keyboard.press('Control+b');
    await batchStopped(dataset);
    const [server1, page1] = await cpu();
    // The page shows the finished batch: it followed it all along.
    await lp.page.getByText(/^Last batch: \d+ labeled/).waitFor({ timeout: 60_000 });
    return {
      imagesPerSecond: await rateOf(dataset),
      cpuMsPerImage: { app_server: msPerImage(server1 - server0), app_page: msPerImage(page1 - page0) },
    };
  } finally {
    await browser.close();
    await serve.stop();
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gl-bench-batch-page-'));
  try {
    const source = path.join(dir, 'source');
    await writeImages(source);
    const models = await writeFixtureModels(path.join(dir, 'models'));
    log(`${IMAGES} images 1280×960, fixture model A on the CPU, ${os.cpus().length} cores`);
    const runs: Record<'cli' | 'app', Run[]> = { cli: [], app: [] };
    for (let round = 0; round < ROUNDS; round++) {
      // Each way goes first every other round: neither gets the machine's quieter moments more often.
      const order = round % 2 ? (['app', 'cli'] as const) : (['cli', 'app'] as const);
      for (const way of order) {
        const dataset = path.join(dir, `${way}-${round}`);
        await mkdir(dataset);
        await cp(source, dataset, { recursive: true });
        const run =
          way === 'cli'
            ? await runCli(dataset, models.flavourA)
            : await runApp(dataset, models.flavourA, path.join(dir, 'home'));
        runs[way].push(run);
        const cpu = Object.entries(run.cpuMsPerImage).map(([k, ms]) => `${k} ${ms.toFixed(1)}`);
        log(
          `round ${round + 1} ${way}: ${run.imagesPerSecond.toFixed(1)} images/s; CPU ms/image: ${cpu.join(', ')}`,
        );
        await rm(dataset, { recursive: true, force: true });
      }
    }
    const c = median(runs.cli.map((r) => r.imagesPerSecond));
    const a = median(runs.app.map((r) => r.imagesPerSecond));
    // Each round's two runs were next to each other: their ratio is spared the machine's drift
    // between rounds (a 2-core machine of this kind varies by ±10% over a minute).
    const paired = median(runs.app.map((r, i) => r.imagesPerSecond / runs.cli[i].imagesPerSecond));
    const cpu = (way: 'cli' | 'app', key: string) =>
      `${key}_cpu_ms_per_image: ${median(runs[way].map((r) => r.cpuMsPerImage[key])).toFixed(1)}`;
    process.stdout.write(
      [
        `images: ${IMAGES}`,
        `cli_images_per_s: ${c.toFixed(2)}`,
        `app_visible_images_per_s: ${a.toFixed(2)}`,
        `app_vs_cli: ${paired.toFixed(3)} (median of the rounds' ratios; goal ≥ 0.9)`,
        `app_vs_cli_of_medians: ${(a / c).toFixed(3)}`,
        cpu('cli', 'cli'),
        cpu('app', 'app_server'),
        cpu('app', 'app_page'),
      ].join('\n') + '\n',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
