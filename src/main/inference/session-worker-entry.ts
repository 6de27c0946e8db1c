/**
 * Where the model thread starts. Running from source (tsx, vitest), the entry is TypeScript, so the
 * thread first registers tsx's loader. The app build replaces this module with
 * session-worker-entry.build.ts, which points at the bundled worker instead.
 */
export interface WorkerEntry {
  /** The module the thread imports, as a file URL. */
  readonly url: string;
  /** A loader to register before importing it, as a file URL. */
  readonly loader?: string;
}

export const sessionWorkerEntry = (): WorkerEntry => ({
  url: new URL('./session-worker.ts', import.meta.url).href,
  loader: import.meta.resolve('tsx/esm/api'),
});
