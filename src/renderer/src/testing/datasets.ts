/** Two classes and no prompt history: the project most tests open. */
export const catAndDogMeta = {
  classes: [
    { id: 'c1', name: 'cat', color: '#ff0000' },
    { id: 'c2', name: 'dog', color: '#00ff00' },
  ],
  phraseClasses: {},
  promptHistory: [],
};

/** `n` images of 320 × 240, named so that they sort in the order they were made. */
export const numberedImages = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    relPath: `img${String(i).padStart(5, '0')}.jpg`,
    width: 320,
    height: 240,
  }));
