import type { Configuration, TargetConfiguration } from 'electron-builder';
import { afterPack } from './after-pack';
import { ASAR_UNPACK } from './asar-layout';
import { DIST_TARGETS, type DistPlatform } from './targets';

const targetsOf = (platform: DistPlatform): TargetConfiguration[] =>
  DIST_TARGETS[platform].targets.map((target) => ({ target, arch: [...DIST_TARGETS[platform].archs] }));

/**
 * electron-builder's configuration: `npm run dist` (packaging/dist.ts) builds one platform and
 * processor from it; `npx electron-builder --config packaging/electron-builder.config.ts` builds
 * every architecture listed here.
 */
export const BUILDER_CONFIG = {
  appId: 'org.groundlabel.app',
  productName: 'GroundLabel',
  executableName: 'groundlabel',
  copyright: 'GroundLabel contributors, Apache-2.0',
  directories: { output: 'dist', buildResources: 'packaging/build' },
  // The built app only: out/ (main, preload, renderer, command lines), the BERT vocabulary and the
  // production dependencies (tsx, which runs the command lines from source in a checkout, is a
  // development one).
  files: ['out/**', 'resources/models/bert-base-uncased/**', 'package.json', '!**/*.map'],
  // groundlabel-cli: the compiled command lines on the machine's own node (resources/bin).
  extraResources: [{ from: 'packaging/bin', to: 'bin' }],
  asar: true,
  asarUnpack: [...ASAR_UNPACK],
  // onnxruntime-node and sharp ship N-API binaries built for every Node and Electron: nothing to rebuild.
  npmRebuild: false,
  afterPack,
  win: { target: targetsOf('win32') },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
  mac: { target: targetsOf('darwin'), category: 'public.app-category.developer-tools' },
  linux: {
    target: targetsOf('linux'),
    category: 'Graphics',
    maintainer: 'GroundLabel contributors',
    synopsis: 'Label images with boxes proposed by Grounding DINO, offline',
  },
} satisfies Configuration;
