import { z } from 'zod';
import { promptSchema } from './prompt/schemas';
import { MAX_PRESETS, presetSchema } from './prompt/presets';

/** Where a box came from. Suggestions are the model's and stay pending until a person acts on them. */
export const boxOriginSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('manual') }),
  z.object({ kind: z.literal('accepted'), score: z.number(), phrase: z.string() }),
  z.object({ kind: z.literal('suggestion'), score: z.number(), phrase: z.string(), rawText: z.string() }),
]);
export type BoxOrigin = z.infer<typeof boxOriginSchema>;

/** A box on an image: pixels of the EXIF-oriented image, class by stable id (reordering never breaks it). */
export const boxRecordSchema = z.object({
  id: z.string().min(1),
  classId: z.string().min(1),
  x1: z.number().finite(),
  y1: z.number().finite(),
  x2: z.number().finite(),
  y2: z.number().finite(),
  origin: boxOriginSchema,
  /**
   * A person's flags on an object: hard to recognise (VOC's `difficult`, left out of its
   * evaluation), or partly hidden behind something. Absent means false, as in files written before
   * the flags existed.
   */
  difficult: z.boolean().optional(),
  occluded: z.boolean().optional(),
});
export type BoxRecord = z.infer<typeof boxRecordSchema>;

export interface BoxFlags {
  readonly difficult?: boolean;
  readonly occluded?: boolean;
}

/** The flags that are set, and nothing for those that are not: files stay as they were without them. */
export const flagsOf = (b: BoxFlags): BoxFlags => ({
  ...(b.difficult === true && { difficult: true }),
  ...(b.occluded === true && { occluded: true }),
});

/** What is stored per image. `reviewed` means a person has looked: with no boxes it is a reviewed negative. */
export const imageDocSchema = z.object({
  relPath: z.string().min(1),
  /** Size and content fingerprint of the image file: how a label finds its image after a rename or move. */
  identity: z.object({ size: z.int().nonnegative(), hash: z.string().min(8) }).optional(),
  /**
   * Counts the stored versions of this document: each write makes it one higher. A save names the
   * revision it was based on, so an edit made on an older version is refused instead of overwriting.
   * Absent in files written before revisions existed, which reads as 0.
   */
  revision: z.int().nonnegative().optional(),
  width: z.int().positive(),
  height: z.int().positive(),
  reviewed: z.boolean(),
  boxes: z.array(boxRecordSchema),
  /**
   * The model's last run on this image: its prompt and when. Only a fact, never a decision: with no
   * box and no review it makes the image "nothing found" instead of untouched; a person's edit marks
   * the image reviewed, which wins over it. Absent when the model never ran on the image.
   */
  modelRun: z.object({ prompt: z.string().min(1), at: z.iso.datetime() }).optional(),
});
export type ImageDoc = z.infer<typeof imageDocSchema>;

export const classDefSchema = z.object({
  id: z.string().min(1),
  name: z.string().trim().min(1),
  color: z.string().regex(/^#[0-9a-f]{6}$/i),
});
export type ClassDef = z.infer<typeof classDefSchema>;

/** The longest prompt taken: far above any real one, and short enough that reading it never stalls the app. */
export { MAX_PROMPT_LENGTH, promptSchema } from './prompt/schemas';

/** Project-wide settings: the class list (its order is the export order), phrase → class map, prompts used. */
export const projectMetaSchema = z.object({
  /** Counts the stored versions of the project file, as ImageDoc.revision does for a label file. */
  revision: z.int().nonnegative().optional(),
  classes: z.array(classDefSchema),
  phraseClasses: z.record(z.string(), z.string()),
  /**
   * The class name a phrase's class gets when it is made, where that is not the phrase itself (a
   * built-in class list writes "dining table" for COCO's class of that name, "baseball bat" for
   * LVIS's "baseball_bat"). A class is made only when its phrase first finds something.
   */
  phraseNames: z.record(z.string(), z.string().trim().min(1)).optional(),
  promptHistory: z.array(promptSchema).max(50),
  /** A person's presets kept with this project (those for every project are kept by the app). */
  presets: z.array(presetSchema).max(MAX_PRESETS).optional(),
});
export type ProjectMeta = z.infer<typeof projectMetaSchema>;

export const IMAGE_STATUSES = [
  'unlabeled',
  'unreadable',
  'nothing-found',
  'suggested',
  'reviewed',
  'negative',
] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];

export type ModelRun = NonNullable<ImageDoc['modelRun']>;

/**
 * The status shown in the image list, derived so it can never disagree with the boxes. "Nothing
 * found": the model ran and left no suggestion, and no person has decided anything yet.
 * "Unreadable": the file cannot be decoded and nothing was ever labeled on it, so it is not work
 * waiting to be done; labels made on it keep their own status.
 */
export function imageStatus(
  doc: (Pick<ImageDoc, 'reviewed' | 'boxes'> & Partial<Pick<ImageDoc, 'modelRun'>>) | undefined,
  unreadable = false,
): ImageStatus {
  const status = labelStatus(doc);
  return unreadable && status === 'unlabeled' ? 'unreadable' : status;
}

function labelStatus(
  doc: (Pick<ImageDoc, 'reviewed' | 'boxes'> & Partial<Pick<ImageDoc, 'modelRun'>>) | undefined,
): Exclude<ImageStatus, 'unreadable'> {
  if (!doc) return 'unlabeled';
  if (doc.boxes.some((b) => b.origin.kind === 'suggestion')) return 'suggested';
  if (doc.reviewed) return doc.boxes.length > 0 ? 'reviewed' : 'negative';
  if (doc.boxes.length > 0) return 'reviewed';
  return doc.modelRun ? 'nothing-found' : 'unlabeled';
}

/** The classes an image's boxes belong to, each once, in the order they first appear. */
export const classesOf = (doc: Pick<ImageDoc, 'boxes'> | undefined): string[] =>
  doc ? [...new Set(doc.boxes.map((b) => b.classId))] : [];

export const emptyProjectMeta = (): ProjectMeta => ({ classes: [], phraseClasses: {}, promptHistory: [] });
