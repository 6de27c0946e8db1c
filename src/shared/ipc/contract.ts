import type { PhraseCollision } from '../prompt/collisions';
import { z } from 'zod';
import type { Detection } from '../detection';
import {
  DEVICES,
  type Device,
  type DeviceList,
  type DeviceTestResult,
  type ProviderFailure,
} from '../devices';
import type { ErrorCode, ErrorInfo } from '../errors';
import {
  imageDocSchema,
  projectMetaSchema,
  promptSchema,
  type ImageDoc,
  type ImageStatus,
  type ProjectMeta,
} from '../project';
import type { ExportSummary } from '../export-plan';
import { IMPORT_FORMATS, type ImportFormat } from '../formats/import/types';
import type { DatasetStats } from '../stats';
import { IMPORT_MODES, type ImportApplied, type ImportPreview } from './import-replies';
import type { BatchStatus, DatasetStepUndone } from './job-replies';
import { modelChannels, type ModelEvents } from './model-channels';
import type { PixelLimit } from './settings-replies';
import type { CompareReport } from '../compare';
import { compareRequestSchema, recSchema, thresholdsSchema } from './prompt-requests';
import type { MenuAction } from './menu-actions';

export * from './import-replies';
export * from './job-replies';
export * from './model-channels';
export * from './settings-replies';

/**
 * The one contract between the renderer and the services: every channel's request schema (checked
 * at the boundary) and reply type, and the events pushed to the renderer. Electron's IPC binding,
 * the preload, the HTTP server of browser mode and the renderer's transports are all built from it.
 */

const reply = <T>() => undefined as unknown as T;

export interface AppInfo {
  readonly version: string;
  readonly mode: 'electron' | 'browser';
  readonly platform: string;
}

export interface ModelStatus {
  readonly loaded: boolean;
  readonly name?: string;
  readonly file?: string;
  /** What the loaded model was opened from (a folder or an .onnx file): what adding it to the models folder takes. */
  readonly openedFrom?: string;
  readonly flavour?: 'A' | 'B';
  /** The provider running the model, and why it is not the GPU when it fell back. */
  readonly provider?: string;
  readonly fallback?: string;
  /** The device the model was opened for (`auto`, or one by name). */
  readonly requested?: Device;
  /** Each provider `auto` passed over on the way to `provider`, with why and what to do. */
  readonly fallbacks?: readonly ProviderFailure[];
  /** Why the model runs on the main thread instead of its own (the window may pause while it runs). */
  readonly threadFallback?: string;
  readonly maxTokens: number;
  readonly defaults: { readonly box: number; readonly text: number; readonly nmsIou: number | null };
  /** Where model files go, shown when no model is loaded. */
  readonly modelsDir: string;
  /** Models found in the models folder, for a picker. */
  readonly available: readonly string[];
  /** The model opened last, being opened again in the background at start. */
  readonly restoring?: string;
  /** Why the model opened last could not be opened again at start. */
  readonly restoreError?: string;
}

export interface ImageEntry {
  /** Opaque id: the image scheme and the HTTP server take ids, never paths. */
  readonly id: string;
  readonly relPath: string;
  readonly status: ImageStatus;
  readonly boxes: number;
  /** The classes of its boxes (suggestions included), each once: the list's class filter reads them. */
  readonly classIds?: readonly string[];
  /** Oriented size, when known: from the stored document, or read from the header in the background. */
  readonly width?: number;
  readonly height?: number;
  /** Why the image could not be read, when the background pass found out. */
  readonly unreadable?: string;
}

/** What the background pass learned about one image: its oriented size, or why it cannot be read. */
export type DatasetMetaEntry =
  | { readonly id: string; readonly width: number; readonly height: number }
  /** `code` tells a file that cannot be decoded (image-unreadable) from one over the pixel limit. */
  | { readonly id: string; readonly error: string; readonly code?: ErrorCode };

export interface DatasetSnapshot {
  /** Names the folder in every save, so an edit can never land in another dataset. */
  readonly datasetId: string;
  readonly root: string;
  readonly images: readonly ImageEntry[];
  readonly meta: ProjectMeta;
  /** Images whose label file could not be read: shown read-only with the reason, never overwritten. */
  readonly readOnly: Readonly<Record<string, string>>;
  /** Label files found in the folder that the importers read; offered only while nothing is annotated. */
  readonly labelSources?: readonly LabelSource[];
}

