import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type {
  DatasetMetaEntry,
  DatasetSnapshot,
  ImageEntry,
  LabelSource,
} from '../../../shared/ipc/contract';
import { IMAGE_STATUSES, type ImageStatus } from '../../../shared/project';
import { useApi } from './api';
import { useProjectStore } from './project';
import { useSaveStore } from './save';

export type StatusFilter = ImageStatus | 'all';
export type EntryPatch = Pick<ImageEntry, 'status' | 'boxes' | 'classIds'>;

const sameIds = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((x, i) => x === b?.[i]);

/** The opened folder: its images with their status, the filter, and which image is current. */
export const useDatasetStore = defineStore('dataset', () => {
  const api = useApi();
  const root = ref<string | null>(null);
  /** The open folder's id: every save names it, and everything cached for another folder is dropped when it changes. */
  const datasetId = ref<string | null>(null);
  // shallowRef: 10,000 entries need no deep reactivity; an entry is replaced, never mutated.
  const images = shallowRef<readonly ImageEntry[]>([]);
  const readOnly = shallowRef<Readonly<Record<string, string>>>({});
  /** Labels another tool left in the folder, found when it was opened with nothing annotated. */
  const labelSources = shallowRef<readonly LabelSource[]>([]);
  const filter = ref<StatusFilter>('all');
  /** Part of a file name to look for (any case); '' shows every name. */
  const query = ref('');
  /** A class id: only images with a box of that class show; '' shows every image. */
  const classFilter = ref('');
  const currentId = ref<string | null>(null);
  const opening = ref(false);
  /** The folder asked for while edits were unsaved: asking again opens it anyway. */
  let unsavedLeft: string | null = null;
  /** Edits of the open folder that failed to save, when opening another one was held back for them. */
  const unsaved = shallowRef<{ readonly count: number; readonly message: string } | null>(null);
  const error = ref<string | null>(null);
  // Built once per folder: patching an entry's status keeps ids, paths and order.
  const indexById = shallowRef<ReadonlyMap<string, number>>(new Map());
  const idByRelPath = shallowRef<ReadonlyMap<string, string>>(new Map());
  const visible = computed(() => {
    const status = filter.value;
    const cls = classFilter.value;
    const q = query.value.trim().toLowerCase();
    if (status === 'all' && !cls && !q) return images.value;
    return images.value.filter(
      (im) =>
        (status === 'all' || im.status === status) &&
        (!cls || !!im.classIds?.includes(cls)) &&
        (!q || im.relPath.toLowerCase().includes(q)),
    );
  });
  /** Whether anything but the status narrows the list. */
  const narrowed = computed(() => filter.value !== 'all' || !!classFilter.value || !!query.value.trim());
  const counts = computed(() => {
    const c = Object.fromEntries(IMAGE_STATUSES.map((s) => [s, 0])) as Record<ImageStatus, number>;
    for (const im of images.value) c[im.status]++;
    return c;
  });
  const current = computed(() => {
    const i = currentId.value === null ? undefined : indexById.value.get(currentId.value);
    return i === undefined ? null : images.value[i];
  });

  function load(snapshot: DatasetSnapshot): void {
    const previousId = datasetId.value;
    if (datasetId.value !== snapshot.datasetId) useSaveStore().forgetFailures();
    datasetId.value = snapshot.datasetId;
    root.value = snapshot.root;
    images.value = snapshot.images;
    indexById.value = new Map(snapshot.images.map((im, i) => [im.id, i]));
    idByRelPath.value = new Map(snapshot.images.map((im) => [im.relPath, im.id]));
    readOnly.value = snapshot.readOnly;
    labelSources.value = snapshot.labelSources ?? [];
    if (datasetId.value !== previousId) {
      query.value = '';
      classFilter.value = '';
    }
    useProjectStore().load(snapshot.meta);
    currentId.value = snapshot.images[0]?.id ?? null;
  }

  /**
   * Opens a folder once every edit of the open one has its reply. Edits that failed to save keep the
   * folder open with the reason; asking for the same folder a second time leaves them behind.
   */
  async function open(path: string): Promise<boolean> {
    opening.value = true;
    error.value = null;
    const save = useSaveStore();
    await save.settled();
    if (save.failures.size > 0 && unsavedLeft !== path) {
      opening.value = false;
      unsavedLeft = path;
      unsaved.value = { count: save.failures.size, message: save.failureMessage };
      return false;
    }
    unsavedLeft = null;
    unsaved.value = null;
    const reply = await api['dataset:open']({ path });
    opening.value = false;
    if (!reply.ok) error.value = reply.error.message;
    else load(reply.value);
    return reply.ok;
  }

  /** Picks up a dataset the backend already has open (browser mode started on a folder, or a reload). */
  async function restore(): Promise<void> {
    const reply = await api['dataset:current']({});
    if (!reply.ok) error.value = reply.error.message;
    else if (reply.value) load(reply.value);
  }

  function select(id: string): void {
    if (indexById.value.has(id)) currentId.value = id;
  }

  /** Previous (-1) or next (+1) image in the filtered list, also when the current one is filtered out. */
  function step(delta: -1 | 1): void {
    const list = visible.value;
    if (!list.length) return;
    const here = currentId.value === null ? -1 : (indexById.value.get(currentId.value) ?? -1);
    const at = (im: ImageEntry) => indexById.value.get(im.id) ?? 0;
    const target = delta > 0 ? list.find((im) => at(im) > here) : list.findLast((im) => at(im) < here);
    if (target) currentId.value = target.id;
  }

  /** The next image with pending suggestions after the current one, wrapping around. */
  function nextWithSuggestions(): boolean {
    const all = images.value;
    const here = currentId.value === null ? -1 : (indexById.value.get(currentId.value) ?? -1);
    for (let k = 1; k <= all.length; k++) {
      const im = all[(here + k) % all.length];
      if (im.status === 'suggested') {
        currentId.value = im.id;
        return true;
      }
    }
    return false;
  }

  function patchEntry(id: string, patch: EntryPatch): void {
    patchEntries([[id, patch]]);
  }

  /** Several entries at once, as one new list: what the list shows is worked out once, not per image. */
  function patchEntries(patches: Iterable<readonly [string, EntryPatch]>): void {
    let next: ImageEntry[] | null = null;
    for (const [id, patch] of patches) {
      const i = indexById.value.get(id);
      if (i === undefined) continue;
      const old = (next ?? images.value)[i];
      // A file that cannot be decoded stays marked so while nothing is labeled on it.
      const status =
        old.unreadable !== undefined && patch.status === 'unlabeled' ? 'unreadable' : patch.status;
      if (old.status === status && old.boxes === patch.boxes && sameIds(old.classIds, patch.classIds))
        continue;
      next ??= images.value.slice();
      next[i] = { ...old, ...patch, status };
    }
    if (next) images.value = next;
  }

  /**
   * The images last found to read after all (the pixel limit was raised): whatever showed them as
   * unreadable (a failed thumbnail, the canvas, the editor) tries them again.
   */
  const readAgain = shallowRef<ReadonlySet<string>>(new Set());

  /** An image that reads after all: no longer marked unreadable. */
  function readable({ unreadable, ...entry }: ImageEntry): ImageEntry {
    if (unreadable === undefined) return entry;
    return entry.status === 'unreadable' ? { ...entry, status: 'unlabeled' } : entry;
  }

  /** Sizes and failures the backend found in the background: one new list per batch, not per image. */
  function mergeMeta(entries: readonly DatasetMetaEntry[]): void {
    let next: ImageEntry[] | null = null;
    const readNow = new Set<string>();
    for (const entry of entries) {
      const i = indexById.value.get(entry.id);
      if (i === undefined) continue;
      const old = (next ?? images.value)[i];
      const patch =
        'error' in entry
          ? old.unreadable === entry.error
            ? null
            : {
                unreadable: entry.error,
                status: old.status === 'unlabeled' ? ('unreadable' as const) : old.status,
              }
          : old.width === entry.width && old.height === entry.height && old.unreadable === undefined
            ? null
            : { width: entry.width, height: entry.height };
      if (!patch) continue;
      next ??= images.value.slice();
      next[i] = 'error' in entry ? { ...old, ...patch } : readable({ ...old, ...patch });
      if (!('error' in entry) && old.unreadable !== undefined) readNow.add(entry.id);
    }
    if (next) images.value = next;
    if (readNow.size) readAgain.value = readNow;
  }
  // Only the open folder's: a batch of a folder closed meanwhile is dropped.
  api.on('dataset:meta', (p) => {
    if (p.root === root.value) mergeMeta(p.entries);
  });
  // A second launch of the desktop app handed it a folder.
  api.on('dataset:open-requested', (p) => void open(p.path));

  return {
    root,
    datasetId,
    images,
    readAgain,
    readOnly,
    labelSources,
    filter,
    query,
    classFilter,
    narrowed,
    currentId,
    opening,
    error,
    unsaved,
    indexById,
    idByRelPath,
    visible,
    counts,
    current,
    open,
    restore,
    select,
    step,
    nextWithSuggestions,
    patchEntry,
    patchEntries,
    mergeMeta,
  };
});
