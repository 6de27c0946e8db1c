import { describe, expect, it } from 'vitest';
import { caught } from '../main/inference/__test__/helpers';
import { parseModelsArgs } from './models-args';

describe('parseModelsArgs', () => {
  it('reads list, add with its options, and remove', () => {
    expect(parseModelsArgs(['list'])).toEqual({ action: 'list' });
    expect(
      parseModelsArgs(['add', 'https://example.org/m.onnx', '--sha256', 'AB'.repeat(32), '--name', ' Mine ']),
    ).toEqual({
      action: 'add',
      target: 'https://example.org/m.onnx',
      sha256: 'ab'.repeat(32),
      name: 'Mine',
      link: false,
    });
    expect(parseModelsArgs(['add', './model', '--link'])).toMatchObject({ target: './model', link: true });
    expect(parseModelsArgs(['remove', 'colour-fixture-b'])).toEqual({
      action: 'remove',
      name: 'colour-fixture-b',
    });
    expect(parseModelsArgs(['--help'])).toBe('help');
  });

  it('refuses a missing or unknown action, a bad sha256, and add options elsewhere', async () => {
    expect((await caught(() => parseModelsArgs([]), 'bad-argument')).message).toContain(
      'list, add or remove',
    );
    expect((await caught(() => parseModelsArgs(['fetch']), 'bad-argument')).message).toBe(
      '"fetch" is not list, add or remove',
    );
    expect(
      (await caught(() => parseModelsArgs(['add', 'm.onnx', '--sha256', 'abc']), 'bad-argument')).message,
    ).toBe('--sha256 must be 64 hex digits, got "abc"');
    expect((await caught(() => parseModelsArgs(['remove', 'm', '--link']), 'bad-argument')).message).toBe(
      '--link goes with add',
    );
    expect((await caught(() => parseModelsArgs(['add']), 'bad-argument')).message).toContain('add takes one');
  });
});
