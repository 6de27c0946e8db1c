import { defineStore } from 'pinia';
import type { Reply } from '../../../shared/ipc/contract';
import { useApi } from './api';
import { useDatasetStep } from './dataset-step';

/**
 * "Accept every suggestion above a score" across the whole dataset, done in the backend as one step
 * that can be undone (until the app restarts): the images it changed are put back as they were.
 */
export const useAcceptStore = defineStore('accept', () => {
  const api = useApi();
  const step = useDatasetStep(
    ({ token, accepted, images }: Reply<'suggestions:accept'>) => ({
      token,
      accepted,
      images,
    }),
    (token) => api['suggestions:accept-undo']({ token }),
  );

  /** Accepts pending suggestions scoring at least `minScore` in every image, of `classIds` only when given. */
  const acceptAbove = (minScore: number, classIds?: readonly string[]): Promise<void> =>
    step.run(() => api['suggestions:accept']({ minScore, ...(classIds && { classIds: [...classIds] }) }));

  const { busy, error, last, undone, undo } = step;
  return { busy, error, last, undone, acceptAbove, undo };
});
