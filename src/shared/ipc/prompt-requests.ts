import { z } from 'zod';
import { MAX_VARIANTS, MIN_VARIANTS } from '../compare';
import { promptSchema } from '../project';
import { MAX_REC_TOP_K } from '../prompt/units';

/** Request schemas about prompts: thresholds, referring expressions, and comparing prompt variants. */

export const thresholdsSchema = z.object({
  box: z.number().gt(0).lt(1),
  text: z.number().gt(0).lt(1),
  nmsIou: z.number().gt(0).lte(1).nullable(),
  crossIou: z.number().gt(0).lte(1).nullable().optional(),
});

/** Referring expressions, one per line of the prompt, each yielding its best `topK` boxes; absent for phrases. */
export const recSchema = z.object({ topK: z.int().min(1).max(MAX_REC_TOP_K) });

export const compareRequestSchema = z.object({
  variants: z
    .array(
      z.object({
        prompt: promptSchema.min(1),
        thresholds: thresholdsSchema,
        perPhrase: z.boolean().default(false),
        rec: recSchema.optional(),
      }),
    )
    .min(MIN_VARIANTS)
    .max(MAX_VARIANTS),
  /** The images to compare on (those selected in the list); a seeded sample of the dataset when absent. */
  ids: z.array(z.string().min(1)).min(1).optional(),
  sample: z
    .object({ size: z.int().min(1).max(10_000), seed: z.string().max(200) })
    .default({ size: 50, seed: '1' }),
});
