import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_VOCAB_PATH, caught, tempDirs } from './__test__/helpers';
import {
  BERT_VOCAB_SHA256,
  bertTokenizerJson,
  loadBundledVocab,
  loadTokenizer,
  tokenizerFromJson,
  tokenizerFromVocab,
  type TextTokenizer,
} from './tokenizer';

const newDir = tempDirs('tokenizer');

/** A BERT WordPiece tokenizer.json over a tiny vocabulary whose ids differ from bert-base-uncased's. */
const tinyTokenizerJson = (vocab: Record<string, number>): object => bertTokenizerJson(vocab);

const JSON_VOCAB = {
  '[PAD]': 0,
  '[UNK]': 1,
  '[CLS]': 2,
  '[SEP]': 3,
  '[MASK]': 4,
  '.': 5,
  '?': 6,
  cat: 7,
  dog: 8,
};
/** As vocab.txt: one token a line, id = line number; here `cat` is 8 and `dog` 7. */
const TXT_VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', '.', '?', 'dog', 'cat'].join('\n') + '\n';

const withSpecials = (t: TextTokenizer, text: string) => [t.ids.cls, ...t.encodeBare(text), t.ids.sep];

describe('the bundled vocabulary', () => {
  let bert: TextTokenizer;
  beforeAll(async () => {
    bert = await loadBundledVocab(BUNDLED_VOCAB_PATH);
  });

  it('loads the bundled bert-base-uncased vocab.txt, whose sha256 is the canonical one', async () => {
    const bytes = await readFile(BUNDLED_VOCAB_PATH);
    expect(bytes.length).toBe(231_508);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(BERT_VOCAB_SHA256);
    expect(bert.source).toBe(BUNDLED_VOCAB_PATH);
  });

  it('knows the special and delimiter ids of model-inputs §2', () => {
    expect(bert.ids).toEqual({ cls: 101, sep: 102, dot: 1012, question: 1029 });
    expect(bert.tokenOf(0)).toBe('[PAD]');
    expect(bert.tokenOf(100)).toBe('[UNK]');
    expect(bert.tokenOf(103)).toBe('[MASK]');
    expect(bert.tokenOf(1010)).toBe(',');
    expect(bert.tokenOf(30_521)).toBe('##～');
  });

  it.each([
    ['cat . dog .', [101, 4937, 1012, 3899, 1012, 102]],
    ['a cat.', [101, 1037, 4937, 1012, 102]],
    ['chair . person . dog .', [101, 3242, 1012, 2711, 1012, 3899, 1012, 102]],
    ['traffic light . fire hydrant .', [101, 4026, 2422, 1012, 2543, 26018, 3372, 1012, 102]],
    ['tricycle . van .', [101, 13012, 23490, 1012, 3158, 1012, 102]],
    ['Café . naïve dog', [101, 7668, 1012, 15743, 3899, 102]],
    ['person? hat', [101, 2711, 1029, 6045, 102]],
    ['t-shirt .', [101, 1056, 1011, 3797, 1012, 102]],
    ['strawberries', [101, 13137, 20968, 102]],
  ])('gives the contract ids for %j', (caption, ids) => {
    expect(withSpecials(bert, caption)).toEqual(ids);
  });

  it('maps a word longer than 100 characters to [UNK]', () => {
    expect(bert.encodeBare('a'.repeat(101))).toEqual([100]);
  });

  it('shows ## continuation pieces as they are in the vocabulary', () => {
    expect(bert.encodeBare('tricycle').map(bert.tokenOf)).toEqual(['tri', '##cycle']);
  });

  it('refuses a modified copy of the vocabulary with tokenizer-invalid, naming the file', async () => {
    const dir = await newDir();
    const file = path.join(dir, 'vocab.txt');
    const text = await readFile(BUNDLED_VOCAB_PATH, 'utf8');
    const modified = text.replace('\ncat\n', '\nkat\n');
    expect(modified).not.toBe(text);
    await writeFile(file, modified);
    const e = await caught(() => loadBundledVocab(file), 'tokenizer-invalid');
    expect(e.message).toContain(file);
    expect(e.message).toContain(BERT_VOCAB_SHA256);
  });

  it('accepts an unmodified copy of the vocabulary anywhere', async () => {
    const dir = await newDir();
    const file = path.join(dir, 'vocab.txt');
    await copyFile(BUNDLED_VOCAB_PATH, file);
    expect((await loadBundledVocab(file)).encodeBare('dog')).toEqual([3899]);
  });

  it('reports a missing bundled vocabulary with tokenizer-missing, naming the file', async () => {
    const file = path.join(await newDir(), 'nowhere', 'vocab.txt');
    const e = await caught(() => loadBundledVocab(file), 'tokenizer-missing');
    expect(e.message).toContain(file);
  });

  it('loads one tokenizer per file and shares it, and tries a file that failed again', async () => {
    expect(await loadBundledVocab(BUNDLED_VOCAB_PATH)).toBe(await loadBundledVocab(BUNDLED_VOCAB_PATH));
    const file = path.join(await newDir(), 'vocab.txt');
    await caught(() => loadBundledVocab(file), 'tokenizer-missing');
    await copyFile(BUNDLED_VOCAB_PATH, file);
    expect((await loadBundledVocab(file)).encodeBare('dog')).toEqual([3899]);
  });
});

