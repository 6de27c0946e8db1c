/**
 * npm run conformance: GroundLabel against transformers' Grounding DINO at full size (Swin-T + BERT-base,
 * random weights), printing the parity tables. Needs Python with torch, transformers, onnx,
 * onnxruntime, pillow and numpy; the app itself never does.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { IMAGE_CASES, PROMPT_CASES, imageCase, promptCase } from './cases';
import { DEFAULT_CACHE, exportModel, runParity, type ModelSize } from './harness';
import { INSTALL_HINT, PYTHON, probePython } from './python';
import { formatReport } from './report';

const USAGE = `npm run conformance -- [--help] [--size full|tiny] [--images id,...] [--detect id,...] [--prompts id,...]
    [--all-pairs] [--quantised] [--box-threshold 0.35] [--text-threshold 0.25] [--threads N]
    [--cache DIR] [--json FILE]

  --images      images whose pixel tensors are compared (default: all)
  --detect      images run through both models (default: the eight resize, orientation and colour cases)
  --prompts     prompts run (default: multi-word on every --detect image, plus one-phrase on upscaled,
                several on downscaled and long on model-size)
  --all-pairs   every --detect image with every --prompts prompt
  --quantised   also run onnxruntime's dynamic quantisation of the graph and compare it with fp32
image ids: ${IMAGE_CASES.map((c) => c.id).join(', ')}
prompt ids: ${PROMPT_CASES.map((p) => p.id).join(', ')}`;

const DETECT_DEFAULT = [
  'upscaled',
  'downscaled',
  'portrait',
  'long-side-cap',
  'model-size',
  'exif-rotated',
  'grey',
  'rgba',
];

/** --help: the usage is printed, and nothing run. */
export class HelpAsked extends Error {}

export interface ConformanceArgs {
  readonly size: ModelSize;
  readonly images: string[];
  readonly prompts: string[];
  readonly pairs: [string, string][];
  readonly quantised: boolean;
  readonly box: number;
  readonly text: number;
  readonly threads?: number;
  readonly cache: string;
  readonly json?: string;
}

const list = (s: string | undefined) =>
  s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : undefined;

function threshold(value: string, flag: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new Error(`${flag} must be a number between 0 and 1, not "${value}"`);
  return n;
}

export function parseConformanceArgs(argv: readonly string[]): ConformanceArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      size: { type: 'string', default: 'full' },
      images: { type: 'string' },
      detect: { type: 'string' },
      prompts: { type: 'string' },
      'all-pairs': { type: 'boolean', default: false },
      quantised: { type: 'boolean', default: false },
      'box-threshold': { type: 'string', default: '0.35' },
      'text-threshold': { type: 'string', default: '0.25' },
      threads: { type: 'string' },
      cache: { type: 'string', default: DEFAULT_CACHE },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) throw new HelpAsked();
  if (values.size !== 'full' && values.size !== 'tiny')
    throw new Error(`--size is full or tiny, not "${values.size}"`);
  const detect = (list(values.detect) ?? DETECT_DEFAULT).map((id) => imageCase(id).id);
  const chosenPrompts = list(values.prompts)?.map((id) => promptCase(id).id);
  let pairs: [string, string][];
  if (values['all-pairs'] || chosenPrompts) {
    const prompts = chosenPrompts ?? PROMPT_CASES.map((p) => p.id);
    pairs = detect.flatMap((i) => prompts.map((p): [string, string] => [i, p]));
  } else {
    pairs = detect.map((i): [string, string] => [i, 'multi-word']);
    const extra: [string, string][] = [
      ['upscaled', 'one-phrase'],
      ['downscaled', 'several'],
      ['model-size', 'long'],
    ];
    pairs.push(...extra.filter(([i]) => detect.includes(i)));
  }
  const images = [...new Set([...(list(values.images) ?? IMAGE_CASES.map((c) => c.id)), ...detect])].map(
    (id) => imageCase(id).id,
  );
  const prompts = [...new Set(pairs.map(([, p]) => p))];
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0))
    throw new Error(`--threads must be a positive whole number, not "${values.threads}"`);
  return {
    size: values.size,
    images,
    prompts: prompts.length ? prompts : PROMPT_CASES.map((p) => p.id),
    pairs,
    quantised: values.quantised,
    box: threshold(values['box-threshold'], '--box-threshold'),
    text: threshold(values['text-threshold'], '--text-threshold'),
    threads,
    cache: values.cache,
    json: values.json,
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: ConformanceArgs;
  try {
    args = parseConformanceArgs(argv);
  } catch (e) {
    if (e instanceof HelpAsked) {
      console.log(USAGE);
      return 0;
    }
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const probe = probePython();
  if (!probe.ok) {
    console.error(`conformance: ${probe.reason}.\nIt needs Python (${PYTHON}) with: ${INSTALL_HINT}`);
    return 2;
  }
  const started = performance.now();
  console.error(`exporting the ${args.size} model (cached in ${args.cache})…`);
  const model = await exportModel(args.size, {
    quantised: args.quantised,
    cacheDir: args.cache,
    echo: false,
  });
  console.error(`  ${model.built ? 'built' : 'cached'}: ${model.model} (${model.seconds} s)`);
  const workDir = path.join(args.cache, `run-${args.size}`);
  await mkdir(workDir, { recursive: true });
  const report = await runParity({
    model,
    images: args.images.map(imageCase),
    imageDir: path.join(args.cache, 'images'),
    prompts: args.prompts.map(promptCase),
    pairs: args.pairs,
    thresholds: { box: args.box, text: args.text, nmsIou: null },
    workDir,
    compareLibvips: true,
    intraOpThreads: args.threads,
    onProgress: (line) => console.error(line),
  });
  console.log(formatReport(report));
  console.log(`\n${((performance.now() - started) / 1000).toFixed(0)} s in all`);
  if (args.json) await writeFile(args.json, JSON.stringify(report, null, 1));
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : e);
      process.exit(1);
    },
  );
}
