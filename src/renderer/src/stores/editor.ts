import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { Box } from '../../../shared/geometry';
import { classesOf, imageStatus, type BoxFlags, type BoxRecord } from '../../../shared/project';
import * as commands from '../editor/commands';
import { newId } from '../editor/ids';
import { evictOldest, touch } from '../editor/recent';
import { EditorSession } from '../editor/session';
import { fromImageDoc, toImageDoc, type Command, type DocState } from '../editor/types';
import { useApi } from './api';
import { useClassesStore } from './classes';
import { useDatasetStore } from './dataset';
import { useProjectStore } from './project';
import { isRefusal, useSaveStore, type SaveTarget } from './save';

export type Tool = 'select' | 'draw';

/** What copying the previous image's boxes did: how many landed, or why none could. */
export type CopyOutcome =
  | { readonly kind: 'copied'; readonly from: string; readonly n: number }
  | { readonly kind: 'none'; readonly from: string }
  | { readonly kind: 'first' };

/**
 * Images whose editing session (document and undo history) is kept after moving on, most recent
 * first; older ones are read again from the backend, so paging through a large folder keeps memory flat.
 */
export const KEPT_SESSIONS = 200;

/**
 * The current image's document, its history, the selection and the tool. Every change is a command on
 * an EditorSession (one per image, kept for the KEPT_SESSIONS images visited last, so undo survives
 * going back to a recent image), and every change is saved whole with image:save. Selection is plain
 * state: never in history.
 */
