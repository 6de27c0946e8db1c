import { GroundLabelError } from '../../shared/errors';

/**
 * Version of the files in `.groundlabel/`. v2 added `identity` (file size and content fingerprint)
 * to label files so annotations follow an image that was renamed or moved inside the dataset.
 */
export const SCHEMA_VERSION = 2;

type Raw = Record<string, unknown>;

/** One step per version: MIGRATIONS[n] turns a v(n) object into v(n+1). */
const LABEL_MIGRATIONS: Record<number, (raw: Raw) => Raw> = {
  // v1 files lack `identity`; it is optional and filled in at the next save of that image.
  1: (raw) => raw,
};
const PROJECT_MIGRATIONS: Record<number, (raw: Raw) => Raw> = {
  1: (raw) => raw,
};

export interface Migrated {
  readonly value: Raw;
  /** The version the file was written in, when older than this one. */
  readonly from: number | null;
}

function migrate(raw: unknown, steps: Record<number, (raw: Raw) => Raw>, what: string): Migrated {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error(`${what} is not a JSON object`);
  const version = (raw as Raw).version ?? 1;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    throw new Error(`${what} has no valid version`);
  if (version > SCHEMA_VERSION) {
    throw new GroundLabelError(
      'label-file-invalid',
      `${what} was written by a newer GroundLabel (format version ${version}; this one reads up to ${SCHEMA_VERSION})`,
    );
  }
  let value = raw as Raw;
  for (let v = version; v < SCHEMA_VERSION; v++) value = { ...steps[v](value), version: v + 1 };
  return { value, from: version < SCHEMA_VERSION ? version : null };
}

export const migrateLabel = (raw: unknown, what: string): Migrated => migrate(raw, LABEL_MIGRATIONS, what);
export const migrateProject = (raw: unknown, what: string): Migrated =>
  migrate(raw, PROJECT_MIGRATIONS, what);
