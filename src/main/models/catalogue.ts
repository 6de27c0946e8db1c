import type { CatalogueEntry } from '../../shared/models';
import { BERT_VOCAB_SHA256 } from '../inference/tokenizer';

/**
 * Known Grounding DINO exports GroundLabel runs, with where each is published. A sha256 is given
 * only where its publisher states one; the others are computed on download, recorded with the
 * model and shown, so a copy made later can be checked against it. Hugging Face files are pinned
 * to a revision where one is known, so the bytes cannot change under the same address.
 */
const XANY_RELEASES = 'https://github.com/CVHub520/X-AnyLabeling/releases/download';
const TINY_REV = 'ff690b0a8050566c290287545bd059350f3e9096';
const hf = (repo: string, rev: string, file: string) =>
  `https://huggingface.co/${repo}/resolve/${rev}/${file}`;
const hfFolder = (repo: string, rev: string, files: readonly string[]) =>
  files.map((path) => ({ path, url: hf(repo, rev, path), bytes: null, sha256: null }));

/** X-AnyLabeling's exports of the original repository's Swin-T. */
const X_ANYLABELING = {
  flavour: 'A',
  publisher: 'X-AnyLabeling',
  sourcePage: 'https://github.com/CVHub520/X-AnyLabeling/blob/main/docs/en/model_zoo.md',
  licence: 'Apache-2.0 (IDEA-Research Grounding DINO weights)',
} as const;

/** The files of an onnx-community export laid out for transformers.js: the model and its processors. */
const TRANSFORMERS_JS_FILES = [
  'onnx/model.onnx',
  'config.json',
  'preprocessor_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
];

export const CATALOGUE: readonly CatalogueEntry[] = [
  {
    id: 'xanylabeling-swint-ogc',
    name: 'Grounding DINO Swin-T (X-AnyLabeling)',
    ...X_ANYLABELING,
    approxBytes: null,
    files: [
      {
        path: 'groundingdino_swint_ogc.onnx',
        url: `${XANY_RELEASES}/v0.4.0/groundingdino_swint_ogc.onnx`,
        bytes: null,
        sha256: null,
      },
    ],
    note: 'Traced at 800×1200 and runs at that size only.',
  },
  {
    id: 'xanylabeling-swint-ogc-quant',
    name: 'Grounding DINO Swin-T, int8 (X-AnyLabeling)',
    ...X_ANYLABELING,
    approxBytes: null,
    files: [
      {
        path: 'groundingdino_swint_ogc_quant.onnx',
        url: `${XANY_RELEASES}/v1.0.0/groundingdino_swint_ogc_quant.onnx`,
        bytes: null,
        sha256: null,
      },
    ],
    note: 'Dynamic int8 quantisation of the same model: smaller, not always faster, and its boxes move a little.',
  },
  {
    id: 'grounding-dino-tiny-onnx',
    name: 'Grounding DINO tiny (onnx-community)',
    flavour: 'B',
    publisher: 'onnx-community (Hugging Face)',
    sourcePage: 'https://huggingface.co/onnx-community/grounding-dino-tiny-ONNX',
    licence: 'Apache-2.0',
    approxBytes: 720_000_000,
    files: hfFolder('onnx-community/grounding-dino-tiny-ONNX', TINY_REV, TRANSFORMERS_JS_FILES),
    note: 'Traced with one phrase: prompts of several phrases may get a wrong text mask. Use "one pass per phrase", or the fixed-mask re-export.',
  },
  {
    id: 'grounding-dino-base-onnx',
    name: 'Grounding DINO base (onnx-community)',
    flavour: 'B',
    publisher: 'onnx-community (Hugging Face)',
    sourcePage: 'https://huggingface.co/onnx-community/grounding-dino-base-ONNX',
    licence: 'Apache-2.0',
    approxBytes: null,
    files: hfFolder('onnx-community/grounding-dino-base-ONNX', 'main', TRANSFORMERS_JS_FILES),
    note: 'The larger Swin-B model: slower, often better. Exported like the tiny one, with the same one-phrase text mask.',
  },
  {
    id: 'grounding-dino-tiny-fixedmask-onnx',
    name: 'Grounding DINO tiny, fixed text mask (re-export)',
    flavour: 'B',
    publisher: 'mtbui2010 (Hugging Face)',
    sourcePage: 'https://huggingface.co/mtbui2010/grounding-dino-tiny-fixedmask-ONNX',
    licence: 'Apache-2.0',
    approxBytes: 695_000_000,
    files: [
      {
        path: 'model-fixedmask.onnx',
        url: hf('mtbui2010/grounding-dino-tiny-fixedmask-ONNX', 'main', 'model-fixedmask.onnx'),
        bytes: null,
        sha256: 'ae9a0026953c6d5ce5a97b421af84c065d7f07173971cb105edb0071868fc180',
      },
      {
        path: 'vocab.txt',
        url: hf('mtbui2010/grounding-dino-tiny-fixedmask-ONNX', 'main', 'vocab.txt'),
        bytes: 231_508,
        // Stated to be bert-base-uncased's vocabulary unchanged: the file GroundLabel bundles and checks.
        sha256: BERT_VOCAB_SHA256,
      },
    ],
    note: 'The tiny model re-exported so that prompts of several phrases get the right text mask in one pass.',
  },
];

export const catalogueEntry = (id: string): CatalogueEntry | undefined => CATALOGUE.find((e) => e.id === id);
