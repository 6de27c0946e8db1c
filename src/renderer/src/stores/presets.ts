import { defineStore } from 'pinia';
import { computed, shallowRef, watch } from 'vue';
import { classNameForPhrase } from '../../../shared/classes';
import { parseJsonText } from '../../../shared/json-text';
import {
  BUILT_IN_PRESETS,
  MAX_PRESETS,
  presetFile,
  presetFileSchema,
  presetSchema,
  withPreset,
  type PromptPreset,
} from '../../../shared/prompt/presets';
import { describeIssues } from '../../../shared/validation';
import { useProjectStore } from './project';
import { usePromptStore } from './prompt';

/** Where a person's preset is kept: with this project, or in the app for every project. */
export type PresetScope = 'project' | 'app';

/** The app's presets live in the window's local storage, as its language does. */
const APP_KEY = 'groundlabel.presets';

function readAppPresets(): PromptPreset[] {
  try {
    const raw = globalThis.localStorage?.getItem(APP_KEY);
    const parsed = raw ? presetSchema.array().max(MAX_PRESETS).safeParse(JSON.parse(raw)) : null;
    return parsed?.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/**
 * Prompt presets: the built-in class lists, and a person's own (prompt, mode, thresholds and the
 * class names of its phrases) kept per project or for every project, exported and imported as a
 * small JSON file. Loading one sets the prompt; classes are still made only for what it finds.
 */
export const usePresetsStore = defineStore('presets', () => {
  const project = useProjectStore();
  const prompt = usePromptStore();

  const builtIn = BUILT_IN_PRESETS;
  const projectPresets = computed(() => project.meta.presets ?? []);
  const appPresets = shallowRef<PromptPreset[]>(readAppPresets());
  watch(appPresets, (list) => globalThis.localStorage?.setItem(APP_KEY, JSON.stringify(list)));

  const listOf = (scope: PresetScope) => (scope === 'project' ? projectPresets.value : appPresets.value);

  function setList(scope: PresetScope, list: PromptPreset[]): void {
    if (scope === 'project') void project.update({ presets: list });
    else appPresets.value = list;
  }

  /** The prompt as it stands, as a preset named `name`. */
  function current(name: string): PromptPreset {
    const meta = project.meta;
    const phraseNames: Record<string, string> = {};
    for (const phrase of prompt.phrases) {
      const className = classNameForPhrase(meta, phrase);
      if (className !== phrase) phraseNames[phrase] = className;
    }
    return {
      name: name.trim(),
      prompt: prompt.text,
      ...(prompt.rec && { rec: prompt.rec }),
      thresholds: { ...prompt.thresholds },
      phraseNames,
    };
  }

  /** Keeps the prompt under a name (replacing a preset of that name); says why it cannot. */
  function save(name: string, scope: PresetScope): string | null {
    const parsed = presetSchema.safeParse(current(name));
    if (!parsed.success) return describeIssues(parsed.error);
    setList(scope, withPreset(listOf(scope), parsed.data));
    return null;
  }

  function remove(name: string, scope: PresetScope): void {
    setList(
      scope,
      listOf(scope).filter((p) => p.name !== name),
    );
  }

  /** Makes a preset the prompt: its text, mode, thresholds, and the class names its phrases get. */
  function apply(preset: PromptPreset): void {
    prompt.setMode(preset.rec ? 'rec' : 'phrases');
    if (preset.rec) prompt.topK = preset.rec.topK;
    if (preset.thresholds) prompt.thresholds = { ...prompt.thresholds, ...preset.thresholds };
    prompt.setText(preset.prompt);
    if (Object.keys(preset.phraseNames).length)
      void project.update({ phraseNames: { ...project.meta.phraseNames, ...preset.phraseNames } });
  }

  /** The person's presets (this project's, then the app's) as the text of a presets file. */
  function exportText(): string {
    const all = [
      ...projectPresets.value,
      ...appPresets.value.filter((a) => !projectPresets.value.some((p) => p.name === a.name)),
    ];
    return `${JSON.stringify(presetFile(all.slice(0, MAX_PRESETS)), null, 2)}\n`;
  }

  /** Adds the presets of a file's text to a list; the count, or why the file was refused. */
  function importText(
    fileName: string,
    text: string,
    scope: PresetScope,
  ): { ok: true; count: number } | { ok: false; message: string } {
    let raw: unknown;
    try {
      raw = parseJsonText(text, fileName);
    } catch (e) {
      return { ok: false, message: e instanceof Error ? e.message : String(e) };
    }
    const parsed = presetFileSchema.safeParse(raw);
    if (!parsed.success)
      return {
        ok: false,
        message: `${fileName} is not a GroundLabel presets file (${describeIssues(parsed.error, 'file')})`,
      };
    let list = listOf(scope);
    for (const p of [...parsed.data.presets].reverse()) list = withPreset(list, p);
    setList(scope, list);
    return { ok: true, count: parsed.data.presets.length };
  }

  return { builtIn, projectPresets, appPresets, current, save, remove, apply, exportText, importText };
});
