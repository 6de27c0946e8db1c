import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ERROR_CODES, GroundLabelError, messageOf } from '../../shared/errors';
import { parseJsonText } from '../../shared/json-text';
import { appRoot } from '../paths';

/** The file that says what a shard ran and covered; written last, so its presence means the shard finished. */
export const MANIFEST_FILE = 'groundlabel-shard.json';

/** One JSON line per image the shard looked at: its size and every detection, or why it failed. */
export const RESULTS_FILE = 'results.jsonl';

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/);

/** What a shard ran: every setting that changes which boxes come out. Shards of one run agree on all of it. */
const runSettingsSchema = z.object({
  prompt: z.string().min(1),
  /** The prompt's phrases, lower-cased, in order; classOfPhrase[i] is the class of phrases[i]. */
  phrases: z.array(z.string()),
  classes: z.array(z.string()),
  classOfPhrase: z.array(z.int().nonnegative()),
  thresholds: z.object({
    box: z.number(),
    text: z.number(),
    nmsIou: z.number().nullable(),
    crossIou: z.number().nullable().optional(),
  }),
  perPhrase: z.boolean(),
  /** Referring expressions (one per line of the prompt) with the boxes each yields; absent for phrases. */
  rec: z.object({ topK: z.int().positive() }).optional(),
  /** How images are sized for the model, in words ("400×600 (H×W, stretched)"). */
  inputSize: z.string(),
  model: z.object({
    name: z.string(),
    /** The model file's name (the path differs between machines). */
    file: z.string(),
    sha256: sha256Schema,
    flavour: z.string(),
  }),
});
export type RunSettings = z.infer<typeof runSettingsSchema>;

export const shardManifestSchema = runSettingsSchema.extend({
  kind: z.literal('groundlabel-shard'),
  version: z.literal(1),
  /** "groundlabel 0.1.0": the software that wrote it. */
  software: z.string(),
  shard: z.object({
    index: z.int().nonnegative(),
    count: z.int().positive(),
    /** The rule that split the images (see ASSIGNMENT). */
    assignment: z.string(),
  }),
  /** The device the model ran on; shards may differ here. */
  device: z.string(),
  host: z.string(),
  images: z.object({
    /** The --images folder as this shard saw it; merge links YOLO images from it. */
    root: z.string(),
    count: z.int().nonnegative(),
    /** Every image of the shard, relative to root, in the order labeled. */
    list: z.array(z.string()),
  }),
  failures: z.array(z.object({ relPath: z.string(), code: z.enum(ERROR_CODES), message: z.string() })),
  /** Phrase pairs suppressed across phrases (--cross-iou) over the shard's images; absent when none. */
  collisions: z
    .array(z.object({ kept: z.string(), dropped: z.string(), count: z.int().positive() }))
    .optional(),
  results: z.object({ file: z.literal(RESULTS_FILE), sha256: sha256Schema }),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
});
export type ShardManifest = z.infer<typeof shardManifestSchema>;

const boxSchema = z.object({ x1: z.number(), y1: z.number(), x2: z.number(), y2: z.number() });
const detectionSchema = z.object({
  box: boxSchema,
  score: z.number(),
  phrase: z.string(),
  phraseIndex: z.int().nonnegative(),
  rawText: z.string(),
});

/** A line of results.jsonl. Numbers go through JSON unchanged (shortest round-trip form), so merging is exact. */
export const resultLineSchema = z.discriminatedUnion('ok', [
  z.object({
    relPath: z.string().min(1),
    ok: z.literal(true),
    width: z.int().positive(),
    height: z.int().positive(),
    detections: z.array(detectionSchema),
  }),
  z.object({
    relPath: z.string().min(1),
    ok: z.literal(false),
    error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }),
  }),
]);
export type ResultLine = z.infer<typeof resultLineSchema>;

let version: string | undefined;

/** "groundlabel 0.1.0", from the package the code runs from. */
export function softwareVersion(): string {
  version ??= (JSON.parse(readFileSync(path.join(appRoot(), 'package.json'), 'utf8')) as { version: string })
    .version;
  return `groundlabel ${version}`;
}

/** The first problem zod found, as "field.path: what", for a message. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`;
}

/**
 * The manifest of the shard folder `dir`, or null when it has none (a shard that never finished
 * leaves no manifest). A manifest that is not one of ours is an error naming the file.
 */
export async function readShardManifest(dir: string): Promise<ShardManifest | null> {
  const file = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR')
      return null;
    throw new GroundLabelError('io-failed', `Could not read ${file}: ${messageOf(e)}`, { cause: e });
  }
  let json: unknown;
  try {
    json = parseJsonText(text, file);
  } catch (e) {
    throw new GroundLabelError('label-file-invalid', messageOf(e), { cause: e });
  }
  const parsed = shardManifestSchema.safeParse(json);
  if (!parsed.success)
    throw new GroundLabelError(
      'label-file-invalid',
      `${file} is not a GroundLabel shard manifest (${firstIssue(parsed.error)})`,
    );
  return parsed.data;
}
