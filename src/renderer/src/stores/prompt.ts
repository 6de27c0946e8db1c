import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import { DEFAULT_THRESHOLDS, type Detection, type Thresholds } from '../../../shared/detection';
import type { InferResult, PromptAnalysis } from '../../../shared/ipc/contract';
import { classNameOf } from '../../../shared/classes';
import type { BoxRecord } from '../../../shared/project';
import { addCollisions, type PhraseCollision } from '../../../shared/prompt/collisions';
import { missingSeparators } from '../../../shared/prompt/separators';
import { MAX_REC_TOP_K, parseExpressions, type RecOptions } from '../../../shared/prompt/units';
import { replaceSuggestions } from '../editor/commands';
import { newId } from '../editor/ids';
import { overlappingPhrases, repeatedPhrases, splitPrompt } from '../prompt/phrases';
import { useApi } from './api';
import { useBatchStore } from './batch';
import { useClassesStore } from './classes';
import { useDatasetStore } from './dataset';
import { useEditorStore } from './editor';
import { useModelStore } from './model';
import { useProjectStore } from './project';
import { useSaveStore } from './save';

const ANALYSE_DELAY_MS = 250;

/** How the prompt is read: phrases separated by " . ", or one referring expression per line. */
export type PromptMode = 'phrases' | 'rec';

/**
 * The prompt, its thresholds and analysis, the phrase → class table (kept in ProjectMeta.phraseClasses,
 * phrase → class id; a phrase's class is made when the phrase first finds something) and runs of the
 * model. Results land per image as one command each, the moment they arrive; editing goes on meanwhile.
 */
