import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { GroundLabelError, messageOf } from '../../shared/errors';
import type { FoundModel, InstalledFile, InstalledModel, ModelSource, Sha256From } from '../../shared/models';
import { writeFileAtomic } from '../fs/atomic';
import { isInside } from '../fs/paths';
import { DESCRIPTOR_FILE } from '../inference/model-folder';
import { sha256File } from './hash-file';
import { inspectModel, type InspectModel, type ModelFacts } from './inspect-model';

/** Written last into a model's folder: a folder without it is an add that never finished. */
export const MODEL_MANIFEST = 'groundlabel-model.json';
/** Hidden folders of the manager inside the models folder: downloads in progress, adds in progress. */
export const DOWNLOADS_DIR = '.downloads';
const INCOMING = '.incoming-';

const inputSchema = z.object({
  name: z.string(),
  type: z.string(),
  dims: z.array(z.union([z.number(), z.string(), z.null()])),
});
const sourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('catalogue'), catalogueId: z.string(), url: z.string() }),
  z.object({ kind: z.literal('url'), url: z.string() }),
  z.object({ kind: z.literal('disk'), path: z.string() }),
]);
const manifestSchema = z.object({
  name: z.string().min(1),
  flavour: z.enum(['A', 'B']),
  inputs: z.array(inputSchema),
  bytes: z.number().nonnegative(),
  source: sourceSchema,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sha256From: z.enum(['published', 'given', 'computed']),
  storage: z.enum(['copy', 'link']),
  /** copy: what opens it, relative to the model's folder ('.' for the folder); link: an absolute path. */
  entry: z.string().min(1),
  files: z.array(z.object({ path: z.string(), bytes: z.number(), sha256: z.string() })),
  addedAt: z.string(),
});
type Manifest = z.infer<typeof manifestSchema>;

export interface AddOptions {
  /** Shown in the list; the model's own name when absent. */
  readonly name?: string;
  /** The sha256 the model's .onnx file must have; refused when it differs. */
  readonly sha256?: string;
  readonly sha256From?: Exclude<Sha256From, 'computed'>;
  readonly source?: ModelSource;
}

/** Files of a folder, relative to it, recursively; hidden files left out. */
async function filesIn(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...(await filesIn(dir, r)));
    else if (e.isFile()) out.push(r);
  }
  return out.sort();
}

/** A single .onnx file travels with its descriptor and external weights, when it has them. */
function companionsOf(file: string): string[] {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const stem = path.basename(file, path.extname(file));
  return [`${stem}.${DESCRIPTOR_FILE}`, `${base}.data`, `${base}_data`, `${stem}.onnx_data`]
    .map((n) => path.join(dir, n))
    .filter((f) => existsSync(f));
}

const slug = (name: string): string =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60) || 'model';

/**
 * The models folder: one folder per model, holding its files (or, for a linked model, only the
 * manifest naming where its files are) and a manifest with what was checked when it was added.
 * Nothing is registered before it is checked: a model that fails the check, or whose sha256
 * differs from the one expected, leaves nothing behind.
 */
export class ModelLibrary {
  constructor(
    readonly dir: string,
    private readonly bundledVocab: string,
    private readonly inspect: InspectModel = inspectModel,
  ) {}

