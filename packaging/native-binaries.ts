import { existsSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DistTarget } from './targets';

/**
 * onnxruntime-node carries every platform's runtime (288 MB in all, about 45 MB each) and sharp's
 * libvips comes as one package per platform. An installer needs only its own.
 */
const ORT_BIN = 'node_modules/onnxruntime-node/bin';
const ORT_PLATFORM_DIR = /^node_modules\/onnxruntime-node\/bin\/napi-v\d+\/([^/]+)\/([^/]+)\//;
const SHARP_PACKAGE = /^node_modules\/@img\/sharp-(?:libvips-)?([a-z0-9]+)-([a-z0-9]+)\//;

/** The files (paths relative to the app folder, with `/`) that another platform's build needs, not this one. */
export function foreignNativeFiles(files: readonly string[], target: DistTarget): string[] {
  return files.filter((file) => {
    const ort = ORT_PLATFORM_DIR.exec(file);
    if (ort) return ort[1] !== target.platform || ort[2] !== target.arch;
    const sharp = SHARP_PACKAGE.exec(file);
    if (sharp) return sharp[1] !== target.platform || sharp[2] !== target.arch;
    return false;
  });
}

/** What the target itself needs: its ONNX Runtime binding, and sharp's package for it. */
export function requiredNativeFiles(target: DistTarget): string[] {
  return [
    `${ORT_BIN}/napi-v6/${target.platform}/${target.arch}/onnxruntime_binding.node`,
    `node_modules/@img/sharp-${target.platform}-${target.arch}/package.json`,
  ];
}

/** The folders of a relative path below node_modules/<package>, innermost first. */
function parentsOf(file: string): string[] {
  const parts = file.split('/');
  const parents: string[] = [];
  for (let n = parts.length - 1; n > 2; n--) parents.push(parts.slice(0, n).join('/'));
  return parents;
}

async function filesUnder(root: string, rel: string): Promise<string[]> {
  const dir = path.join(root, rel);
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

/**
 * Deletes the other platforms' native files from an unpacked app folder (app.asar.unpacked) and
 * checks the target's own are there. Returns what was removed, and its size in bytes.
 */
export async function pruneNativeBinaries(
  appDir: string,
  target: DistTarget,
): Promise<{ readonly removed: string[]; readonly bytes: number }> {
  const files = [...(await filesUnder(appDir, ORT_BIN)), ...(await filesUnder(appDir, 'node_modules/@img'))];
  const removed = foreignNativeFiles(files, target);
  let bytes = 0;
  for (const file of removed) {
    const full = path.join(appDir, file);
    bytes += (await stat(full)).size;
    await rm(full);
  }
  // The folders those files leave empty go too, deepest first.
  const emptied = [...new Set(removed.flatMap((f) => parentsOf(f)))].sort((a, b) => b.length - a.length);
  for (const dir of emptied) {
    const full = path.join(appDir, dir);
    if (existsSync(full) && (await readdir(full)).length === 0) await rm(full, { recursive: true });
  }
  const missing = requiredNativeFiles(target).filter((f) => !existsSync(path.join(appDir, f)));
  if (missing.length)
    throw new Error(
      `The ${target.platform}-${target.arch} app would not run: ${missing.join(', ')} is not installed. ` +
        `Install that platform's packages first (npm install --os=${target.platform} --cpu=${target.arch}), ` +
        'or build on a machine of that platform.',
    );
  return { removed, bytes };
}
