import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { emptyProjectMeta, type ClassDef, type ProjectMeta } from '../../../shared/project';
import { useApi } from './api';
import { isRefusal, useSaveStore } from './save';

/**
 * The project's meta (classes, phrase → class map, prompt history): changed at once here, saved whole
 * with project:save, naming the revision it was read at. When another window or a batch saved it
 * first, the save is refused and the meta is read again.
 */
export const useProjectStore = defineStore('project', () => {
  const api = useApi();
  const meta = shallowRef<ProjectMeta>(emptyProjectMeta());
  /** Why the class list was read again; shown until dismissed or the next change. */
  const notice = ref<string | null>(null);
  /** The stored revision this page's changes build on: moves on with each save that lands. */
  let revision = 0;

  const classes = computed(() => meta.value.classes);
  const classById = computed(() => new Map<string, ClassDef>(meta.value.classes.map((c) => [c.id, c])));

  function load(next: ProjectMeta): void {
    meta.value = next;
    revision = next.revision ?? 0;
  }

  /** Applies a change and saves the whole meta; resolves to whether the save went through. */
  async function update(patch: Partial<ProjectMeta>): Promise<boolean> {
    meta.value = { ...meta.value, ...patch };
    notice.value = null;
    const result = await useSaveStore().saveProject(async () => {
      // The newest meta and revision when the request goes out: a queued save carries both.
      const reply = await api['project:save']({ ...meta.value, revision });
      if (reply.ok) revision = reply.value.revision ?? revision;
      return reply;
    });
    if (isRefusal(result)) await readAgain(result.ok ? '' : result.error.message);
    return result.ok;
  }

  async function readAgain(message: string): Promise<void> {
    const current = await api['dataset:current']({});
    if (current.ok && current.value) load(current.value.meta);
    notice.value = message;
  }

  return { meta, notice, classes, classById, load, update };
});
