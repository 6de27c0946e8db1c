import { defineStore } from 'pinia';
import type { Reply } from '../../../shared/ipc/contract';
import { useApi } from './api';
import { useDatasetStep } from './dataset-step';

/**
 * "Mark every image where the model found nothing as negative", done in the backend across the
 * whole dataset as one step that can be undone (until the app restarts): only images a model run
 * left empty and no one has touched since change; they then go into exports as negatives.
 */
export const useNegativesStore = defineStore('negatives', () => {
  const api = useApi();
  const step = useDatasetStep(
    ({ token, images }: Reply<'nothing-found:mark-negative'>) => ({ token, images }),
    (token) => api['nothing-found:mark-negative-undo']({ token }),
  );

  const markAll = (): Promise<void> => step.run(() => api['nothing-found:mark-negative']({}));

  const { busy, error, last, undone, undo } = step;
  return { busy, error, last, undone, markAll, undo };
});
