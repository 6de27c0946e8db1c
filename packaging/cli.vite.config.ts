import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = resolve(import.meta.dirname, '..');

/**
 * The command lines as plain JavaScript in out/cli: `node out/cli/groundlabel.mjs <command>`, no tsx.
 * Every pure-JavaScript dependency is bundled in; only the packages with native code stay outside
 * (they are unpacked from the app's asar, where plain node finds them: see builder-config.ts).
 */
export const CLI_EXTERNAL = ['onnxruntime-node', 'sharp'] as const;

export default defineConfig({
  root,
  logLevel: 'warn',
  resolve: {
    alias: [
      {
        find: /^\.\/session-worker-entry$/,
        replacement: resolve(root, 'src/main/inference/session-worker-entry.cli.ts'),
      },
    ],
  },
  ssr: { noExternal: true, external: [...CLI_EXTERNAL] },
  build: {
    ssr: true,
    outDir: resolve(root, 'out/cli'),
    emptyOutDir: true,
    target: 'node20.19',
    minify: false,
    rollupOptions: {
      input: {
        groundlabel: resolve(root, 'src/cli/groundlabel.ts'),
        'session-worker': resolve(root, 'src/main/inference/session-worker.ts'),
      },
      // One folder: paths.ts finds the app two levels above its own file. .mjs: no package.json
      // beside them says these are ES modules.
      output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs' },
    },
  },
});
