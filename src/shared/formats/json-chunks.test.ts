import { describe, expect, it } from 'vitest';
import { chunked } from './content';
import { jsonObjectChunks, StreamedArray } from './json-chunks';

const joined = (fields: ReadonlyArray<readonly [string, unknown]>): string =>
  [...jsonObjectChunks(fields)].join('');

const stringified = (fields: ReadonlyArray<readonly [string, unknown]>): string =>
  `${JSON.stringify(Object.fromEntries(fields), null, 2)}\n`;

describe('jsonObjectChunks', () => {
  it('gives the bytes of JSON.stringify(value, null, 2) for nested objects, arrays and strings', () => {
    const fields = [
      ['info', { name: 'a "quoted"\nline', n: 1.5, deep: { list: [1, [2, { x: null }]], empty: {} } }],
      ['none', []],
      ['flag', false],
      ['text', 'ü\u2028'],
    ] as const;
    expect(joined(fields)).toBe(stringified(fields));
  });

  it('streams an array item by item with the same bytes as the array written whole', () => {
    const items = [{ id: 1, bbox: [0.5, 2, 3, 4], segmentation: [] }, { id: 2, tags: ['a'] }, 3, 'x'];
    const chunks = [
      ...jsonObjectChunks([
        ['items', new StreamedArray(items)],
        ['after', 1],
      ]),
    ];
    expect(chunks.join('')).toBe(
      stringified([
        ['items', items],
        ['after', 1],
      ]),
    );
  });

  it('gathers many items into chunks of bounded size', () => {
    const items = Array.from({ length: 5000 }, (_, i) => ({ id: i, name: `item ${i}` }));
    const chunks = [...jsonObjectChunks([['items', new StreamedArray(items)]])];
    expect(chunks.join('')).toBe(stringified([['items', items]]));
    expect(chunks.length).toBeGreaterThan(5);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(20_000);
  });

  it('uses the item serialiser it is given', () => {
    const chunks = jsonObjectChunks([['n', new StreamedArray([1, 2], (v) => String(v * 10))]]);
    expect([...chunks].join('')).toBe('{\n  "n": [\n    10,\n    20\n  ]\n}\n');
  });

  it('writes a streamed array with no items as [] and holes as null, like JSON.stringify', () => {
    const fields = [
      ['a', new StreamedArray([])],
      ['b', new StreamedArray([undefined, 1])],
    ] as const;
    expect(joined(fields)).toBe(
      stringified([
        ['a', []],
        ['b', [undefined, 1]],
      ]),
    );
  });

  it('leaves out fields JSON cannot hold, and writes {} when none is left', () => {
    expect(
      joined([
        ['gone', undefined],
        ['kept', 1],
      ]),
    ).toBe(stringified([['kept', 1]]));
    expect(joined([])).toBe('{}\n');
  });

  it('reads a streamed array lazily, again on every iteration', () => {
    let produced = 0;
    const items = chunked(function* () {
      for (let i = 0; i < 3; i++) {
        produced += 1;
        yield String(i);
      }
    });
    const fields = [['items', new StreamedArray(items)]] as const;
    const chunks = jsonObjectChunks(fields);
    expect(produced).toBe(0);
    chunks.next();
    expect(produced).toBe(0);
    const first = joined(fields);
    expect(produced).toBe(3);
    expect(joined(fields)).toBe(first);
    expect(produced).toBe(6);
  });
});
