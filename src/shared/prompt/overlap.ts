/**
 * Groups of words where one is a kind of another. Running "person . girl . child" as one prompt lets
 * the broader phrase win every box and hides the narrower ones, so such pairs are flagged and the
 * person is advised to run them separately.
 */
const GROUPS: readonly (readonly string[])[] = [
  [
    'person',
    'people',
    'man',
    'woman',
    'men',
    'women',
    'girl',
    'boy',
    'child',
    'children',
    'kid',
    'baby',
    'adult',
    'human',
    'pedestrian',
    'player',
    'rider',
  ],
  [
    'vehicle',
    'car',
    'truck',
    'bus',
    'van',
    'taxi',
    'suv',
    'motorcycle',
    'bicycle',
    'bike',
    'tricycle',
    'trailer',
  ],
  ['animal', 'dog', 'cat', 'bird', 'horse', 'cow', 'sheep', 'puppy', 'kitten', 'pet'],
  ['face', 'head', 'eye', 'mouth', 'nose'],
  ['sign', 'traffic sign', 'stop sign', 'signboard'],
  ['light', 'traffic light', 'lamp', 'street light'],
  ['bag', 'backpack', 'handbag', 'suitcase'],
  ['boat', 'ship', 'canoe', 'kayak'],
  ['plant', 'tree', 'flower', 'bush', 'potted plant'],
];

const groupsOf = (phrase: string): number[] => {
  const words = phrase.toLowerCase().trim();
  const last = words.split(/\s+/).at(-1) ?? words;
  return GROUPS.flatMap((g, i) => (g.includes(words) || g.includes(last) ? [i] : []));
};

/** Pairs of phrases that overlap in meaning, in prompt order. */
export function overlappingPhrases(phrases: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  phrases.forEach((a, i) => {
    const ga = groupsOf(a);
    for (const b of phrases.slice(i + 1)) {
      if (a !== b && groupsOf(b).some((g) => ga.includes(g))) pairs.push([a, b]);
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
