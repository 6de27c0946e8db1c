import { z } from 'zod';
import { MAX_VARIANTS, MIN_VARIANTS } from '../compare';
import { promptSchema, recSchema, thresholdsSchema } from '../prompt/schemas';

export { recSchema, thresholdsSchema };

/** Request schemas about prompts: thresholds, referring expressions, and comparing prompt variants. */

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
