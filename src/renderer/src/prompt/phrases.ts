/** Prompt phrases as the model sees them: split on '.', trimmed, lower-cased, single-spaced. */
export const normalisePhrase = (p: string): string => p.trim().toLowerCase().replace(/\s+/g, ' ');

export function splitPrompt(text: string): string[] {
  return text.split('.').map(normalisePhrase).filter(Boolean);
}

export function repeatedPhrases(phrases: readonly string[]): string[] {
  return [...new Set(phrases.filter((p, i) => phrases.indexOf(p) !== i))];
}

export { overlappingPhrases } from '../../../shared/prompt/overlap';