/** A manifest with its label files (`data.yaml + 120`), a COCO file and its size, or files beside the images. */
export type LabelEvidence =
  | { readonly kind: 'manifest'; readonly file: string; readonly files: number }
  | { readonly kind: 'json'; readonly file: string; readonly bytes: number }
  | { readonly kind: 'beside'; readonly files: number };

/** Labels another tool left in the dataset folder (CVAT, Label Studio, X-AnyLabeling exports). */
export interface LabelSource {
  readonly format: ImportFormat;
  /** Relative to the dataset folder, as import:preview takes it ('.' for the folder itself). */
  readonly path: string;
  /** What gave it away, for people (the renderer words it in their language). */
  readonly evidence: LabelEvidence;
}

export interface ImageDetail {
  readonly id: string;
  /** The stored document (or an empty one) with its revision and the fingerprint of the file as it is now. */
  readonly doc: ImageDoc;
  readonly readOnlyReason?: string;
}

export interface PromptAnalysis {
  readonly phrases: readonly string[];
  readonly tokens: number;
  readonly maxTokens: number;
  /** Passes the prompt will take (more than one when it is over the limit). */
  readonly passes: number;
  readonly repeated: readonly string[];
  /** Pairs of phrases that overlap in meaning; running them together hides one of them. */
  readonly overlapping: readonly (readonly [string, string])[];
}

export interface InferResult {
  readonly relPath: string;
  readonly detections?: readonly Detection[];
  /** Phrase pairs that claimed one object and were suppressed across phrases (thresholds.crossIou on). */
  readonly collisions?: readonly PhraseCollision[];
  readonly error?: ErrorInfo;
}

export type SaveState = 'saving' | 'saved' | 'failed';

const exportRequestSchema = z.object({
  format: z.enum(['coco', 'yolo', 'voc']),
  /** Class ids to export, in project order; boxes of other classes are left out. */
  classIds: z.array(z.string()).optional(),
  valFraction: z.number().min(0).max(1).default(0),
  seed: z.string().default('groundlabel'),
});

export type { ExportSummary };

const importRequestSchema = z.object({
  format: z.enum(IMPORT_FORMATS),
  /**
   * COCO: the JSON file. YOLO: the dataset folder or its data.yaml. VOC: a folder or one XML file.
   * LabelMe: a folder of JSON files (usually the dataset folder) or one. Relative paths start at the dataset folder.
   */
  path: z.string().trim().min(1),
});

const batchStartSchema = z.object({
  /** Image ids to run on, in order; the whole dataset when absent. */
  ids: z.array(z.string().min(1)).min(1).optional(),
  prompt: promptSchema.min(1),
  thresholds: thresholdsSchema,
  perPhrase: z.boolean().default(false),
  rec: recSchema.optional(),
  /** Leave out images a person has already reviewed. */
  skipReviewed: z.boolean().default(false),
});

export type { CompareReport };

