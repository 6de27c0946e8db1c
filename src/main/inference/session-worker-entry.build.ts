/// <reference types="electron-vite/node" />
/** The app build's session-worker-entry: electron-vite bundles the worker and gives its path. */
import { pathToFileURL } from 'node:url';
import workerFile from './session-worker?modulePath';
import type { WorkerEntry } from './session-worker-entry';

export const sessionWorkerEntry = (): WorkerEntry => ({ url: pathToFileURL(workerFile).href });
