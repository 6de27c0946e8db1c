import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { nextClassColor } from '../../../shared/classes';
import type { ClassDef } from '../../../shared/project';
import { reassignClass } from '../editor/commands';
import { newId } from '../editor/ids';
import { useDatasetStore } from './dataset';
import { useEditorStore } from './editor';
import { useProjectStore } from './project';

/** Distinct colours given to new classes in turn; the backend uses the same list for the classes of batches. */
export { CLASS_COLORS } from '../../../shared/classes';

export type ClassError = 'empty' | 'duplicate';

/** The class list: its order is the export order, ids are stable so renaming and reordering never touch boxes. */
export const useClassesStore = defineStore('classes', () => {
  const project = useProjectStore();
  /** Set once the order changed, to warn that export ids changed with it. */
  const reordered = ref(false);
  const removing = ref<{ done: number; total: number } | null>(null);
  /** Images a class deletion could not update (unreadable or read-only), with the reason. */
  const notUpdated = ref<{ relPath: string; reason: string }[]>([]);

  const classes = computed(() => project.classes);

  const byName = (name: string, except?: string) =>
    classes.value.find((c) => c.id !== except && c.name.toLowerCase() === name.trim().toLowerCase());

  function nameProblem(name: string, except?: string): ClassError | null {
    if (!name.trim()) return 'empty';
    return byName(name, except) ? 'duplicate' : null;
  }

  /** Adds a class, or returns the one that already has this name; null for an empty name. */
  function add(name: string): ClassDef | null {
    if (!name.trim()) return null;
    const existing = byName(name);
    if (existing) return existing;
    const created: ClassDef = { id: newId(), name: name.trim(), color: nextClassColor(classes.value) };
    void project.update({ classes: [...classes.value, created] });
    return created;
  }

  function patch(id: string, change: Partial<Omit<ClassDef, 'id'>>): void {
    void project.update({ classes: classes.value.map((c) => (c.id === id ? { ...c, ...change } : c)) });
  }

  function rename(id: string, name: string): ClassError | null {
    const problem = nameProblem(name, id);
    if (!problem) patch(id, { name: name.trim() });
    return problem;
  }

  function recolor(id: string, color: string): void {
    if (/^#[0-9a-f]{6}$/i.test(color)) patch(id, { color });
  }

  function move(id: string, toIndex: number): void {
    const list = [...classes.value];
    const from = list.findIndex((c) => c.id === id);
    if (from < 0 || toIndex < 0 || toIndex >= list.length || from === toIndex) return;
    list.splice(toIndex, 0, ...list.splice(from, 1));
    reordered.value = true;
    void project.update({ classes: list });
  }

  /**
   * Deletes a class; its boxes in every image move to `reassignTo`, or are deleted when it is null.
   * This cannot be undone, so the histories it would contradict are dropped.
   */
  async function remove(id: string, reassignTo: string | null): Promise<void> {
    const dataset = useDatasetStore();
    const editor = useEditorStore();
    const withBoxes = dataset.images.filter((im) => im.boxes > 0);
    removing.value = { done: 0, total: withBoxes.length };
    notUpdated.value = [];
    for (const im of withBoxes) {
      const reason = await editor.runOn(im.id, reassignClass(id, reassignTo), false);
      if (reason) notUpdated.value.push({ relPath: im.relPath, reason });
      removing.value = { done: removing.value.done + 1, total: withBoxes.length };
    }
    editor.forgetHistory();
    const phraseClasses = Object.fromEntries(
      Object.entries(project.meta.phraseClasses).flatMap(([p, c]) =>
        c !== id ? [[p, c]] : reassignTo ? [[p, reassignTo]] : [],
      ),
    );
    if (editor.activeClassId === id) editor.activeClassId = reassignTo;
    await project.update({ classes: classes.value.filter((c) => c.id !== id), phraseClasses });
    removing.value = null;
  }

  return { reordered, removing, notUpdated, classes, nameProblem, add, rename, recolor, move, remove };
});