  /** The models added by the manager, and .onnx files or folders put into the folder by hand. */
  async list(): Promise<{ installed: InstalledModel[]; found: FoundModel[] }> {
    const entries = await readdir(this.dir, { withFileTypes: true }).catch(() => []);
    const installed: InstalledModel[] = [];
    const found: FoundModel[] = [];
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(this.dir, e.name);
      if (e.isDirectory() && existsSync(path.join(full, MODEL_MANIFEST)))
        installed.push(await this.read(e.name));
      else if ((e.isFile() && e.name.toLowerCase().endsWith('.onnx')) || e.isDirectory())
        found.push({ path: full });
    }
    return { installed: installed.sort((a, b) => a.name.localeCompare(b.name)), found };
  }

  async get(id: string): Promise<InstalledModel> {
    const folder = this.folderOf(id);
    if (!existsSync(path.join(folder, MODEL_MANIFEST)))
      throw new GroundLabelError('model-not-found', `There is no model "${id}" in ${this.dir}.`);
    return this.read(id);
  }

  /** The installed model that opens from `target`, if any (to show which one is loaded). */
  async idOf(target: string): Promise<string | null> {
    const resolved = path.resolve(target);
    const { installed } = await this.list();
    return installed.find((m) => path.resolve(m.path) === resolved)?.id ?? null;
  }

  private folderOf(id: string): string {
    const folder = path.join(this.dir, id);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(id) || !isInside(this.dir, folder, { allowSame: false }))
      throw new GroundLabelError('bad-argument', `"${id}" is not the name of a model in ${this.dir}.`);
    return folder;
  }

  private async read(id: string): Promise<InstalledModel> {
    const folder = path.join(this.dir, id);
    const file = path.join(folder, MODEL_MANIFEST);
    let manifest: Manifest;
    try {
      manifest = manifestSchema.parse(JSON.parse(await readFile(file, 'utf8')));
    } catch (e) {
      return brokenModel(
        id,
        folder,
        `${file} is unreadable (${messageOf(e).split('\n')[0]}); remove the model and add it again.`,
      );
    }
    const where = manifest.storage === 'copy' ? path.join(folder, manifest.entry) : manifest.entry;
    const { entry: _entry, ...rest } = manifest;
    return {
      id,
      ...rest,
      path: where,
      ...(!existsSync(where) && {
        problem: `${where} is not there any more; bring it back or remove the model.`,
      }),
    };
  }

  private async freeId(name: string): Promise<string> {
    const base = slug(name);
    for (let i = 1; ; i++) {
      const id = i === 1 ? base : `${base}-${i}`;
      if (!existsSync(path.join(this.dir, id))) return id;
    }
  }

  /**
   * Adds a model from disk: checked first, then copied into the models folder, or linked (the
   * files stay where they are and the manifest names them).
   */
  async addFromDisk(
    target: string,
    mode: 'copy' | 'link',
    options: AddOptions = {},
  ): Promise<InstalledModel> {
    const from = path.resolve(target);
    const info = await stat(from).catch(() => null);
    if (!info)
      throw new GroundLabelError(
        'model-not-found',
        `Model not found: ${from} (give an .onnx file or a folder holding one)`,
      );
    const facts = await this.inspect(from, this.bundledVocab);
    const source = options.source ?? { kind: 'disk', path: from };
    if (mode === 'link') {
      const rels = info.isDirectory()
        ? await filesIn(from)
        : [path.basename(from), ...companionsOf(from).map((f) => path.basename(f))];
      const base = info.isDirectory() ? from : path.dirname(from);
      const files = await hashFiles(base, rels);
      return this.register(null, { facts, files, entry: from, storage: 'link', source, options, base });
    }
    await mkdir(this.dir, { recursive: true });
    const staging = path.join(this.dir, `${INCOMING}${randomBytes(4).toString('hex')}`);
    try {
      if (info.isDirectory())
        await cp(from, staging, {
          recursive: true,
          filter: (src) => !path.basename(src).startsWith('.') || src === from,
        });
      else {
        await mkdir(staging);
        for (const f of [from, ...companionsOf(from)]) await cp(f, path.join(staging, path.basename(f)));
      }
      const files = await hashFiles(staging, await filesIn(staging));
      const entry = info.isDirectory() ? '.' : path.basename(from);
      return await this.register(staging, {
        facts,
        files,
        entry,
        storage: 'copy',
        source,
        options,
        base: info.isDirectory() ? from : path.dirname(from),
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /**
   * Registers a downloaded folder (moved into place, not copied): it is checked as an import is,
   * and its files' sha256s are the ones the download verified.
   */
  async addDownloaded(
    folder: string,
    files: readonly InstalledFile[],
    options: Omit<AddOptions, 'sha256From'> & {
      readonly source: ModelSource;
      readonly sha256From: Sha256From;
    },
  ): Promise<InstalledModel> {
    const facts = await this.inspect(folder, this.bundledVocab);
    return this.register(folder, {
      facts,
      files: [...files],
      entry: '.',
      storage: 'copy',
      source: options.source,
      // The download verified every file already; nothing further to compare.
      options: { name: options.name },
      base: folder,
      sha256From: options.sha256From,
    });
  }

  private async register(
    staging: string | null,
    r: {
      facts: ModelFacts;
      files: InstalledFile[];
      entry: string;
      storage: 'copy' | 'link';
      source: ModelSource;
      options: AddOptions;
      /** Where the files' relative paths start, to find the model's own file among them. */
      base: string;
      sha256From?: Sha256From;
    },
  ): Promise<InstalledModel> {
    const modelRel = path.relative(r.base, r.facts.file);
    const modelFile = r.files.find((f) => f.path === modelRel);
    if (!modelFile)
      throw new GroundLabelError('model-invalid', `${r.facts.file} is outside the files being added.`);
    if (r.options.sha256 && r.options.sha256 !== modelFile.sha256)
      throw new GroundLabelError(
        'model-invalid',
        `${r.facts.file} has sha256 ${modelFile.sha256}, not the ${r.options.sha256} expected; nothing was added.`,
      );
    const name = r.options.name?.trim() || r.facts.name;
    const id = await this.freeId(name);
    const folder = path.join(this.dir, id);
    const manifest: Manifest = {
      name,
      flavour: r.facts.flavour,
      inputs: r.facts.inputs.map((i) => ({ ...i, dims: [...i.dims] })),
      bytes: r.files.reduce((n, f) => n + f.bytes, 0),
      source: r.source,
      sha256: modelFile.sha256,
      sha256From: r.sha256From ?? (r.options.sha256 ? (r.options.sha256From ?? 'given') : 'computed'),
      storage: r.storage,
      entry: r.entry,
      files: r.files,
      addedAt: new Date().toISOString(),
    };
    if (staging) await rename(staging, folder);
    else await mkdir(folder, { recursive: true });
    await writeFileAtomic(path.join(folder, MODEL_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    return this.read(id);
  }

  /** Removes a model: its folder (a linked model's files stay where they are). */
  async remove(id: string): Promise<void> {
    await this.get(id);
    await rm(this.folderOf(id), { recursive: true, force: true });
  }
}

async function hashFiles(base: string, rels: readonly string[]): Promise<InstalledFile[]> {
  const out: InstalledFile[] = [];
  for (const rel of rels) {
    const file = path.join(base, rel);
    out.push({ path: rel, bytes: (await stat(file)).size, sha256: await sha256File(file) });
  }
  return out;
}

function brokenModel(id: string, folder: string, problem: string): InstalledModel {
  return {
    id,
    name: id,
    flavour: 'A',
    inputs: [],
    bytes: 0,
    source: { kind: 'disk', path: folder },
    sha256: '',
    sha256From: 'computed',
    storage: 'copy',
    path: folder,
    files: [],
    addedAt: '',
    problem,
  };
}
