/** The command line of `npm run bench -- --model <folder>`. */
import { parseArgs } from 'node:util';
import { isDevice, type Device } from '../../src/main/inference/devices';
import { DEFAULT_VARIANTS, VARIANTS } from './variants';

export interface ModelBenchArgs {
  readonly model: string;
  readonly device: Device;
  /** A folder of images; without it, `count` photo-like JPEGs of `size` are made. */
  readonly images?: string;
  readonly count: number;
  readonly repeats: number;
  readonly size: { readonly width: number; readonly height: number };
  readonly prompt: string;
  readonly threads?: number;
  readonly variants: readonly string[];
  /** Write V8 CPU profiles of the GroundLabel side (main and model threads) here. */
  readonly cpuProf?: string;
}

export const MODEL_BENCH_USAGE = `Usage: npm run bench -- --model <folder-or-onnx> [options]
  --device cpu|webgpu|…   the device for both sides (default cpu)
  --images <folder>       label these images (the first --count of them, by name)
  --count 3               images per turn (made as photo-like JPEGs when --images is not given)
  --repeats 2             turns per contestant, taken in rotating order
  --size 1600x1200        size (WxH) of the images made; 1600x1200 runs the model at 800x1066
  --prompt "…"            default: "person . dog . traffic light . fire hydrant ."
  --threads N             ORT intra-op threads on every side (default: ORT's, one per core)
  --variants a,b,…        contestants (default ${DEFAULT_VARIANTS.join(',')}); known: ${Object.keys(VARIANTS).join(', ')}
  --cpu-prof <folder>     V8 CPU profiles of the GroundLabel processes`;

const positive = (raw: string | undefined, name: string, fallback: number): number => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1, got "${raw}"`);
  return n;
};

export function parseModelBenchArgs(argv: readonly string[]): ModelBenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      model: { type: 'string' },
      device: { type: 'string' },
      images: { type: 'string' },
      count: { type: 'string' },
      repeats: { type: 'string' },
      size: { type: 'string' },
      prompt: { type: 'string' },
      threads: { type: 'string' },
      variants: { type: 'string' },
      'cpu-prof': { type: 'string' },
    },
  });
  if (!values.model) throw new Error('--model is required');
  const device = values.device ?? 'cpu';
  if (!isDevice(device)) throw new Error(`--device "${device}" is not a device GroundLabel knows`);
  const size = /^(\d+)x(\d+)$/i.exec(values.size ?? '1600x1200');
  if (!size) throw new Error(`--size must look like 1600x1200 (width x height), got "${values.size}"`);
  const variants = (values.variants ?? DEFAULT_VARIANTS.join(','))
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  const unknown = variants.filter((v) => !VARIANTS[v]);
  if (unknown.length)
    throw new Error(`unknown --variants ${unknown.join(', ')}; known: ${Object.keys(VARIANTS).join(', ')}`);
  if (!variants.some((v) => VARIANTS[v].side === 'groundlabel'))
    throw new Error('--variants needs at least one groundlabel contestant: it builds the feeds');
  return {
    model: values.model,
    device,
    ...(values.images && { images: values.images }),
    count: positive(values.count, 'count', 3),
    repeats: positive(values.repeats, 'repeats', 2),
    size: { width: Number(size[1]), height: Number(size[2]) },
    prompt: values.prompt ?? 'person . dog . traffic light . fire hydrant .',
    ...(values.threads !== undefined && { threads: positive(values.threads, 'threads', 1) }),
    variants: [...new Set(variants)],
    ...(values['cpu-prof'] && { cpuProf: values['cpu-prof'] }),
  };
}
