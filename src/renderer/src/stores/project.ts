import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import { emptyProjectMeta, type ClassDef, type ProjectMeta } from '../../../shared/project';
import { useSaveStore } from './save';

/** The project's meta (classes, phrase → class map, prompt history): changed at once here, saved with project:save. */
export const useProjectStore = defineStore('project', () => {
  const meta = shallowRef<ProjectMeta>(emptyProjectMeta());

  const classes = computed(() => meta.value.classes);
  const classById = computed(() => new Map<string, ClassDef>(meta.value.classes.map((c) => [c.id, c])));

  function load(next: ProjectMeta): void {
    meta.value = next;
  }

  /** Applies a change and saves the whole meta; resolves to whether the save went through. */
  async function update(patch: Partial<ProjectMeta>): Promise<boolean> {
    meta.value = { ...meta.value, ...patch };
    const result = await useSaveStore().saveProject(meta.value);
    return result.ok;
  }

  return { meta, classes, classById, load, update };
});
