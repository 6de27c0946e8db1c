import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GroundLabelError, messageOf } from '../../shared/errors';
import {
  bindingDir,
  bindingPackageDir,
  cudaInstallDir,
  CUDA_PROVIDER_FILES,
  MANIFEST,
  type OrtTarget,
  type ProviderManifest,
} from '../inference/providers/install-location';
import {
  bundledOrtPackageDir,
  bundledOrtTarget,
  ortCommonPackageDir,
} from '../inference/providers/ort-package';
import {
  download,
  hashFile,
  normaliseSha512,
  TransferError,
  UnreachableError,
  type DownloadOptions,
} from './download';
import { nugetOrgPackageUrl, NUGET_FEED, resolvePublished, type PublishedPackage } from './nuget';
import { extractZipEntry, readZipEntries, ZipError, type ZipEntry } from './zip';

/** ONNX Runtime's GPU package for Linux: the CUDA provider libraries for CUDA 12 and cuDNN 9. */
export const CUDA_PACKAGE_ID = 'Microsoft.ML.OnnxRuntime.Gpu.Linux';
const NATIVE = 'runtimes/linux-x64/native/';

export interface CudaInstallOptions {
  /** The providers folder (see providersRoot). */
  readonly root: string;
  readonly feed?: string;
  /** A .nupkg brought by hand instead of downloading it. */
  readonly from?: string;
  /** The SHA-512 `from` must have (base64 or hex); otherwise `<from>.sha512`, otherwise the feed's. */
  readonly sha512?: string;
  /** What the provider is for (default: this app's onnxruntime-node on this machine). */
  readonly target?: OrtTarget;
  /** The onnxruntime-node package copied beside the provider (default: this app's). */
  readonly ortPackageDir?: string;
  readonly onProgress?: DownloadOptions['onProgress'];
  readonly idleTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface CudaInstalled {
  readonly dir: string;
  readonly manifest: ProviderManifest;
}

const fail = (message: string, cause?: unknown) =>
  new GroundLabelError('io-failed', message, cause === undefined ? undefined : { cause });

/** What to do without a network here; named in every message about an unreachable feed. */
function offlineAdvice(id: string, version: string): string {
  return (
    `To install without a network here: on a machine that has one, run \`npm run install:cuda -- --download <folder>\` ` +
    `in a GroundLabel checkout (or download ${nugetOrgPackageUrl(id, version)} by hand), bring the .nupkg here and run ` +
    `\`npm run install:cuda -- --from <file>\`. It is checked against its SHA-512: --download writes it beside the ` +
    `file as <file>.sha512, or pass it with --sha512 <hash> (the packageHash nuget.org publishes for ${id} ${version}). ` +
    `Node's download does not go through HTTPS_PROXY, so behind a proxy bring the file the same way.`
  );
}

function networkFailure(e: unknown, id: string, version: string): GroundLabelError {
  if (e instanceof UnreachableError)
    return fail(
      `Cannot reach ${new URL(e.url).host} (${e.why}) to fetch ${e.url}. ${offlineAdvice(id, version)}`,
      e,
    );
  if (e instanceof TransferError) return fail(`${e.message}. Nothing was installed.`, e);
  return fail(messageOf(e), e);
}

async function published(feed: string, id: string, version: string): Promise<PublishedPackage> {
  try {
    return await resolvePublished(feed, id, version);
  } catch (e) {
    throw networkFailure(e, id, version);
  }
}

function checkHash(file: string, got: string, expected: string, from: string): void {
  if (got !== expected)
    throw fail(
      `${file} does not match the SHA-512 ${from} gives for it (expected ${expected}, got ${got}). ` +
        'It was damaged or replaced on the way; nothing was installed.',
    );
}

/** The hash a hand-brought package must have, and where it came from. */
async function expectedFor(file: string, options: CudaInstallOptions, id: string, version: string) {
  if (options.sha512 !== undefined) {
    const hash = normaliseSha512(options.sha512);
    if (!hash)
      throw new GroundLabelError(
        'bad-argument',
        `--sha512 must be 128 hex digits or NuGet's base64 form, got "${options.sha512}"`,
      );
    return { hash, from: '--sha512' };
  }
  const side = `${file}.sha512`;
  if (existsSync(side)) {
    const hash = normaliseSha512((await readFile(side, 'utf8')).split(/\s/)[0] ?? '');
    if (!hash) throw fail(`${side} holds no SHA-512 (128 hex digits or NuGet's base64 form)`);
    return { hash, from: side };
  }
  const feed = options.feed ?? NUGET_FEED;
  try {
    const p = await resolvePublished(feed, id, version);
    return { hash: p.sha512, from: p.hashFrom };
  } catch (e) {
    throw fail(
      `No SHA-512 to check ${file} against: pass it with --sha512 <hash>, or put it in ${side}` +
        ` (${feed} could not give it: ${messageOf(e)}).`,
      e,
    );
  }
}

/** Sizes of every file under `dir`, relative to it, for the manifest. */
async function listFiles(dir: string, rel = ''): Promise<ProviderManifest['files']> {
  const out: ProviderManifest['files'][number][] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(dir, r)));
    else out.push({ path: r, size: (await stat(path.join(dir, r))).size });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** The version a .nupkg says it is, from its .nuspec. */