describe('loadTokenizer', () => {
  it("prefers the model folder's tokenizer.json over its vocab.txt and the bundled one", async () => {
    const dir = await newDir();
    await writeFile(path.join(dir, 'tokenizer.json'), JSON.stringify(tinyTokenizerJson(JSON_VOCAB)));
    await writeFile(path.join(dir, 'vocab.txt'), TXT_VOCAB);
    const t = await loadTokenizer(dir, BUNDLED_VOCAB_PATH);
    expect(t.source).toBe(path.join(dir, 'tokenizer.json'));
    expect(withSpecials(t, 'cat . dog .')).toEqual([2, 7, 5, 8, 5, 3]);
    expect(t.ids).toEqual({ cls: 2, sep: 3, dot: 5, question: 6 });
  });

  it("uses the model folder's vocab.txt when there is no tokenizer.json", async () => {
    const dir = await newDir();
    await writeFile(path.join(dir, 'vocab.txt'), TXT_VOCAB);
    const t = await loadTokenizer(dir, BUNDLED_VOCAB_PATH);
    expect(t.source).toBe(path.join(dir, 'vocab.txt'));
    expect(withSpecials(t, 'cat . dog .')).toEqual([2, 8, 5, 7, 5, 3]);
  });

  it('falls back to the bundled vocabulary when the model folder brings no tokenizer', async () => {
    const dir = await newDir();
    const t = await loadTokenizer(dir, BUNDLED_VOCAB_PATH);
    expect(t.source).toBe(BUNDLED_VOCAB_PATH);
    expect(withSpecials(t, 'cat . dog .')).toEqual([101, 4937, 1012, 3899, 1012, 102]);
  });

  it('uses the bundled vocabulary when there is no model folder', async () => {
    const t = await loadTokenizer(null, BUNDLED_VOCAB_PATH);
    expect(t.source).toBe(BUNDLED_VOCAB_PATH);
  });

  it('still checks the bundled vocabulary when falling back to it', async () => {
    const dir = await newDir();
    const bad = path.join(dir, 'bundled.txt');
    await writeFile(bad, TXT_VOCAB);
    const empty = await newDir();
    await caught(() => loadTokenizer(empty, bad), 'tokenizer-invalid');
  });

  it('refuses a tokenizer.json that is not JSON with tokenizer-invalid, naming the file', async () => {
    const dir = await newDir();
    await writeFile(path.join(dir, 'tokenizer.json'), '{"version": "1.0", "model": ');
    const e = await caught(() => loadTokenizer(dir, BUNDLED_VOCAB_PATH), 'tokenizer-invalid');
    expect(e.message).toContain(path.join(dir, 'tokenizer.json'));
  });

  it('refuses a tokenizer.json that is JSON but no tokenizer with tokenizer-invalid, naming the file', async () => {
    const dir = await newDir();
    await writeFile(path.join(dir, 'tokenizer.json'), JSON.stringify({ hello: 'world' }));
    const e = await caught(() => loadTokenizer(dir, BUNDLED_VOCAB_PATH), 'tokenizer-invalid');
    expect(e.message).toContain(path.join(dir, 'tokenizer.json'));
  });

  it('refuses a tokenizer.json without the delimiter tokens with tokenizer-invalid', async () => {
    const vocab: Record<string, number> = { ...JSON_VOCAB };
    delete vocab['?'];
    await caught(() => tokenizerFromJson(tinyTokenizerJson(vocab), 'x/tokenizer.json'), 'tokenizer-invalid');
  });

  it("refuses a model folder's vocab.txt without BERT's special tokens with tokenizer-invalid, naming the file", async () => {
    const dir = await newDir();
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'vocab.txt'), 'hello\nworld\n');
    const e = await caught(() => loadTokenizer(dir, BUNDLED_VOCAB_PATH), 'tokenizer-invalid');
    expect(e.message).toContain(path.join(dir, 'vocab.txt'));
  });

  it('reads a vocab.txt with Windows line endings like one with Unix line endings', () => {
    const t = tokenizerFromVocab(TXT_VOCAB.replace(/\n/g, '\r\n'), 'crlf/vocab.txt');
    expect(withSpecials(t, 'cat . dog .')).toEqual([2, 8, 5, 7, 5, 3]);
  });
});