export const usePromptStore = defineStore('prompt', () => {
  const api = useApi();
  const project = useProjectStore();
  const dataset = useDatasetStore();
  const editor = useEditorStore();
  const model = useModelStore();

  const text = ref('');
  // Shallow: replaced whole, and sent over IPC, which cannot clone a reactive proxy.
  const thresholds = shallowRef<Thresholds>({ ...DEFAULT_THRESHOLDS });
  const perPhrase = ref(false);
  const mode = ref<PromptMode>('phrases');
  /** Boxes each referring expression yields, in REC mode. */
  const topK = ref(1);
  /** The backend's analysis and the text and mode it was made for; stale while the person types. */
  const analysis = shallowRef<{
    readonly text: string;
    readonly rec: boolean;
    readonly value: PromptAnalysis;
  } | null>(null);
  const running = ref(false);
  const progress = ref<{ done: number; total: number } | null>(null);
  const failures = ref<{ relPath: string; message: string }[]>([]);
  /** Phrase pairs of the last run on images that claimed one object (suppression across phrases). */
  const collisions = shallowRef<PhraseCollision[]>([]);
  const error = ref<string | null>(null);
  /** Whether the last run was one image ('image', infer:run) or a backend batch ('batch'). */
  const lastRun = ref<'image' | 'batch'>('image');
  /** Leave out images a person has already reviewed when running on many images. */
  const skipReviewed = ref(false);
  let analyseTimer: ReturnType<typeof setTimeout> | undefined;
  /** Where Up/Down is in the project's prompt history (-1: the prompt being written), and that prompt. */
  const historyAt = ref(-1);
  let draftText = '';

  const rec = computed<RecOptions | undefined>(() =>
    mode.value === 'rec'
      ? { topK: Math.min(MAX_REC_TOP_K, Math.max(1, Math.round(topK.value) || 1)) }
      : undefined,
  );
  /** The phrases, or in REC mode the referring expressions, as the model will be asked about them. */
  const phrases = computed(() =>
    mode.value === 'rec' ? parseExpressions(text.value) : [...new Set(splitPrompt(text.value))],
  );
  /** A run of either kind is under way: the run buttons wait for it. */
  const busy = computed(() => running.value || useBatchStore().running);
  const current = computed(() =>
    analysis.value?.text === text.value && analysis.value.rec === (mode.value === 'rec')
      ? analysis.value.value
      : null,
  );
  const tokens = computed(() => current.value?.tokens ?? null);
  const maxTokens = computed(() => current.value?.maxTokens ?? model.maxTokens);
  const passes = computed(() => current.value?.passes ?? 1);
  // Expressions are sentences: words in common between them are expected, so the lint is for phrases.
  const repeated = computed(() =>
    mode.value === 'rec'
      ? []
      : [...new Set([...repeatedPhrases(splitPrompt(text.value)), ...(current.value?.repeated ?? [])])],
  );
  const overlapping = computed(() => {
    if (mode.value === 'rec') return [];
    const seen = new Set<string>();
    return [...overlappingPhrases(phrases.value), ...(current.value?.overlapping ?? [])].filter(([a, b]) => {
      const key = [a, b].sort().join('\u0000');
      return !seen.has(key) && !!seen.add(key);
    });
  });
  const phraseTable = computed(() =>
    phrases.value.map((phrase) => {
      const id = project.meta.phraseClasses[phrase];
      return {
        phrase,
        classId: id && project.classById.has(id) ? id : null,
        /** The name its class will get when it is made. */
        name: classNameOf(project.meta, phrase),
      };
    }),
  );
  /** A phrase prompt without " . " that reads as one phrase, and how to rewrite it. */
  const separators = computed(() => (mode.value === 'phrases' ? missingSeparators(text.value) : null));
  const history = computed(() => project.meta.promptHistory);
  /** Phrases of the prompt without a class yet: those that found nothing so far. */
  const unclassed = computed(() => phraseTable.value.filter((row) => !row.classId).map((row) => row.phrase));

  function setText(next: string, fromHistory = false): void {
    if (!fromHistory) historyAt.value = -1;
    text.value = next;
    clearTimeout(analyseTimer);
    analyseTimer = setTimeout(() => void analyse(), ANALYSE_DELAY_MS);
  }

  /** Up (+1, older) and Down (-1, newer) through the project's prompts; below the newest is the draft. */
  function stepHistory(delta: 1 | -1): boolean {
    if (historyAt.value === -1) draftText = text.value;
    const at = (i: number) => (i === -1 ? draftText : history.value[i]);
    let next = historyAt.value + delta;
    // An entry that reads as the prompt shown (the last one run, say) is passed over.
    while (next >= 0 && next < history.value.length && at(next) === text.value) next += delta;
    if (next < -1 || next >= history.value.length || at(next) === text.value) return false;
    historyAt.value = next;
    setText(at(next), true);
    return true;
  }

  function applySeparators(): void {
    if (separators.value) setText(separators.value.rewrite);
  }

  function setMode(next: PromptMode): void {
    mode.value = next;
    void analyse();
  }

  async function analyse(): Promise<void> {
    const asked = text.value;
    const isRec = mode.value === 'rec';
    if (!asked.trim()) return;
    const reply = await api['prompt:analyse']({ prompt: asked, rec: isRec });
    if (reply.ok) analysis.value = { text: asked, rec: isRec, value: reply.value };
  }

  function mapPhrase(phrase: string, classId: string): void {
    void project.update({ phraseClasses: { ...project.meta.phraseClasses, [phrase]: classId } });
  }

  /** The class of each phrase, making the class (named by classNameOf) of a phrase that has none. */
  function ensureClasses(list: readonly string[]): Map<string, string> {
    const classes = useClassesStore();
    const map = { ...project.meta.phraseClasses };
    const result = new Map<string, string>();
    let changed = false;
    for (const phrase of list) {
      let id = map[phrase];
      if (!id || !project.classById.has(id)) {
        id = classes.add(classNameOf(project.meta, phrase))?.id ?? '';
        map[phrase] = id;
        changed = true;
      }
      result.set(phrase, id);
    }
    if (changed) void project.update({ phraseClasses: map });
    return result;
  }

  /** Makes the classes of the prompt's phrases that have none yet (those that found nothing), in one step. */
  function addMissingClasses(): void {
    ensureClasses(unclassed.value);
  }

  /** Puts the prompt first in the project's history (it keeps 50). */
  function remember(prompt: string): void {
    const promptHistory = [prompt, ...project.meta.promptHistory.filter((p) => p !== prompt)].slice(0, 50);
    void project.update({ promptHistory });
  }

  function suggestions(detections: readonly Detection[]): BoxRecord[] {
    // Only what was found gets a class, listed in prompt order.
    const found = [...detections].sort((a, b) => a.phraseIndex - b.phraseIndex);
    const classOf = ensureClasses([...new Set(found.map((d) => d.phrase))]);
    return detections.map((d) => ({
      id: newId(),
      classId: classOf.get(d.phrase) ?? '',
      x1: d.box.x1,
      y1: d.box.y1,
      x2: d.box.x2,
      y2: d.box.y2,
      origin: { kind: 'suggestion', score: d.score, phrase: d.phrase, rawText: d.rawText },
    }));
  }

  /** Runs the prompt on images; each result replaces that image's pending suggestions as one undo step. */
  async function run(ids: readonly string[]): Promise<void> {
    const prompt = text.value.trim();
    if (busy.value || !ids.length || !phrases.value.length) return;
    lastRun.value = 'image';
    remember(prompt);
    running.value = true;
    error.value = null;
    failures.value = [];
    collisions.value = [];
    progress.value = { done: 0, total: ids.length };
    const handled = new Set<string>();
    // Recorded on each image with its results: one where nothing was found is no longer "unlabeled".
    const modelRun = { prompt, at: new Date().toISOString() };
    let landing = Promise.resolve();
    const land = (r: InferResult) => {
      if (handled.has(r.relPath)) return;
      handled.add(r.relPath);
      if (r.collisions?.length) collisions.value = addCollisions(collisions.value, r.collisions);
      const id = dataset.idByRelPath.get(r.relPath);
      if (r.error) failures.value.push({ relPath: r.relPath, message: r.error.message });
      else if (id && r.detections) {
        const records = suggestions(r.detections);
        landing = landing.then(async () => {
          const problem = await editor.runOn(id, replaceSuggestions(records, modelRun));
          if (problem) failures.value.push({ relPath: r.relPath, message: problem });
        });
      }
    };
    const off = api.on('infer:progress', (p) => {
      progress.value = { done: p.done, total: p.total };
      land(p.result);
    });
    try {
      const reply = await api['infer:run']({
        ids: [...ids],
        prompt,
        thresholds: thresholds.value,
        perPhrase: perPhrase.value,
        ...(rec.value && { rec: rec.value }),
      });
      if (reply.ok) reply.value.forEach(land);
      else error.value = reply.error.message;
    } finally {
      off();
      await landing;
      running.value = false;
    }
  }

  /**
   * Runs the prompt on many images as one batch in the backend: results are written to the project
   * as they come (closing the window loses nothing), and each finished image updates the list.
   */
  async function runBatch(ids: readonly string[]): Promise<boolean> {
    const prompt = text.value.trim();
    const batch = useBatchStore();
    if (busy.value || !ids.length || !phrases.value.length) return false;
    lastRun.value = 'batch';
    failures.value = [];
    error.value = null;
    batch.begin(ids.length);
    // The backend makes the classes of what it finds; the history is saved first, so both agree.
    remember(prompt);
    await useSaveStore().settled();
    return batch.start({
      ids: [...ids],
      prompt,
      thresholds: thresholds.value,
      perPhrase: perPhrase.value,
      ...(rec.value && { rec: rec.value }),
      skipReviewed: skipReviewed.value,
    });
  }

  // Each model's own defaults once it is known, and the project's last prompt.
  watch(
    () => model.status && `${model.status.loaded}:${model.status.file ?? ''}`,
    () => model.status && (thresholds.value = { ...model.status.defaults }),
  );
  watch(
    () => project.meta.promptHistory[0],
    (last) => last && !text.value && setText(last),
  );

  return {
    text,
    thresholds,
    perPhrase,
    mode,
    topK,
    rec,
    analysis,
    running,
    progress,
    failures,
    collisions,
    error,
    lastRun,
    skipReviewed,
    busy,
    phrases,
    tokens,
    maxTokens,
    passes,
    repeated,
    overlapping,
    separators,
    history,
    historyAt,
    phraseTable,
    unclassed,
    setText,
    setMode,
    stepHistory,
    applySeparators,
    analyse,
    mapPhrase,
    addMissingClasses,
    run,
    runBatch,
  };
});
