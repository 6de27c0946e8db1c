import type { z } from 'zod';

/**
 * A schema failure as one line naming each field: `doc.width: Too small; boxes.0.x1: Expected number`.
 * `whole` names an issue about the value as a whole (an empty path).
 */
export const describeIssues = (error: z.ZodError, whole = ''): string =>
  error.issues.map((i) => `${i.path.join('.') || whole}: ${i.message}`).join('; ');
