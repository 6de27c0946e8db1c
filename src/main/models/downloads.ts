import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { GroundLabelError, messageOf } from '../../shared/errors';
import type {
  CatalogueEntry,
  CatalogueFile,
  DownloadStatus,
  InstalledFile,
  InstalledModel,
  ModelSource,
} from '../../shared/models';
import { writeFileAtomic } from '../fs/atomic';
import { CATALOGUE } from './catalogue';
import { sha256File } from './hash-file';
import { DOWNLOADS_DIR, type ModelLibrary } from './model-library';
import { DownloadError, downloadWithResume } from './range-download';
import { TransferRate } from './transfer-rate';

/** What to download: a catalogue entry, or one file at an address (with the sha256 it must have, if known). */
export type DownloadRequest =
  | { readonly catalogueId: string; readonly name?: string }
  | { readonly url: string; readonly sha256?: string; readonly name?: string };

const JOB_FILE = 'job.json';
const isModelFile = (f: CatalogueFile): boolean => f.path.toLowerCase().endsWith('.onnx');
const FILES_DIR = 'files';

const jobSchema = z.object({
  id: z.string(),
  name: z.string(),
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('catalogue'), catalogueId: z.string(), url: z.string() }),
    z.object({ kind: z.literal('url'), url: z.string() }),
  ]),
  files: z.array(
    z.object({
      path: z.string(),
      url: z.string(),
      bytes: z.number().nullable(),
      sha256: z.string().nullable(),
    }),
  ),
  /** The sha256 of the model file was given by the person (not its publisher). */
  given: z.boolean(),
  /** ETag or Last-Modified of each file's bytes so far, for If-Range. */
  validators: z.record(z.string(), z.string()),
  createdAt: z.string(),
});
type Job = z.infer<typeof jobSchema>;

interface Running {
  readonly job: Job;
  state: DownloadStatus['state'];
  received: number;
  totals: Map<string, number>;
  message?: string;
  resumable: boolean;
  readonly rate: TransferRate;
  abort: AbortController | null;
  /** Why it was aborted: a pause keeps the bytes, a cancel removes them. */
  stop: 'pause' | 'cancel' | null;
  run: Promise<InstalledModel | null> | null;
}

export interface DownloadManagerOptions {
  readonly library: ModelLibrary;
  /** Called whenever a download changes: its progress (a few times a second), state or end. */
  readonly onChange?: (status: DownloadStatus) => void;
  /** Called once a download is registered as a model. */
  readonly onInstalled?: (model: InstalledModel) => void;
  /** Where the proxy variables are read (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Waits between tries after a connection breaks off (default 1, 3 and 10 s). */
  readonly retryDelaysMs?: readonly number[];
  readonly idleTimeoutMs?: number;
  /** The known exports (default: GroundLabel's catalogue). */
  readonly catalogue?: readonly CatalogueEntry[];
}

/**
 * Downloads models into the models folder: each download in `.downloads/<id>/` (its files, and
 * `job.json` naming what they are), so that it survives a restart and goes on from where it was
 * with HTTP Range requests. A connection that breaks off is tried again by itself. The finished
 * files are checked against the sha256 their publisher gives (or the one given), then checked as a
 * model, and only then registered; a file that fails either is deleted and nothing is registered.
 */
