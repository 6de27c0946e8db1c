/**
 * The feeds GroundLabel built for each image, written as raw little-endian arrays plus a manifest,
 * so that the bare contestants run the model on exactly the same tensors.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FeedTensor } from '../../src/main/inference/tensors';

type Manifest = {
  readonly type: FeedTensor['type'];
  readonly dims: readonly number[];
  readonly file: string;
}[][];
type Named = { readonly name: string } & FeedTensor;

const MANIFEST = 'manifest.json';

export async function writeFeeds(
  dir: string,
  perImage: readonly Record<string, FeedTensor>[],
): Promise<void> {
  const manifest: (Manifest[number][number] & { name: string })[][] = [];
  for (const [i, feeds] of perImage.entries()) {
    const entries = [];
    for (const [name, t] of Object.entries(feeds)) {
      const file = `${i}.${name}.bin`;
      await writeFile(path.join(dir, file), Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      entries.push({ name, type: t.type, dims: t.dims, file });
    }
    manifest.push(entries);
  }
  await writeFile(path.join(dir, MANIFEST), JSON.stringify(manifest));
}

const VIEW = {
  float32: (b: ArrayBuffer) => new Float32Array(b),
  int64: (b: ArrayBuffer) => new BigInt64Array(b),
  bool: (b: ArrayBuffer) => new Uint8Array(b),
};

export async function readFeeds(dir: string): Promise<Named[][]> {
  const manifest = JSON.parse(
    await readFile(path.join(dir, MANIFEST), 'utf8'),
  ) as (Manifest[number][number] & {
    name: string;
  })[][];
  const images: Named[][] = [];
  for (const entries of manifest) {
    const feeds: Named[] = [];
    for (const e of entries) {
      const bytes = await readFile(path.join(dir, e.file));
      const own = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      feeds.push({ name: e.name, type: e.type, dims: e.dims, data: VIEW[e.type](own) } as Named);
    }
    images.push(feeds);
  }
  return images;
}

/**
 * Pads an image's feeds to at least `to` (H×W): pixel_values with zeros, pixel_mask with 0 (padding)
 * outside the image, as a batch of differently sized images is fed to a Hugging Face model.
 */
export function padFeeds(feeds: readonly Named[], to: { height: number; width: number }): Named[] {
  return feeds.map((f) => {
    if (f.name !== 'pixel_values' && f.name !== 'pixel_mask') return f;
    const [h, w] = f.dims.slice(-2);
    const H = Math.max(h, to.height);
    const W = Math.max(w, to.width);
    const planes = f.name === 'pixel_values' ? 3 : 1;
    const data = f.type === 'float32' ? new Float32Array(planes * H * W) : new BigInt64Array(planes * H * W);
    for (let p = 0; p < planes; p++) {
      for (let y = 0; y < h; y++) {
        const from = (p * h + y) * w;
        data.set(f.data.subarray(from, from + w) as never, (p * H + y) * W);
      }
    }
    return { ...f, data, dims: [...f.dims.slice(0, -2), H, W] } as Named;
  });
}
