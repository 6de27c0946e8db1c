/**
 * A small taxonomy of words people put together in one prompt although one contains the other:
 * Grounding DINO then gives each object to only one of them ("person . girl . child" splits one
 * person three ways). Siblings (dog, cat) are different objects and are not listed against each other.
 */
export const HYPONYMS: Readonly<Record<string, readonly string[]>> = {
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
    'driver',
    'cyclist',
  ],
  man: ['boy'],
  woman: ['girl'],
  child: ['girl', 'boy', 'baby'],
  vehicle: [
    'car',
    'truck',
    'bus',
    'van',
    'taxi',
    'motorcycle',
    'bicycle',
    'scooter',
    'suv',
    'tractor',
    'trailer',
    'tricycle',
  ],
  car: ['taxi', 'suv'],
  animal: [
    'dog',
    'cat',
    'bird',
    'horse',
    'cow',
    'sheep',
    'puppy',
    'kitten',
    'pet',
    'elephant',
    'bear',
    'zebra',
  ],
  pet: ['dog', 'cat', 'puppy', 'kitten'],
  dog: ['puppy'],
  cat: ['kitten'],
  furniture: ['chair', 'table', 'sofa', 'bed', 'desk', 'bench', 'shelf', 'cabinet'],
  fruit: ['apple', 'banana', 'orange', 'lemon', 'grape', 'strawberry'],
  bag: ['backpack', 'handbag', 'suitcase'],
  boat: ['ship', 'canoe', 'kayak', 'sailboat'],
  plant: ['tree', 'flower', 'bush', 'shrub'],
};

/** Words that name the same thing; the first of each group stands for it. */
export const SYNONYMS: readonly (readonly string[])[] = [
  ['person', 'people', 'human'],
  ['child', 'kid', 'children', 'kids'],
  ['bicycle', 'bike'],
  ['motorcycle', 'motorbike'],
  ['sofa', 'couch'],
];

/**
 * Compounds that are not a kind of their last word: "hot dog" is no dog, "teddy bear" no bear. The
 * head-word rule ("car . red car") would flag them against the bare word; they name things of their own.
 */
export const NOT_KINDS_OF_HEAD: ReadonlySet<string> = new Set([
  'hot dog',
  'corn dog',
  'teddy bear',
  'gummy bear',
  'sea lion',
  'sea horse',
]);
