import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect } from 'vitest';
import { GroundLabelError, type ErrorCode } from '../../../shared/errors';

/** The bundled bert-base-uncased vocabulary, found from this file rather than from the cwd. */
export const BUNDLED_VOCAB_PATH = fileURLToPath(
  new URL('../../../../resources/models/bert-base-uncased/vocab.txt', import.meta.url),
);

/** A fresh temporary folder per call; every folder made in a test file is removed after it. */
export function tempDirs(prefix: string): () => Promise<string> {
  const made: string[] = [];
  afterAll(async () => {
    await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(path.join(tmpdir(), `groundlabel-${prefix}-`));
    made.push(dir);
    return dir;
  };
}

/** What `fn` threw (sync or async), asserted to be a GroundLabelError with `code`. */
export async function caught(fn: () => unknown, code: ErrorCode): Promise<GroundLabelError> {
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  expect(error, `expected a GroundLabelError with code ${code}`).toBeInstanceOf(GroundLabelError);
  const e = error as GroundLabelError;
  expect(e.code, e.message).toBe(code);
  return e;
}
