/** Prompt phrases as the model sees them: split on '.', trimmed, lower-cased, single-spaced. */
export const normalisePhrase = (p: string): string => p.trim().toLowerCase().replace(/\s+/g, ' ');

export function splitPrompt(text: string): string[] {
  return text.split('.').map(normalisePhrase).filter(Boolean);
}

export function repeatedPhrases(phrases: readonly string[]): string[] {
  return [...new Set(phrases.filter((p, i) => phrases.indexOf(p) !== i))];
}

/**
 * A small taxonomy of words people put together in one prompt although one contains the other:
 * Grounding DINO then gives each object to only one of them. Siblings (dog, cat) are not overlaps.
 */
const HYPONYMS: Readonly<Record<string, readonly string[]>> = {
  person: [
    'man',
    'woman',
    'child',
    'kid',
    'girl',
    'boy',
    'baby',
    'adult',
    'pedestrian',
    'player',
    'worker',
    'rider',
  ],
  child: ['girl', 'boy', 'baby'],
  vehicle: ['car', 'truck', 'bus', 'van', 'taxi', 'motorcycle', 'bicycle', 'scooter', 'suv', 'tractor'],
  car: ['taxi', 'suv'],
  animal: ['dog', 'cat', 'bird', 'horse', 'cow', 'sheep', 'puppy', 'kitten', 'pet'],
  pet: ['dog', 'cat', 'puppy', 'kitten'],
  dog: ['puppy'],
  cat: ['kitten'],
  furniture: ['chair', 'table', 'sofa', 'bed', 'desk', 'bench'],
  fruit: ['apple', 'banana', 'orange'],
};

/** Words that name the same thing. */
const SYNONYMS: readonly (readonly string[])[] = [
  ['person', 'people', 'human'],
  ['child', 'kid', 'children', 'kids'],
  ['bicycle', 'bike'],
  ['motorcycle', 'motorbike'],
  ['sofa', 'couch'],
];

/** The canonical word of a phrase's head noun (its last word), plural folded when the singular is known. */
function head(phrase: string): string {
  const word = phrase.split(' ').pop() ?? '';
  const known = (w: string) =>
    w in HYPONYMS || [...Object.values(HYPONYMS), ...SYNONYMS].some((list) => list.includes(w));
  const singular = !known(word) && word.endsWith('s') && known(word.slice(0, -1)) ? word.slice(0, -1) : word;
  return SYNONYMS.find((group) => group.includes(singular))?.[0] ?? singular;
}

const contains = (a: string, b: string): boolean => HYPONYMS[a]?.includes(b) ?? false;
const bare = (p: string): boolean => !p.includes(' ');

/** Pairs of phrases where one names a kind of the other, or both name the same thing. */
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
