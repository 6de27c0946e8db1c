/**
 * What stays outside app.asar, in app.asar.unpacked beside it (paths relative to the app folder).
 * Native libraries cannot be loaded from inside an archive; the command lines run on the machine's
 * own node, which cannot read one at all, so they and everything they load are unpacked too.
 */

/** Packages with native code, and what they import at run time (their install-time helpers stay packed). */
export const UNPACKED_PACKAGES = [
  'onnxruntime-node',
  'onnxruntime-common',
  'sharp',
  '@img',
  'detect-libc',
  'semver',
] as const;

export const ASAR_UNPACK: readonly string[] = [
  ...UNPACKED_PACKAGES.map((name) => `node_modules/${name}/**`),
  // The model's worker thread: it loads onnxruntime-node, and Electron starts it from this real file.
  'out/main/chunks/session-worker-*.js',
  // `groundlabel <command>`: the compiled command lines, the page `serve` serves, the BERT vocabulary.
  'out/cli/**',
  'out/renderer/**',
  'resources/models/**',
];

/** Files of native code, which must never be read from inside the archive. */
export const NATIVE_FILE = /\.(node|so(\.\d+)*|dll|dylib)$/;
