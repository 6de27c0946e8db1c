/**
 * The model manager's facts, shared by the services, the command line and the page: the models a
 * person has, the catalogue of known exports, and downloads under way. Pure types.
 */

import type { Device } from './devices';

export type ModelFlavour = 'A' | 'B';

/** An input the model declares: symbolic dims are strings, unknown ones null. */
export interface ModelInput {
  readonly name: string;
  readonly type: string;
  readonly dims: readonly (number | string | null)[];
}

/** Where a model came from. */
export type ModelSource =
  | { readonly kind: 'catalogue'; readonly catalogueId: string; readonly url: string }
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'disk'; readonly path: string };

/** Who vouches for a sha256: its publisher, the person (`--sha256`), or GroundLabel at download or import. */
export type Sha256From = 'published' | 'given' | 'computed';

export interface InstalledFile {
  /** Relative to the model's folder. */
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** A model in the models folder, checked when it was added (flavour detected, inputs listed). */
export interface InstalledModel {
  readonly id: string;
  readonly name: string;
  readonly flavour: ModelFlavour;
  readonly inputs: readonly ModelInput[];
  readonly bytes: number;
  readonly source: ModelSource;
  /** sha256 of the .onnx file the model runs from. */
  readonly sha256: string;
  readonly sha256From: Sha256From;
  /** Copied into the models folder, or linked: the files stay where they were. */
  readonly storage: 'copy' | 'link';
  /** What opens it (a folder or an .onnx file). */
  readonly path: string;
  readonly files: readonly InstalledFile[];
  readonly addedAt: string;
  /** Why it cannot be opened now (a linked file moved away), when it cannot. */
  readonly problem?: string;
}

/** An .onnx file or folder found in the models folder that the manager did not add (copied in by hand). */
export interface FoundModel {
  readonly path: string;
}

export interface CatalogueFile {
  /** Where it goes in the model's folder. */
  readonly path: string;
  readonly url: string;
  /** Bytes, where known before the download. */
  readonly bytes: number | null;
  /** The sha256 its publisher gives; null when none is published (it is computed and recorded on download). */
  readonly sha256: string | null;
}

/** A known export the manager can download. */
export interface CatalogueEntry {
  readonly id: string;
  readonly name: string;
  readonly flavour: ModelFlavour;
  /** The page a person can read about it. */
  readonly sourcePage: string;
  readonly publisher: string;
  readonly licence: string;
  readonly files: readonly CatalogueFile[];
  /** The whole download as its publisher's page states it; null where it states none (known once the server answers). */
  readonly approxBytes: number | null;
  /** Short facts a person should know before choosing it (English; the page shows them as they are). */
  readonly note?: string;
}

export type DownloadState = 'running' | 'paused' | 'verifying' | 'failed';

export interface DownloadStatus {
  readonly id: string;
  readonly name: string;
  readonly source: ModelSource;
  readonly state: DownloadState;
  readonly received: number;
  /** Total bytes, once known. */
  readonly total: number | null;
  /** Bytes per second over the last seconds; 0 when paused. */
  readonly rate: number;
  readonly etaSeconds: number | null;
  /** Why it failed (failed), or what went wrong and is being retried (running). */
  readonly message?: string;
  /** Whether the bytes received so far are kept, so that resume goes on from them. */
  readonly resumable: boolean;
}

/** What the Models view shows: the models, the catalogue, downloads, and where they live. */
export interface ModelLibraryView {
  readonly modelsDir: string;
  readonly installed: readonly InstalledModel[];
  readonly found: readonly FoundModel[];
  readonly catalogue: readonly CatalogueEntry[];
  readonly downloads: readonly DownloadStatus[];
  /** The id of the installed model loaded now, if it is one of them. */
  readonly active: string | null;
  /** Whether this mode may download from any address (the desktop app) or only the catalogue (browser mode). */
  readonly anyAddress: boolean;
  /** The device models open on (the one chosen in the device settings). */
  readonly device: Device;
}