export const channels = {
  'app:info': { request: z.object({}), reply: reply<AppInfo>() },
  'model:status': { request: z.object({}), reply: reply<ModelStatus>() },
  'model:open': { request: z.object({ path: z.string().min(1) }), reply: reply<ModelStatus>() },
  /** The devices this machine offers for models, whether each can load here, and the one chosen. */
  'device:list': { request: z.object({}), reply: reply<DeviceList>() },
  /** The largest image opened, in pixels; with `maxPixels`, set it (and remember it) first. */
  'settings:pixel-limit': {
    request: z.object({ maxPixels: z.number().int().min(1_000_000).max(2_000_000_000).optional() }),
    reply: reply<PixelLimit>(),
  },
  /**
   * Opens the loaded model on a device and runs one image through it twice (the image named, or a
   * built-in one): the times, or why the device cannot run it. The loaded model stays as it is.
   */
  'device:test': {
    request: z.object({ device: z.enum(DEVICES), imageId: z.string().min(1).optional() }),
    reply: reply<DeviceTestResult>(),
  },
  /** Remembers the device models open on, and opens the loaded model again there. */
  'device:choose': { request: z.object({ device: z.enum(DEVICES) }), reply: reply<ModelStatus>() },
  'dataset:open': { request: z.object({ path: z.string().min(1) }), reply: reply<DatasetSnapshot>() },
  'dataset:current': { request: z.object({}), reply: reply<DatasetSnapshot | null>() },
  'image:get': { request: z.object({ id: z.string().min(1) }), reply: reply<ImageDetail>() },
  /**
   * Stores one image's document; acknowledged once it is in the journal. It names the dataset, the
   * revision it was made on, and (in the document) the image's size and file fingerprint: a save for
   * another folder, another file or an older revision is refused (dataset-mismatch, edit-conflict).
   */
  'image:save': {
    request: z.object({
      datasetId: z.string().min(1),
      id: z.string().min(1),
      baseRevision: z.int().nonnegative(),
      doc: imageDocSchema.required({ identity: true }),
    }),
    reply: reply<{ readonly status: ImageStatus; readonly revision: number }>(),
  },
  /** Stores the project file; `revision` is the one it was read at, and a save on an older one is refused (edit-conflict). */
  'project:save': { request: projectMetaSchema, reply: reply<ProjectMeta>() },
  /** Phrases, tokens and passes of a prompt, and what the lint says; `rec` reads it as referring expressions. */
  'prompt:analyse': {
    request: z.object({ prompt: promptSchema, rec: z.boolean().default(false) }),
    reply: reply<PromptAnalysis>(),
  },
  'infer:run': {
    request: z.object({
      ids: z.array(z.string().min(1)).min(1),
      prompt: promptSchema.min(1),
      thresholds: thresholdsSchema,
      perPhrase: z.boolean().default(false),
      rec: recSchema.optional(),
    }),
    reply: reply<readonly InferResult[]>(),
  },
  /** Runs a prompt over images in the backend; results land as pending suggestions in the store. One at a time. */
  'batch:start': { request: batchStartSchema, reply: reply<{ readonly jobId: string }>() },
  /** Stops the running batch once the images already handed to the model are done; the job stays resumable. */
  'batch:cancel': { request: z.object({}), reply: reply<BatchStatus | null>() },
  'batch:status': { request: z.object({}), reply: reply<BatchStatus | null>() },
  /** Goes on with the images a stopped (cancelled or interrupted) batch did not reach. */
  'batch:resume': { request: z.object({}), reply: reply<{ readonly jobId: string }>() },
  /**
   * Runs 2–4 prompt variants on a sample of images (or the ones named) and counts their boxes per
   * class, with progress in compare:progress; the project is left untouched. One at a time.
   */
  'compare:run': { request: compareRequestSchema, reply: reply<CompareReport>() },
  /** Stops the running comparison after the images on the model; its reply covers the images done. */
  'compare:cancel': { request: z.object({}), reply: reply<{ readonly cancelled: boolean }>() },
  /** Accepts pending suggestions scoring at least minScore (of the given classes, or all) across the dataset. */
  'suggestions:accept': {
    request: z.object({
      minScore: z.number().min(0).max(1),
      classIds: z.array(z.string().min(1)).optional(),
    }),
    reply: reply<{
      readonly token: string;
      readonly accepted: number;
      readonly images: number;
      readonly entries: readonly ImageEntry[];
    }>(),
  },
  /** Puts back the documents a suggestions:accept changed, unless an image was edited since. */
  'suggestions:accept-undo': {
    request: z.object({ token: z.string().min(1) }),
    reply: reply<DatasetStepUndone>(),
  },
  /** Marks every image where the model found nothing (and no one decided since) as a reviewed negative. */
  'nothing-found:mark-negative': {
    request: z.object({}),
    reply: reply<{
      readonly token: string;
      readonly images: number;
      readonly entries: readonly ImageEntry[];
    }>(),
  },
  /** Puts back the images a nothing-found:mark-negative changed, unless one was edited since. */
  'nothing-found:mark-negative-undo': {
    request: z.object({ token: z.string().min(1) }),
    reply: reply<DatasetStepUndone>(),
  },
  /** What the open dataset holds now: images per state, boxes per class, box sizes. */
  'dataset:stats': { request: z.object({}), reply: reply<DatasetStats>() },
  'export:preview': { request: exportRequestSchema, reply: reply<ExportSummary>() },
  'export:run': {
    request: exportRequestSchema,
    reply: reply<{ readonly outDir: string; readonly summary: ExportSummary }>(),
  },
  /** Reads labels in a format and counts what importing them into the open dataset would do; writes nothing. */
  'import:preview': { request: importRequestSchema, reply: reply<ImportPreview>() },
  /** Imports labels; images that already have annotations are merged, replaced or skipped as asked. */
  'import:apply': {
    request: importRequestSchema.extend({ mode: z.enum(IMPORT_MODES) }),
    reply: reply<ImportApplied>(),
  },
  ...modelChannels,
} as const;

