import { HYPONYMS, NOT_KINDS_OF_HEAD, SYNONYMS } from './hypernyms';

const known = (w: string): boolean =>
  w in HYPONYMS || [...Object.values(HYPONYMS), ...SYNONYMS].some((list) => list.includes(w));

/** The canonical word of a phrase's head noun (its last word), plural folded when the singular is known. */
function head(phrase: string): string {
  if (NOT_KINDS_OF_HEAD.has(phrase)) return phrase;
  const word = phrase.split(' ').pop() ?? '';
  const singular = !known(word) && word.endsWith('s') && known(word.slice(0, -1)) ? word.slice(0, -1) : word;
  return SYNONYMS.find((group) => group.includes(singular))?.[0] ?? singular;
}

const contains = (a: string, b: string): boolean => HYPONYMS[a]?.includes(b) ?? false;
const bare = (p: string): boolean => !p.includes(' ');

/**
 * Pairs of phrases (normalised: lower-case, single-spaced) where one names a kind of the other
 * (the hypernym table), both name the same thing, or one repeats the other's head word bare
 * ("car . red car"), in prompt order.
 */
export function overlappingPhrases(phrases: readonly string[]): [string, string][] {
  const unique = [...new Set(phrases)];
  const pairs: [string, string][] = [];
  unique.forEach((a, i) => {
    for (const b of unique.slice(i + 1)) {
      const [ha, hb] = [head(a), head(b)];
      // "red car . car" overlap, "red car . blue car" do not.
      if (ha === hb ? bare(a) || bare(b) : contains(ha, hb) || contains(hb, ha)) pairs.push([a, b]);
    }
  });
  return pairs;
}

/** Phrases written more than once (case and spacing ignored), each listed once. */
export function repeatedPhrases(prompt: string): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const raw of prompt.toLowerCase().split('.')) {
    const p = raw.trim().replace(/\s+/g, ' ');
    if (!p) continue;
    if (seen.has(p)) repeated.add(p);
    seen.add(p);
  }
  return [...repeated];
}