export class DownloadManager {
  private readonly jobs = new Map<string, Running>();
  private readonly lastEmit = new Map<string, number>();
  private readonly trailing = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: DownloadManagerOptions) {}

  private get root(): string {
    return path.join(this.options.library.dir, DOWNLOADS_DIR);
  }

  /** Reads downloads an earlier run left (stopped, paused or cut short): they wait, paused, for resume. */
  async restore(): Promise<void> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    for (const id of names) {
      if (this.jobs.has(id)) continue;
      let job: Job;
      try {
        job = jobSchema.parse(JSON.parse(await readFile(path.join(this.root, id, JOB_FILE), 'utf8')));
      } catch {
        // A download that never got as far as its job file holds nothing worth keeping.
        await rm(path.join(this.root, id), { recursive: true, force: true });
        continue;
      }
      const entry = this.track(job);
      entry.state = 'paused';
      entry.received = await this.bytesOnDisk(job);
    }
  }

  list(): DownloadStatus[] {
    return [...this.jobs.values()].map((r) => this.statusOf(r));
  }

  status(id: string): DownloadStatus {
    return this.statusOf(this.require(id));
  }

  /** Starts a download; it runs in the background (see finished). */
  async start(request: DownloadRequest): Promise<DownloadStatus> {
    const job = this.jobFor(request);
    await writeFileAtomic(path.join(this.root, job.id, JOB_FILE), `${JSON.stringify(job, null, 2)}\n`);
    const r = this.track(job);
    this.launch(r);
    return this.statusOf(r);
  }

  /** Settles when the download is registered (its model), paused (null), or failed or cancelled (an error). */
  async finished(id: string): Promise<InstalledModel | null> {
    const r = this.require(id);
    return r.run ?? null;
  }

  pause(id: string): DownloadStatus {
    const r = this.require(id);
    if (r.state === 'running') {
      r.stop = 'pause';
      r.abort?.abort();
    }
    return this.statusOf(r);
  }

  resume(id: string): DownloadStatus {
    const r = this.require(id);
    if (r.state === 'paused' || (r.state === 'failed' && r.resumable)) this.launch(r);
    return this.statusOf(r);
  }

  /** Stops a download and deletes what it received. */
  async cancel(id: string): Promise<void> {
    const r = this.require(id);
    r.stop = 'cancel';
    r.abort?.abort();
    await r.run?.catch(() => undefined);
    this.jobs.delete(id);
    await rm(path.join(this.root, id), { recursive: true, force: true });
  }

  /** Stops every download, keeping what arrived (the app is quitting). */
  async close(): Promise<void> {
    for (const r of this.jobs.values()) if (r.state === 'running') this.pause(r.job.id);
    await Promise.all([...this.jobs.values()].map((r) => r.run?.catch(() => undefined)));
  }

  private require(id: string): Running {
    const r = this.jobs.get(id);
    if (!r) throw new GroundLabelError('bad-argument', `There is no download "${id}".`);
    return r;
  }

  private jobFor(request: DownloadRequest): Job {
    const id = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const createdAt = new Date().toISOString();
    if ('catalogueId' in request) {
      const entry = (this.options.catalogue ?? CATALOGUE).find((e) => e.id === request.catalogueId);
      if (!entry)
        throw new GroundLabelError(
          'bad-argument',
          `There is no model "${request.catalogueId}" in the catalogue.`,
        );
      return {
        id,
        name: request.name?.trim() || entry.name,
        source: { kind: 'catalogue', catalogueId: entry.id, url: entry.files[0].url },
        files: entry.files.map((f) => ({ ...f })),
        given: false,
        validators: {},
        createdAt,
      };
    }
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new GroundLabelError(
        'bad-argument',
        `"${request.url}" is not an address (give an http or https one).`,
      );
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new GroundLabelError('bad-argument', `${request.url} is not an http or https address.`);
    const base = decodeURIComponent(url.pathname.split('/').pop() ?? '') || 'model.onnx';
    const file = base.toLowerCase().endsWith('.onnx') ? base : `${base}.onnx`;
    return {
      id,
      name: request.name?.trim() || file.replace(/\.onnx$/i, ''),
      source: { kind: 'url', url: url.href },
      files: [{ path: file, url: url.href, bytes: null, sha256: request.sha256 ?? null }],
      given: request.sha256 !== undefined,
      validators: {},
      createdAt,
    };
  }

  private track(job: Job): Running {
    const r: Running = {
      job,
      state: 'paused',
      received: 0,
      totals: new Map(job.files.filter((f) => f.bytes !== null).map((f) => [f.path, f.bytes as number])),
      resumable: true,
      rate: new TransferRate(),
      abort: null,
      stop: null,
      run: null,
    };
    this.jobs.set(job.id, r);
    return r;
  }

  private launch(r: Running): void {
    r.state = 'running';
    r.message = undefined;
    r.stop = null;
    // Made before the run starts, so that a pause or cancel at once reaches it.
    r.abort = new AbortController();
    r.rate.reset();
    this.emit(r, true);
    const run = this.run(r);
    r.run = run;
    // A caller that does not wait for it still sees the failure in the status.
    run.catch(() => undefined);
  }

  private filePath(job: Job, file: CatalogueFile): string {
    return path.join(this.root, job.id, FILES_DIR, ...file.path.split('/'));
  }

  private async bytesOnDisk(job: Job): Promise<number> {
    let n = 0;
    for (const f of job.files)
      n += await stat(this.filePath(job, f)).then(
        (s) => s.size,
        () => 0,
      );
    return n;
  }

  private async run(r: Running): Promise<InstalledModel | null> {
    const { job } = r;
    // The small files first: once the model's own file starts, every size is known and the
    // progress has a total for the bulk of the download.
    const order = [...job.files].sort((a, b) => Number(isModelFile(a)) - Number(isModelFile(b)));
    try {
      for (const file of order) await this.fetchFile(r, file);
    } catch (e) {
      if (r.stop === 'pause') {
        r.state = 'paused';
        this.emit(r, true);
        return null;
      }
      if (r.stop === 'cancel')
        throw new GroundLabelError('download-failed', `The download of ${job.name} was cancelled.`);
      // What arrived is kept: resume goes on from it (the connection, not the file, was at fault).
      return this.fail(
        r,
        e instanceof DownloadError || e instanceof GroundLabelError ? e.message : messageOf(e),
        true,
      );
    }
    r.state = 'verifying';
    this.emit(r, true);
    const files: InstalledFile[] = [];
    for (const file of job.files) {
      const local = this.filePath(job, file);
      const sha256 = await sha256File(local);
      if (file.sha256 && file.sha256 !== file.sha256.toLowerCase()) file.sha256 = file.sha256.toLowerCase();
      if (file.sha256 && sha256 !== file.sha256) {
        await rm(path.join(this.root, job.id), { recursive: true, force: true });
        const whose = job.given ? 'given' : 'its publisher gives';
        return this.fail(
          r,
          `${file.url} arrived with sha256 ${sha256}, not the ${file.sha256} ${whose}: it was deleted and nothing was registered.`,
          false,
        );
      }
      files.push({ path: file.path, bytes: (await stat(local)).size, sha256 });
    }
    const main = job.files.find(isModelFile) ?? job.files[0];
    try {
      const model = await this.options.library.addDownloaded(path.join(this.root, job.id, FILES_DIR), files, {
        name: job.name,
        source: job.source as ModelSource,
        sha256From: main.sha256 ? (job.given ? 'given' : 'published') : 'computed',
      });
      await rm(path.join(this.root, job.id), { recursive: true, force: true });
      this.jobs.delete(job.id);
      this.options.onInstalled?.(model);
      return model;
    } catch (e) {
      await rm(path.join(this.root, job.id), { recursive: true, force: true });
      return this.fail(
        r,
        `${job.name} was downloaded but is not a model GroundLabel can use: ${messageOf(e)}`,
        false,
      );
    }
  }

  private fail(r: Running, message: string, resumable: boolean): never {
    r.state = 'failed';
    r.message = message;
    r.resumable = resumable;
    this.emit(r, true);
    throw new GroundLabelError('download-failed', message);
  }

  /** One file, tried again after a connection breaks off or a server fails, going on from what arrived. */
  private async fetchFile(r: Running, file: CatalogueFile): Promise<void> {
    const { job } = r;
    const dest = this.filePath(job, file);
    await mkdir(path.dirname(dest), { recursive: true });
    const before = async () =>
      (await this.bytesOnDisk(job)) -
      (await stat(dest).then(
        (s) => s.size,
        () => 0,
      ));
    const delays = this.options.retryDelaysMs ?? [1000, 3000, 10_000];
    const signal = r.abort?.signal;
    for (let attempt = 0; ; attempt++) {
      if (r.stop !== null) throw new DownloadError('aborted', 'stopped');
      const others = await before();
      try {
        await downloadWithResume(file.url, dest, {
          signal,
          env: this.options.env,
          idleTimeoutMs: this.options.idleTimeoutMs,
          validator: job.validators[file.path],
          onStart: ({ total, validator }) => {
            if (total !== null) r.totals.set(file.path, total);
            if (validator) job.validators[file.path] = validator;
            else delete job.validators[file.path];
            void writeFileAtomic(
              path.join(this.root, job.id, JOB_FILE),
              `${JSON.stringify(job, null, 2)}\n`,
            ).catch(() => undefined);
          },
          onData: (size) => {
            r.received = others + size;
            r.rate.add(Date.now(), r.received);
            this.emit(r, false);
          },
        });
        r.received = others + (await stat(dest)).size;
        return;
      } catch (e) {
        if (r.stop !== null || !(e instanceof DownloadError)) throw e;
        const retryable = e.kind === 'interrupted' || (e.kind === 'http' && (e.status ?? 0) >= 500);
        if (!retryable || attempt >= delays.length) {
          throw e.kind === 'interrupted'
            ? new DownloadError(
                'interrupted',
                `${e.message}; tried ${attempt + 1} times. What arrived is kept: resume goes on from it.`,
              )
            : e;
        }
        r.message = `${e.message}; trying again`;
        this.emit(r, true);
        await sleep(delays[attempt], undefined, { signal }).catch(() => undefined);
        if (r.stop !== null) throw new DownloadError('aborted', 'stopped');
      }
    }
  }

  private statusOf(r: Running): DownloadStatus {
    const known = r.job.files.every((f) => r.totals.has(f.path));
    const total = known ? r.job.files.reduce((n, f) => n + (r.totals.get(f.path) ?? 0), 0) : null;
    const running = r.state === 'running';
    return {
      id: r.job.id,
      name: r.job.name,
      source: r.job.source as ModelSource,
      state: r.state,
      received: r.received,
      total,
      rate: running ? Math.round(r.rate.rate()) : 0,
      etaSeconds: running ? r.rate.etaSeconds(r.received, total) : null,
      ...(r.message && { message: r.message }),
      resumable: r.resumable && existsSync(path.join(this.root, r.job.id)),
    };
  }

  /** Progress a few times a second, the last of a burst included; changes of state at once. */
  private emit(r: Running, now: boolean): void {
    const id = r.job.id;
    const wait = 200 - (Date.now() - (this.lastEmit.get(id) ?? 0));
    if (!now && wait > 0) {
      if (!this.trailing.has(id))
        this.trailing.set(
          id,
          setTimeout(() => {
            this.trailing.delete(id);
            if (this.jobs.get(id) === r) this.emit(r, true);
          }, wait),
        );
      return;
    }
    clearTimeout(this.trailing.get(id));
    this.trailing.delete(id);
    this.lastEmit.set(id, Date.now());
    this.options.onChange?.(this.statusOf(r));
  }
}