export type Channel = keyof typeof channels;
export type Request<C extends Channel> = z.input<(typeof channels)[C]['request']>;
export type ParsedRequest<C extends Channel> = z.output<(typeof channels)[C]['request']>;
export type Reply<C extends Channel> = (typeof channels)[C]['reply'];

export type Result<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorInfo };

/** Events pushed from the services to the renderer. */
export interface Events extends ModelEvents {
  'save:status': { readonly state: SaveState; readonly message?: string };
  'infer:progress': { readonly done: number; readonly total: number; readonly result: InferResult };
  'export:progress': { readonly done: number; readonly total: number };
  /** Sizes and failures of the open dataset's images, found in the background, in batches. */
  'dataset:meta': { readonly root: string; readonly entries: readonly DatasetMetaEntry[] };
  /**
   * Desktop app: a second launch handed this one a folder. The page opens it as if picked, so edits
   * on their way are saved (or their failure shown) before the folder changes.
   */
  'dataset:open-requested': { readonly path: string };
  /** Desktop app: a menu item for the page to run, as its own shortcut or button would. */
  'menu:action': { readonly action: MenuAction };
  'batch:progress': {
    readonly jobId: string;
    readonly done: number;
    readonly total: number;
    /** Images per second in this run. */
    readonly rate: number;
    readonly etaSeconds: number | null;
    readonly relPath: string;
  };
  /** One image of a batch is finished (its suggestions are in the store, or it failed or was skipped). */
  'batch:image': {
    readonly jobId: string;
    readonly id: string;
    readonly relPath: string;
    readonly status: ImageStatus;
    readonly boxes: number;
    readonly classIds: readonly string[];
    readonly outcome: 'labeled' | 'failed' | 'skipped';
  };
  /** Images a comparison of prompts has run every variant on. */
  'compare:progress': { readonly done: number; readonly total: number };
  /** The batch stopped: done, cancelled, or cut short by an error (then `error` says why). */
  'batch:finished': { readonly status: BatchStatus; readonly error?: ErrorInfo };
}
export type EventName = keyof Events;

/** What the renderer calls: one async function per channel, plus event subscription and image URLs. */
export type Api = { readonly [C in Channel]: (request: Request<C>) => Promise<Result<Reply<C>>> } & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  imageUrl(id: string): string;
  /** A small oriented preview of the image for the list, made in the background and cached. */
  thumbUrl(id: string): string;
  /** The system's folder picker; only the desktop app has one (browser mode types a path). */
  pickFolder?: () => Promise<string | null>;
  /** The system's picker for a model: an .onnx file, or a folder holding one (desktop app only). */
  pickModel?: (kind: 'file' | 'folder') => Promise<string | null>;
  /**
   * A folder dropped onto the window, made openable as if picked: its path, or null when what was
   * dropped is not a folder. Only the desktop app knows where a dropped item lives.
   */
  openDropped?: (item: File) => Promise<string | null>;
};

export const CHANNELS = Object.keys(channels) as Channel[];

/** Desktop-only IPC channels behind Api.pickFolder and Api.openDropped. */
export const PICK_FOLDER = 'dialog:pick-folder';
export const OPEN_DROPPED = 'dialog:open-dropped';

/** Handlers the services provide, one per channel; they throw GroundLabelError and the binding wraps it. */
export type Handlers = { readonly [C in Channel]: (request: ParsedRequest<C>) => Promise<Reply<C>> };
