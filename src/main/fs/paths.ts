import path from 'node:path';

/**
 * True when `child` resolves to `parent` itself or somewhere below it. A bare `startsWith('..')`
 * would refuse a name like `..model.onnx`, and on Windows a path on another drive comes back from
 * `path.relative` as absolute.
 */
export function isInside(parent: string, child: string, { allowSame = true } = {}): boolean {
  const rel = path.relative(path.resolve(parent), path.resolve(child));
  if (rel === '') return allowSame;
  return !(rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel));
}
