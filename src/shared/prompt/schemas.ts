import { z } from 'zod';
import { MAX_REC_TOP_K } from './units';

/** Schemas of a prompt and its settings, shared by the project file, the IPC requests and presets. */

export const MAX_PROMPT_LENGTH = 65_536;

export const promptSchema = z
  .string()
  .max(MAX_PROMPT_LENGTH, `a prompt may be at most ${MAX_PROMPT_LENGTH.toLocaleString('en')} characters`);

export const thresholdsSchema = z.object({
  box: z.number().gt(0).lt(1),
  text: z.number().gt(0).lt(1),
  nmsIou: z.number().gt(0).lte(1).nullable(),
  crossIou: z.number().gt(0).lte(1).nullable().optional(),
});

/** Referring expressions, one per line of the prompt, each yielding its best `topK` boxes; absent for phrases. */
export const recSchema = z.object({ topK: z.int().min(1).max(MAX_REC_TOP_K) });
