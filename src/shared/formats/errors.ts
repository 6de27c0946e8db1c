/**
 * Why an export was refused as a whole. Box-level trouble is reported as `ExportProblem`s instead;
 * these codes are for input that would make every format wrong or unsafe to write.
 */
export type ExportErrorCode =
  /** A box uses a class id that is not an index of the class list (or not an integer). */
  | 'unknown-class'
  /** A class name is empty, duplicated or contains a line break / control character. */
  | 'bad-class-list'
  /** A relPath could escape the export folder or is not a portable relative path. */
  | 'bad-path'
  /** An image has an unusable size or is listed twice. */
  | 'bad-image'
  /** `exportLabels` was asked for a format it does not know (e.g. a string from IPC). */
  | 'bad-format'
  /** No image is reviewed: an export would be an empty folder, or a data.yaml naming missing ones. */
  | 'nothing-to-export';

export class ExportError extends Error {
  override readonly name = 'ExportError';
  readonly code: ExportErrorCode;
  /** One line per offending item, for a list in the UI; `message` joins them. */
  readonly details: readonly string[];

  constructor(code: ExportErrorCode, message: string, details: readonly string[] = []) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

/** Throws one error listing every offending item, so the user can fix them all in one go. */
export function throwIfAny(code: ExportErrorCode, summary: string, details: readonly string[]): void {
  if (details.length > 0) throw new ExportError(code, `${summary}: ${details.join('; ')}`, details);
}
