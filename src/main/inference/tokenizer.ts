import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { GroundLabelError, messageOf } from '../../shared/errors';
import { parseJsonText } from '../../shared/json-text';

/** sha256 of the canonical bert-base-uncased vocab.txt (30,522 entries, 231,508 bytes). */
export const BERT_VOCAB_SHA256 = '07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3';

/** What the inference pipeline needs from a tokenizer: ids with [CLS]/[SEP], and ids back to text. */
export interface TextTokenizer {
  /** Ids of `text` without [CLS]/[SEP]. */
  encodeBare(text: string): number[];
  /** Vocabulary entry of an id (`##` pieces kept), for showing the raw decoded text. */
  tokenOf(id: number): string;
  /** Ids that open, close or separate sub-sentences (docs/model-inputs.md §2: [CLS], [SEP], `.`, `?`). */
  readonly ids: TokenIds;
  readonly source: string;
}

export interface TokenIds {
  readonly cls: number;
  readonly sep: number;
  readonly dot: number;
  readonly question: number;
}

function parseVocab(text: string, file: string): Record<string, number> {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const vocab: Record<string, number> = {};
  lines.forEach((token, id) => (vocab[token] = id));
  for (const t of ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']) {
    if (!(t in vocab))
      throw new GroundLabelError('tokenizer-invalid', `${file} has no ${t} entry; is it a BERT vocab.txt?`);
  }
  return vocab;
}

/** A BERT WordPiece tokenizer.json equivalent to bert-base-uncased's, built from a vocab. */
export function bertTokenizerJson(vocab: Record<string, number>): object {
  const added = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((content) => ({
    id: vocab[content],
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  const special = (id: string) => ({ SpecialToken: { id, type_id: 0 } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]')],
      pair: [
        special('[CLS]'),
        { Sequence: { id: 'A', type_id: 0 } },
        special('[SEP]'),
        { Sequence: { id: 'B', type_id: 1 } },
        special('[SEP]'),
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [vocab['[CLS]']], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [vocab['[SEP]']], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  };
}

function wrap(tokenizer: Tokenizer, source: string): TextTokenizer {
  const vocab = tokenizer.get_vocab(true);
  const idToToken = new Map<number, string>();
  for (const [token, id] of vocab) idToToken.set(id, token);
  const idOf = (token: string): number => {
    const id = vocab.get(token);
    if (id === undefined)
      throw new GroundLabelError('tokenizer-invalid', `${source} has no "${token}" token.`);
    return id;
  };
  return {
    source,
    ids: { cls: idOf('[CLS]'), sep: idOf('[SEP]'), dot: idOf('.'), question: idOf('?') },
    encodeBare: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
    tokenOf: (id) => idToToken.get(id) ?? '[UNK]',
  };
}

export function tokenizerFromVocab(text: string, source: string): TextTokenizer {
  return wrap(new Tokenizer(bertTokenizerJson(parseVocab(text, source)), {}), source);
}

export function tokenizerFromJson(json: unknown, source: string): TextTokenizer {
  try {
    return wrap(new Tokenizer(json as object, {}), source);
  } catch (e) {
    throw new GroundLabelError(
      'tokenizer-invalid',
      `${source} is not a usable tokenizer.json: ${messageOf(e)}`,
      { cause: e },
    );
  }
}

/** Default location of the bundled vocabulary, relative to the project/app root. */
export const BUNDLED_VOCAB = path.join('resources', 'models', 'bert-base-uncased', 'vocab.txt');

/**
 * One tokenizer per bundled vocabulary file, shared by every model without a tokenizer of its own and
 * by the prompt's analysis: a copy holds the 30,522 entries in several tables (about 4 MB, 60,000
 * objects), which every full garbage collection of the process walks, dozens a second in a batch.
 */
const bundledTokenizers = new Map<string, Promise<TextTokenizer>>();

export function loadBundledVocab(file: string): Promise<TextTokenizer> {
  let loading = bundledTokenizers.get(file);
  if (!loading) {
    loading = readBundledVocab(file);
    bundledTokenizers.set(file, loading);
    // A failure (the file missing or changed) is tried again next time.
    loading.catch(() => bundledTokenizers.delete(file));
  }
  return loading;
}

async function readBundledVocab(file: string): Promise<TextTokenizer> {
  if (!existsSync(file)) {
    throw new GroundLabelError(
      'tokenizer-missing',
      `The bundled vocabulary ${file} is missing; reinstall GroundLabel or put a vocab.txt or tokenizer.json next to the model.`,
    );
  }
  const bytes = await readFile(file);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== BERT_VOCAB_SHA256) {
    throw new GroundLabelError(
      'tokenizer-invalid',
      `${file} is not the bert-base-uncased vocabulary (sha256 ${sha}, expected ${BERT_VOCAB_SHA256}).`,
    );
  }
  return tokenizerFromVocab(bytes.toString('utf8'), file);
}

/** The tokenizer of a model folder: its own tokenizer.json or vocab.txt, else the bundled vocabulary. */
export async function loadTokenizer(modelDir: string | null, bundledVocab: string): Promise<TextTokenizer> {
  if (modelDir) {
    const json = path.join(modelDir, 'tokenizer.json');
    if (existsSync(json)) {
      let parsed: unknown;
      try {
        parsed = parseJsonText(await readFile(json, 'utf8'), json);
      } catch (e) {
        throw new GroundLabelError('tokenizer-invalid', messageOf(e), { cause: e });
      }
      return tokenizerFromJson(parsed, json);
    }
    const vocab = path.join(modelDir, 'vocab.txt');
    if (existsSync(vocab)) return tokenizerFromVocab(await readFile(vocab, 'utf8'), vocab);
  }
  return loadBundledVocab(bundledVocab);
}
