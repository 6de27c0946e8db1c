/**
 * Every failure GroundLabel reports carries a code from this closed list and a message that names
 * the file, input or setting involved. Handlers and the CLI switch on the code, people read the message.
 */
export const ERROR_CODES = [
  'bad-argument',
  'model-not-found',
  'model-invalid',
  'model-unsupported',
  'tokenizer-missing',
  'tokenizer-invalid',
  'prompt-empty',
  'phrase-too-long',
  'image-not-found',
  'image-unreadable',
  'image-too-large',
  'device-unavailable',
  'inference-failed',
  'io-failed',
  'dataset-not-open',
  /** Another process holds the dataset's lock. */
  'dataset-locked',
  'label-file-invalid',
  'model-not-loaded',
  'export-refused',
  'forbidden',
  /** A save made on an older revision of an image's document than the stored one. */
  'edit-conflict',
  /** A request naming a dataset, or an image file, other than the one open now. */
  'dataset-mismatch',
  'batch-running',
  'batch-not-found',
  /** A model download that failed, was refused by its checksum, or is not there. */
  'download-failed',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorInfo {
  readonly code: ErrorCode;
  readonly message: string;
}

export class GroundLabelError extends Error implements ErrorInfo {
  override readonly name = 'GroundLabelError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toJSON(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

export const isGroundLabelError = (e: unknown): e is GroundLabelError => e instanceof GroundLabelError;

/** The message of anything thrown, for wrapping library errors into a named one. */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
