import { boxHeight, boxWidth } from './geometry';
import { IMAGE_STATUSES, imageStatus, type ImageDoc, type ImageStatus, type ProjectMeta } from './project';

/**
 * Upper edges of the box-size histogram: √(box area / image area), so 0.1 is a box of 1 % of the
 * image. The square root reads as "the box's side relative to the image's", which people judge
 * better than areas spanning four orders of magnitude.
 */
export const SIZE_BINS = [0.05, 0.1, 0.2, 0.4, 0.7, 1] as const;

/** Each bin of SIZE_BINS as a range: `from` is the previous edge (0 for the first bin). */
export const sizeBinRanges = (): { readonly from: number; readonly to: number }[] =>
  SIZE_BINS.map((to, i) => ({ from: i === 0 ? 0 : SIZE_BINS[i - 1], to }));

export interface ClassStats {
  readonly classId: string;
  readonly name: string;
  readonly color: string;
  /** Confirmed boxes: accepted suggestions and boxes drawn by hand. */
  readonly boxes: number;
  /** Suggestions still waiting for a person. */
  readonly pending: number;
}

export interface DatasetStats {
  readonly images: Readonly<Record<ImageStatus, number>>;
  /** Classes holding at least one box or suggestion, in class order. */
  readonly boxesPerClass: readonly ClassStats[];
  /** Boxes (all origins) per SIZE_BINS bin. */
  readonly sizes: readonly number[];
}

/**
 * What a dataset holds now: images per state, boxes and pending suggestions per class, box sizes.
 * The app's statistics view and the command line's batch report both print what this returns.
 * Boxes of a class no longer in the project count in the sizes but not per class.
 */
export function datasetStats(
  relPaths: readonly string[],
  get: (relPath: string) => ImageDoc | undefined,
  meta: ProjectMeta,
  unreadable: (relPath: string) => boolean = () => false,
): DatasetStats {
  const images = Object.fromEntries(IMAGE_STATUSES.map((s) => [s, 0])) as Record<ImageStatus, number>;
  const confirmed = new Map<string, number>();
  const pending = new Map<string, number>();
  const sizes = SIZE_BINS.map(() => 0);
  for (const relPath of relPaths) {
    const doc = get(relPath);
    images[imageStatus(doc, unreadable(relPath))]++;
    if (!doc) continue;
    for (const b of doc.boxes) {
      const into = b.origin.kind === 'suggestion' ? pending : confirmed;
      into.set(b.classId, (into.get(b.classId) ?? 0) + 1);
      const rel = Math.sqrt(
        (Math.max(0, boxWidth(b)) * Math.max(0, boxHeight(b))) / (doc.width * doc.height),
      );
      const bin = SIZE_BINS.findIndex((edge) => rel <= edge);
      sizes[bin < 0 ? sizes.length - 1 : bin]++;
    }
  }
  const boxesPerClass = meta.classes
    .map((c) => ({
      classId: c.id,
      name: c.name,
      color: c.color,
      boxes: confirmed.get(c.id) ?? 0,
      pending: pending.get(c.id) ?? 0,
    }))
    .filter((c) => c.boxes || c.pending);
  return { images, boxesPerClass, sizes };
}
