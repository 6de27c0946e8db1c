import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** sha256 of a file, as 64 lowercase hex digits (the form sha256sum and Hugging Face show). */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

/** A sha256 as a person or a page writes it (any case, `sha256:` prefix); null when it is not one. */
export function normaliseSha256(text: string): string | null {
  const t = text
    .trim()
    .replace(/^sha256:/i, '')
    .toLowerCase();
  return /^[0-9a-f]{64}$/.test(t) ? t : null;
}
