/**
 * The compiled command lines' session-worker-entry (packaging/cli.vite.config.ts): the worker is
 * built beside the entry as session-worker.mjs.
 */
import type { WorkerEntry } from './session-worker-entry';

export const sessionWorkerEntry = (): WorkerEntry => ({
  url: new URL('./session-worker.mjs', import.meta.url).href,
});
