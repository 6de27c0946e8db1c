import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { GroundLabelError, messageOf } from '../../shared/errors';
import { jsonSyntaxError } from '../../shared/json-text';
import { MANIFEST_FILE, readShardManifest, resultLineSchema, firstIssue, type ResultLine } from './manifest';
import type { FoundShard } from './merge-check';
import { count } from '../../shared/plural';

const SHARD_FOLDER = /^shard-\d+-of-\d+$/;

const bad = (message: string) => new GroundLabelError('bad-argument', message);
const invalid = (message: string) => new GroundLabelError('label-file-invalid', message);

/**
 * The shard outputs under the `--from` folders. A folder with a manifest is a shard; a folder without
 * one is read as a run's `--out`, holding `shard-K-of-N` folders (a shard that never finished has
 * none there, and counts as missing). Anything else is an error naming the folder.
 */
export async function findShards(from: readonly string[]): Promise<FoundShard[]> {
  const found: FoundShard[] = [];
  for (const given of from) {
    const dir = path.resolve(given);
    const info = await stat(dir).catch(() => null);
    if (!info?.isDirectory()) throw bad(`--from ${given} is not a folder`);
    const manifest = await readShardManifest(dir);
    if (manifest) {
      found.push({ dir, manifest });
      continue;
    }
    const names = (await readdir(dir)).filter((n) => SHARD_FOLDER.test(n)).sort();
    const inside: FoundShard[] = [];
    for (const n of names) {
      const m = await readShardManifest(path.join(dir, n));
      if (m) inside.push({ dir: path.join(dir, n), manifest: m });
    }
    if (inside.length === 0)
      throw bad(
        `--from ${given} holds no shard output: neither a ${MANIFEST_FILE} (a shard's folder) nor finished shard-K-of-N folders (a run's --out)`,
      );
    found.push(...inside);
  }
  return found;
}

/** What a shard's results say about its images, checked against its manifest. */
export async function readShardResults(shard: FoundShard): Promise<ResultLine[]> {
  const { manifest } = shard;
  const file = path.join(shard.dir, manifest.results.file);
  const hash = createHash('sha256');
  const lines: ResultLine[] = [];
  let n = 0;
  try {
    const input = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const text of input) {
      n += 1;
      hash.update(`${text}\n`, 'utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw invalid(`${file}:${n} is ${jsonSyntaxError(text, e).why}`);
      }
      const parsed = resultLineSchema.safeParse(json);
      if (!parsed.success) throw invalid(`${file}:${n}: ${firstIssue(parsed.error)}`);
      lines.push(parsed.data);
    }
  } catch (e) {
    if (e instanceof GroundLabelError) throw e;
    throw new GroundLabelError('io-failed', `Could not read ${file}: ${messageOf(e)}`, { cause: e });
  }
  // The manifest is written after the results: a results file that no longer matches it was changed since.
  if (hash.digest('hex') !== manifest.results.sha256)
    throw invalid(
      `${file} is not the file its shard wrote (its sha256 differs from the manifest's); rerun the shard`,
    );
  const list = manifest.images.list;
  const odd = lines.findIndex((l, i) => l.relPath !== list[i]);
  if (odd >= 0 || lines.length !== list.length)
    throw invalid(
      `${file} does not list the images of its manifest (${count(lines.length, 'line')} for ${count(list.length, 'image')}); rerun the shard`,
    );
  return lines;
}