export const useEditorStore = defineStore('editor', () => {
  const api = useApi();
  const dataset = useDatasetStore();
  const project = useProjectStore();
  const save = useSaveStore();

  const imageId = ref<string | null>(null);
  const doc = shallowRef<DocState | null>(null);
  const readOnlyReason = ref<string | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const selection = shallowRef<ReadonlySet<string>>(new Set());
  const tool = ref<Tool>('select');
  const activeClassId = ref<string | null>(null);
  /** A box's geometry while it is dragged; the drag lands as one command when it ends. */
  const preview = shallowRef<{ readonly id: string; readonly box: Box } | null>(null);
  // Sessions are plain objects outside reactivity; this counter tells getters their history moved.
  const historyVersion = ref(0);
  const sessions = new Map<string, EditorSession>();
  const loads = new Map<string, Promise<EditorSession | null>>();
  const readOnlyReasons = new Map<string, string>();
  const loadErrors = new Map<string, string>();
  /** Where each loaded image saves to: its dataset, file fingerprint and stored revision. */
  const targets = new Map<string, SaveTarget>();
  /** Why the image was read again (another tab or process saved it first); shown until the next image. */
  const notice = ref<string | null>(null);
  /** What the last copy from the previous image did, for the status bar; cleared on the next image. */
  const copied = shallowRef<CopyOutcome | null>(null);
  /** Bumped when another folder opens, so loads still on their way for the last one are dropped. */
  let epoch = 0;

  const session = computed(() => {
    void historyVersion.value;
    return imageId.value === null ? null : (sessions.get(imageId.value) ?? null);
  });
  // An edit leaves `session` the same object, so these read historyVersion themselves to follow it.
  const canUndo = computed(
    () => historyVersion.value >= 0 && !readOnlyReason.value && !!session.value?.history.canUndo,
  );
  const canRedo = computed(
    () => historyVersion.value >= 0 && !readOnlyReason.value && !!session.value?.history.canRedo,
  );
  const editable = computed(() => !!doc.value && !readOnlyReason.value);
  const boxes = computed<readonly BoxRecord[]>(() => (doc.value ? [...doc.value.boxes.values()] : []));
  const selectedBoxes = computed(() => boxes.value.filter((b) => selection.value.has(b.id)));
  const suggestionCount = computed(() => boxes.value.filter((b) => b.origin.kind === 'suggestion').length);
  const activeClass = computed(
    () => (activeClassId.value && project.classById.get(activeClassId.value)) || project.classes[0] || null,
  );

  function loadSession(id: string): Promise<EditorSession | null> {
    const cached = sessions.get(id);
    if (cached) return Promise.resolve(cached);
    let pending = loads.get(id);
    if (!pending) {
      const started = epoch;
      const datasetId = dataset.datasetId;
      pending = api['image:get']({ id }).then((reply) => {
        if (started !== epoch) return null;
        loads.delete(id);
        if (!reply.ok) {
          loadErrors.set(id, reply.error.message);
          return null;
        }
        loadErrors.delete(id);
        const { doc: stored } = reply.value;
        const s = new EditorSession(fromImageDoc(stored));
        sessions.set(id, s);
        if (datasetId && stored.identity)
          targets.set(id, { datasetId, identity: stored.identity, revision: stored.revision ?? 0 });
        if (reply.value.readOnlyReason) readOnlyReasons.set(id, reply.value.readOnlyReason);
        forgetOldSessions();
        return s;
      });
      loads.set(id, pending);
    }
    return pending;
  }
  /** The current image and any whose save has not landed keep their session: it holds their newest state. */
  function forgetOldSessions(): void {
    const pinned = (id: string) => id === imageId.value || save.holdsImage(id);
    for (const id of evictOldest(sessions, KEPT_SESSIONS, pinned)) {
      readOnlyReasons.delete(id);
      targets.delete(id);
    }
  }

  /** Another folder is open: nothing of the last one (sessions, history, pending loads) may show or save here. */
  function forgetDataset(): void {
    epoch++;
    sessions.clear();
    loads.clear();
    readOnlyReasons.clear();
    loadErrors.clear();
    targets.clear();
    notice.value = null;
    activeClassId.value = null;
    historyVersion.value++;
  }
  const reasonFor = (id: string) => readOnlyReasons.get(id) ?? dataset.readOnly[id] ?? null;

  async function open(id: string | null): Promise<void> {
    if (id !== imageId.value) {
      notice.value = null;
      copied.value = null;
    }
    imageId.value = id;
    selection.value = new Set();
    preview.value = null;
    error.value = null;
    // Never show one image's boxes over the next one while it loads.
    doc.value = id === null ? null : (sessions.get(id)?.doc ?? null);
    readOnlyReason.value = id === null ? null : reasonFor(id);
    if (id === null) return;
    touch(sessions, id);
    loading.value = !sessions.has(id);
    const s = await loadSession(id);
    if (imageId.value !== id) return;
    loading.value = false;
    doc.value = s?.doc ?? null;
    readOnlyReason.value = reasonFor(id);
    error.value = s ? null : (loadErrors.get(id) ?? null);
    historyVersion.value++;
  }

  /** Publishes a session's new state: to the view when it is the current image, and to disk always. */
  function changed(id: string, s: EditorSession): void {
    if (id === imageId.value) {
      doc.value = s.doc;
      const kept = [...selection.value].filter((b) => s.doc.boxes.has(b));
      if (kept.length !== selection.value.size) selection.value = new Set(kept);
      historyVersion.value++;
    }
    const saved = toImageDoc(s.doc);
    const target = targets.get(id);
    dataset.patchEntry(id, {
      status: imageStatus(saved),
      boxes: saved.boxes.length,
      classIds: classesOf(saved),
    });
    if (!target) return;
    void save.saveImage(id, saved, target).then((reply) => {
      if (!reply.ok && isRefusal(reply)) readAgain(id, reply.error.message);
    });
  }

  /**
   * The backend refused an edit (someone saved this image first, or its file changed): the stored
   * version is read again, and the person is told the last edit was not kept.
   */
  function readAgain(id: string, message: string): void {
    if (!targets.has(id)) return;
    reload([id]);
    if (id === imageId.value) notice.value = message;
  }

  /** Runs a command on the current image as one undo step. */
  function run(command: Command): boolean {
    const id = imageId.value;
    const s = id === null ? undefined : sessions.get(id);
    if (!s || id === null || readOnlyReason.value || !s.run(command)) return false;
    changed(id, s);
    return true;
  }

  /**
   * Runs a command on any image, loading it first; used for model results and class changes.
   * Resolves to why it could not (unreadable or read-only image), or null.
   */
  async function runOn(id: string, command: Command, undoable = true): Promise<string | null> {
    const s = await loadSession(id);
    const problem = s ? reasonFor(id) : (loadErrors.get(id) ?? id);
    if (!s || problem) return problem;
    if (undoable ? s.run(command) : s.rewrite(command)) changed(id, s);
    return null;
  }

  /**
   * A backend batch wrote new suggestions for this image. An image already loaded here takes them
   * as one undoable step (its accepted and drawn boxes stay, like any model run); one not loaded
   * yet reads them when it opens.
   */
  async function takeBackendSuggestions(id: string): Promise<void> {
    await loads.get(id);
    if (!sessions.has(id) || reasonFor(id)) return;
    const reply = await api['image:get']({ id });
    const s = sessions.get(id);
    const target = targets.get(id);
    if (!reply.ok || !s || !target) return;
    // The batch's write is the stored version now; what this page does next builds on it.
    target.revision = reply.value.doc.revision ?? target.revision;
    const incoming = reply.value.doc.boxes.filter((b) => b.origin.kind === 'suggestion');
    const here = [...s.doc.boxes.values()].filter((b) => b.origin.kind === 'suggestion');
    const sameRun = reply.value.doc.modelRun?.at === s.doc.modelRun?.at;
    if (sameRun && incoming.length === here.length && incoming.every((b, i) => b.id === here[i].id)) return;
    // The run comes too: an image where the batch found nothing shows as such, not as untouched.
    if (s.run(commands.replaceSuggestions(incoming, reply.value.doc.modelRun))) changed(id, s);
  }

  /** Images the backend changed as a whole (accept across the dataset, its undo) load again, without their history. */
  function reload(ids: Iterable<string>): void {
    const stale = new Set(ids);
    for (const id of stale) {
      sessions.delete(id);
      loads.delete(id);
      loadErrors.delete(id);
      targets.delete(id);
    }
    historyVersion.value++;
    if (imageId.value !== null && stale.has(imageId.value)) void open(imageId.value);
  }

  function undo(): void {
    const id = imageId.value;
    const s = id === null ? undefined : sessions.get(id);
    if (s && id !== null && !readOnlyReason.value && s.undo()) changed(id, s);
  }

  function redo(): void {
    const id = imageId.value;
    const s = id === null ? undefined : sessions.get(id);
    if (s && id !== null && !readOnlyReason.value && s.redo()) changed(id, s);
  }

  function select(ids: Iterable<string>): void {
    selection.value = new Set(ids);
  }

  function setTool(next: Tool): void {
    tool.value = next;
  }

  /** A drawn box gets the active class; the first box of a project creates a class to hold it. */
  function drawBox(box: Box): void {
    if (!editable.value) return;
    const cls = activeClass.value ?? useClassesStore().add('object');
    if (!cls) return;
    const id = newId();
    if (run(commands.addBoxes([{ id, classId: cls.id, ...box, origin: { kind: 'manual' } }]))) select([id]);
  }

  /** Keys 1–9: picks the class for new boxes and gives it to the selected boxes. */
  function chooseClass(index: number): void {
    const cls = project.classes[index];
    if (!cls) return;
    activeClassId.value = cls.id;
    if (selection.value.size) run(commands.setClass(selection.value, cls.id));
  }

  /** Gives boxes a class without changing the class new boxes get (the box list's class menu). */
  const setClassOf = (ids: Iterable<string>, classId: string) => run(commands.setClass(ids, classId));
  const setFlags = (ids: Iterable<string>, flags: BoxFlags) => run(commands.setFlags(ids, flags));

  /**
   * Copies the confirmed boxes (drawn or accepted) of the image before this one in the folder onto
   * this one, as one undo step; the copies become the selection.
   */
  async function copyFromPrevious(): Promise<CopyOutcome | null> {
    const id = imageId.value;
    const at = id === null ? undefined : dataset.indexById.get(id);
    if (id === null || at === undefined || !editable.value) return null;
    const previous = dataset.images[at - 1];
    if (!previous) return (copied.value = { kind: 'first' });
    const s = await loadSession(previous.id);
    if (imageId.value !== id) return null;
    const source = s ? [...s.doc.boxes.values()].filter((b) => b.origin.kind !== 'suggestion') : [];
    if (!source.length) return (copied.value = { kind: 'none', from: previous.relPath });
    const created: string[] = [];
    const makeId = () => {
      const next = newId();
      created.push(next);
      return next;
    };
    run(commands.copyBoxes(source, makeId));
    if (created.length) select(created);
    return (copied.value = { kind: 'copied', from: previous.relPath, n: created.length });
  }

  const setGeometry = (id: string, box: Box) => run(commands.setGeometry(id, box));
  const moveSelected = (dx: number, dy: number) => run(commands.moveBoxes(selection.value, dx, dy));
  /** Deletes the selected boxes; for suggestions this is rejecting them. */
  const deleteSelected = () => run(commands.removeBoxes(selection.value));
  const deleteBoxes = (ids: Iterable<string>) => run(commands.removeBoxes(ids));
  const acceptSelected = () => run(commands.acceptBoxes(selection.value));
  const acceptAll = () => run(commands.acceptAll);
  const acceptAbove = (score: number) => run(commands.acceptAbove(score));
  const markNegative = () => run(commands.markNegative);

  /** After a class is deleted, undo must not bring back boxes of a class that no longer exists. */
  function forgetHistory(): void {
    for (const s of sessions.values()) s.history.clear();
    historyVersion.value++;
  }

  /** Ctrl+S: every edit is already saved; this sends the current image again, e.g. after a failure. */
  function saveNow(): void {
    const s = imageId.value === null ? undefined : sessions.get(imageId.value);
    if (s && imageId.value !== null && !readOnlyReason.value) changed(imageId.value, s);
  }

  /** Ctrl+D: the copies become the selection, so they can be moved straight away. */
  function duplicateSelected(): void {
    const created: string[] = [];
    const makeId = () => {
      const id = newId();
      created.push(id);
      return id;
    };
    if (run(commands.duplicateBoxes(selection.value, makeId))) select(created);
  }

  // The image on screen that could not load (over the pixel limit) loads once it reads after all.
  watch(
    () => dataset.readAgain,
    (ids) => {
      const id = imageId.value;
      if (id !== null && ids.has(id) && !sessions.has(id)) void open(id);
    },
  );

  watch(
    () => [dataset.datasetId, dataset.currentId] as const,
    ([datasetId, id], previous) => {
      if (previous && previous[0] !== datasetId) forgetDataset();
      void open(id);
    },
    { immediate: true },
  );

  return {
    imageId,
    doc,
    readOnlyReason,
    loading,
    error,
    notice,
    copied,
    selection,
    tool,
    activeClassId,
    preview,
    canUndo,
    canRedo,
    editable,
    boxes,
    selectedBoxes,
    suggestionCount,
    activeClass,
    open,
    run,
    runOn,
    undo,
    redo,
    select,
    setTool,
    drawBox,
    chooseClass,
    setClassOf,
    setFlags,
    copyFromPrevious,
    duplicateSelected,
    setGeometry,
    moveSelected,
    deleteSelected,
    deleteBoxes,
    acceptSelected,
    acceptAll,
    acceptAbove,
    markNegative,
    saveNow,
    forgetHistory,
    takeBackendSuggestions,
    reload,
  };
});
