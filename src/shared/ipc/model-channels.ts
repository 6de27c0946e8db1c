import { z } from 'zod';
import type { DownloadStatus, InstalledModel, ModelLibraryView } from '../models';
import type { ModelStatus } from './contract';

/**
 * The model manager's channels and events: the models folder, imports, the active model, and
 * downloads. Spread into the contract's channel table, so they are bound, served and typed like
 * every other channel.
 */

const reply = <T>() => undefined as unknown as T;
const id = z.string().min(1).max(200);
const name = z.string().trim().min(1).max(200).optional();

export const modelChannels = {
  /** The models added, the catalogue, downloads in progress or paused, the active model and the device. */
  'models:library': { request: z.object({}), reply: reply<ModelLibraryView>() },
  /**
   * Checks a model on disk (an .onnx file or a folder) and adds it: copied into the models folder,
   * or linked (the files stay where they are). Browser mode takes only paths in its allowed folders.
   */
  'models:import': {
    request: z.object({ path: z.string().trim().min(1), mode: z.enum(['copy', 'link']), name }),
    reply: reply<InstalledModel>(),
  },
  /** Removes a model from the models folder (a linked model's files stay); a loaded one is closed first. */
  'models:remove': { request: z.object({ id }), reply: reply<ModelLibraryView>() },
  /** Opens an installed model, and remembers it as the one opened at the next start. */
  'models:activate': { request: z.object({ id }), reply: reply<ModelStatus>() },
  /**
   * Starts a download: a catalogue entry, or (desktop app only) a file at an address, with the
   * sha256 it must have when known. Progress arrives as download:progress events.
   */
  'download:start': {
    request: z.union([
      z.object({ catalogueId: id, name }),
      z.object({
        url: z.url({ protocol: /^https?$/ }),
        sha256: z
          .string()
          .regex(/^[0-9a-fA-F]{64}$/, '64 hex digits')
          .transform((s) => s.toLowerCase())
          .optional(),
        name,
      }),
    ]),
    reply: reply<DownloadStatus>(),
  },
  /** Stops a download, keeping what arrived so that resume goes on from it (also after a restart). */
  'download:pause': { request: z.object({ id }), reply: reply<DownloadStatus>() },
  'download:resume': { request: z.object({ id }), reply: reply<DownloadStatus>() },
  /** Stops a download and deletes what arrived. */
  'download:cancel': { request: z.object({ id }), reply: reply<ModelLibraryView>() },
} as const;

/** Events of the model manager, pushed to the renderer. */
export interface ModelEvents {
  /** A download's progress (a few times a second), or a change of its state (paused, failed with why). */
  'download:progress': DownloadStatus;
  /** A download was verified, checked and registered as a model; it is no longer among the downloads. */
  'download:installed': { readonly id: string; readonly model: InstalledModel };
}

/** Desktop-only IPC channel behind Api.pickModel: the system's file or folder picker. */
export const PICK_MODEL = 'dialog:pick-model';