async function nuspecOf(file: string, entries: readonly ZipEntry[], scratch: string) {
  const entry = entries.find((e) => !e.name.includes('/') && e.name.endsWith('.nuspec'));
  if (!entry) throw fail(`${file} is not a NuGet package: it holds no .nuspec`);
  const dest = path.join(scratch, 'package.nuspec');
  await extractZipEntry(file, entry, dest);
  const xml = await readFile(dest, 'utf8');
  await rm(dest);
  return {
    id: /<id>\s*([^<]+?)\s*<\/id>/.exec(xml)?.[1],
    version: /<version>\s*([^<]+?)\s*<\/version>/.exec(xml)?.[1],
  };
}

/**
 * Builds the install in a staging folder beside its place: a copy of onnxruntime-node (JavaScript,
 * native binding, libonnxruntime) and onnxruntime-common, the provider libraries out of the
 * package, and the manifest last.
 */
async function stage(
  pkg: string,
  sha512: string,
  source: string,
  options: CudaInstallOptions,
  target: OrtTarget,
) {
  const staging = await mkdtemp(path.join(options.root, '.staging-'));
  try {
    const entries = await readZipEntries(pkg);
    const spec = await nuspecOf(pkg, entries, staging);
    if (spec.id?.toLowerCase() !== CUDA_PACKAGE_ID.toLowerCase() || spec.version !== target.version)
      throw fail(
        `${pkg} is ${spec.id ?? '(no id)'} ${spec.version ?? '(no version)'}; this app's ONNX Runtime needs ` +
          `${CUDA_PACKAGE_ID} ${target.version}. Nothing was installed.`,
      );
    const ortDir = options.ortPackageDir ?? bundledOrtPackageDir();
    const copy = bindingPackageDir(staging);
    await cp(path.join(ortDir, 'package.json'), path.join(copy, 'package.json'));
    await cp(path.join(ortDir, 'dist'), path.join(copy, 'dist'), { recursive: true });
    await cp(bindingDir(ortDir, target), bindingDir(copy, target), { recursive: true });
    await cp(ortCommonPackageDir(ortDir), path.join(staging, 'node_modules', 'onnxruntime-common'), {
      recursive: true,
      filter: (src) => path.basename(src) !== 'node_modules',
    });
    for (const name of CUDA_PROVIDER_FILES) {
      const entry = entries.find((e) => e.name === NATIVE + name);
      if (!entry) throw fail(`${pkg} has no ${NATIVE}${name}. Nothing was installed.`);
      await extractZipEntry(pkg, entry, path.join(bindingDir(copy, target), name));
    }
    const manifest: ProviderManifest = {
      provider: 'cuda',
      onnxruntimeVersion: target.version,
      platform: target.platform,
      arch: target.arch,
      source: { package: `${CUDA_PACKAGE_ID} ${target.version}`, url: source, sha512 },
      files: await listFiles(staging),
      installedAt: new Date().toISOString(),
    };
    await writeFile(path.join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    return { staging, manifest };
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    if (e instanceof ZipError)
      throw fail(`${pkg} is not a usable package: ${e.message}. Nothing was installed.`, e);
    throw e;
  }
}

/** Puts the staged folder in place of any earlier install, by renames, so no reader sees half of one. */
async function swapIn(staging: string, dir: string): Promise<void> {
  const old = `${dir}.old-${randomBytes(4).toString('hex')}`;
  const hadOld = existsSync(dir);
  if (hadOld) await rename(dir, old);
  try {
    await rename(staging, dir);
  } catch (e) {
    if (hadOld) await rename(old, dir).catch(() => undefined);
    throw e;
  }
  if (hadOld) await rm(old, { recursive: true, force: true });
}

/** Leftovers of an installer that was killed: staging folders and partial downloads. */
async function sweep(root: string): Promise<void> {
  for (const name of await readdir(root)) {
    if (/^\.(staging|download)-/.test(name))
      await rm(path.join(root, name), { recursive: true, force: true });
  }
}

function checkPlatform(target: OrtTarget): void {
  if (target.platform !== 'linux' || target.arch !== 'x64')
    throw new GroundLabelError(
      'device-unavailable',
      `The CUDA provider is installed for Linux x64 only, not ${target.platform} ${target.arch}.` +
        (target.platform === 'win32' ? ' On Windows, choose DirectML (--device dml) for the GPU.' : ''),
    );
}

/**
 * Installs the CUDA provider for this app's onnxruntime-node: ONNX Runtime's GPU package of the same
 * version, downloaded from the feed (or brought with `from`), checked against the SHA-512 the feed
 * publishes, and unpacked into `<root>/onnxruntime-<version>-linux-x64-cuda12/`. A failure at any
 * step leaves the earlier state as it was, with no temporary files.
 */
export async function installCudaProvider(options: CudaInstallOptions): Promise<CudaInstalled> {
  const target = options.target ?? bundledOrtTarget();
  checkPlatform(target);
  const id = CUDA_PACKAGE_ID;
  await mkdir(options.root, { recursive: true });
  await sweep(options.root);
  let pkg: string;
  let sha512: string;
  let source: string;
  let temp: string | null = null;
  try {
    if (options.from) {
      pkg = path.resolve(options.from);
      if (!existsSync(pkg)) throw new GroundLabelError('bad-argument', `--from ${pkg} does not exist`);
      const expected = await expectedFor(pkg, options, id, target.version);
      options.log?.(`checking ${pkg} against the SHA-512 from ${expected.from}`);
      sha512 = (await hashFile(pkg)).sha512;
      checkHash(pkg, sha512, expected.hash, expected.from);
      source = pkg;
    } else {
      const p = await published(options.feed ?? NUGET_FEED, id, target.version);
      options.log?.(`downloading ${p.url}${p.size ? ` (${(p.size / 2 ** 20).toFixed(0)} MiB)` : ''}`);
      temp = path.join(options.root, `.download-${randomBytes(4).toString('hex')}.nupkg`);
      try {
        sha512 = (await download(p.url, temp, options)).sha512;
      } catch (e) {
        throw networkFailure(e, id, target.version);
      }
      checkHash(`The package downloaded from ${p.url}`, sha512, p.sha512, p.hashFrom);
      pkg = temp;
      source = p.url;
    }
    const { staging, manifest } = await stage(pkg, sha512, source, options, target);
    const dir = cudaInstallDir(options.root, target);
    await swapIn(staging, dir);
    return { dir, manifest };
  } finally {
    if (temp) await rm(temp, { force: true });
  }
}

/**
 * Downloads and checks the package without installing it, into `folder` with its SHA-512 beside it
 * (`<file>.sha512`), for a machine without a network: `--from <file>` there checks it again.
 */
export async function downloadCudaPackage(
  folder: string,
  options: Pick<CudaInstallOptions, 'feed' | 'target' | 'onProgress' | 'idleTimeoutMs' | 'log'> & {
    readonly version?: string;
  } = {},
): Promise<string> {
  const version = options.version ?? (options.target ?? bundledOrtTarget()).version;
  const id = CUDA_PACKAGE_ID;
  const p = await published(options.feed ?? NUGET_FEED, id, version);
  await mkdir(folder, { recursive: true });
  const file = path.join(folder, `${id.toLowerCase()}.${version}.nupkg`);
  const temp = `${file}.part-${randomBytes(4).toString('hex')}`;
  try {
    options.log?.(`downloading ${p.url}`);
    let got: string;
    try {
      got = (await download(p.url, temp, options)).sha512;
    } catch (e) {
      throw networkFailure(e, id, version);
    }
    checkHash(`The package downloaded from ${p.url}`, got, p.sha512, p.hashFrom);
    await rename(temp, file);
    await writeFile(`${file}.sha512`, `${p.sha512}\n`);
    return file;
  } finally {
    await rm(temp, { force: true });
  }
}
