/**
 * The app as `npm run dist` lays it out, before it becomes an installer: electron-builder runs whole
 * (the real configuration and afterPack hook) on the production bundle in out/, with a stand-in for
 * the Electron binary, which cannot be downloaded here.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import * as asar from '@electron/asar';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDirs } from '../src/main/inference/__test__/helpers';
import { appRoot } from '../src/main/paths';
import { writeSceneFolder } from '../test/fixtures/images';
import { writeFixtureModels } from '../test/fixtures/model-folders';
import { outputOf, type CliResult } from '../test/cli/run-cli';
import { packageLinuxApp } from './__test__/package-app';
import { writeStandInElectron } from './__test__/stand-in-electron';
import { NATIVE_FILE } from './asar-layout';

const tempDir = tempDirs('gl-packaged');
const arch = process.arch === 'arm64' || process.arch === 'x64' ? process.arch : null;
// The stand-in is a Linux Electron, and the command lines must load this machine's own binaries.
const runsHere = process.platform === 'linux' && arch !== null;
if (!runsHere)
  console.warn(
    `Skipping the packaged-app checks: they lay out a Linux app, and this is ${process.platform}-${process.arch}.`,
  );

interface HeaderNode {
  files?: Record<string, HeaderNode>;
  unpacked?: boolean;
  link?: string;
}

/** Every file of an asar header, with whether it is unpacked. */
function headerFiles(node: HeaderNode, prefix = ''): { path: string; unpacked: boolean }[] {
  return Object.entries(node.files ?? {}).flatMap(([name, child]) =>
    child.files
      ? headerFiles(child, `${prefix}${name}/`)
      : child.link
        ? []
        : [{ path: `${prefix}${name}`, unpacked: child.unpacked === true }],
  );
}

function run(
  cmd: string,
  args: readonly string[],
  cwd: string,
  extraEnv: Record<string, string> = {},
): Promise<CliResult> {
  // Plain node: no loader, no NODE_OPTIONS, nothing of the checkout on its module path.
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...extraEnv };
  return outputOf(spawn(cmd, args, { cwd, env }));
}

describe.skipIf(!runsHere)('the packaged app', () => {
  let executable: string;
  let resources: string;
  let unpacked: string;
  let files: { path: string; unpacked: boolean }[];

  beforeAll(async () => {
    const work = await tempDir();
    const version = (
      JSON.parse(readFileSync(path.join(appRoot(), 'node_modules/electron/package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    const app = await packageLinuxApp(
      await writeStandInElectron(path.join(work, 'electron'), version),
      path.join(work, 'dist'),
      arch!,
    );
    executable = app.executable;
    resources = app.resources;
    unpacked = app.unpacked;
    files = headerFiles(asar.getRawHeader(app.asar).header as HeaderNode);
  }, 300_000);

  it('packs the production bundle and its dependencies, and no source, test or development tool', () => {
    const names = new Set(files.map((f) => f.path));
    for (const f of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'package.json'])
      expect(names.has(f), f).toBe(true);
    expect(names.has('resources/models/bert-base-uncased/vocab.txt')).toBe(true);
    expect(files.some((f) => f.path.startsWith('node_modules/zod/'))).toBe(true);
    const packages = new Set(
      files.map((f) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f.path)?.[1]).filter(Boolean),
    );
    for (const dev of [
      'tsx',
      'esbuild',
      'electron',
      'electron-builder',
      'vitest',
      'vite',
      'typescript',
      'playwright-core',
    ])
      expect(packages.has(dev), dev).toBe(false);
    expect(
      files.filter((f) => /^(src|test|e2e|packaging)\//.test(f.path) || f.path.endsWith('.map')),
    ).toEqual([]);
  });

  it('keeps every .node, .so, .dll and .dylib in app.asar.unpacked, and those of this machine on disk', () => {
    const native = files.filter((f) => NATIVE_FILE.test(f.path));
    expect(native.filter((f) => !f.unpacked)).toEqual([]);
    const own = native.filter(
      (f) => f.path.includes(`/linux/${arch}/`) || f.path.includes(`-linux-${arch}/`),
    );
    expect(own.map((f) => path.basename(f.path)).sort()).toEqual(
      expect.arrayContaining([
        'libonnxruntime.so.1',
        'onnxruntime_binding.node',
        `sharp-linux-${arch}-0.35.5.node`,
      ]),
    );
    for (const f of own) expect(existsSync(path.join(unpacked, f.path)), f.path).toBe(true);
    // The model's worker thread starts from a real file.
    expect(
      files.filter((f) => /^out\/main\/chunks\/session-worker-[^/]+\.js$/.test(f.path) && f.unpacked),
    ).toHaveLength(1);
  });

  it('carries only this platform onnxruntime binaries', async () => {
    const bin = path.join(unpacked, 'node_modules/onnxruntime-node/bin/napi-v6');
    const left = (await readdir(bin, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    expect(new Set(left.map((e) => path.relative(bin, e.parentPath)))).toEqual(new Set([`linux/${arch}`]));
    let bytes = 0;
    for (const e of left) bytes += (await stat(path.join(e.parentPath, e.name))).size;
    console.log(`onnxruntime-node binaries in the linux-${arch} app: ${(bytes / 1024 ** 2).toFixed(1)} MB`);
  });

  it('sets the fuses in the app binary', async () => {
    const wire = await getCurrentFuseWire(executable);
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
  });

  it('runs the compiled command lines from app.asar.unpacked with plain node, a model included', async () => {
    const cli = path.join(unpacked, 'out', 'cli', 'groundlabel.mjs');
    const work = await tempDir();
    expect(existsSync(path.join(unpacked, 'node_modules', 'tsx'))).toBe(false);

    const help = await run(process.execPath, [cli, '--help'], work);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/label .*\n.*batch.*\n.*convert.*\n.*serve/);
    // The launcher shipped beside the app runs the same file.
    const launcher = await run(path.join(resources, 'bin', 'groundlabel-cli'), ['--help'], work);
    expect(launcher).toEqual(help);

    // The model manager, on a models folder of the test's own.
    const list = await run(process.execPath, [cli, 'models', 'list'], work, {
      GROUNDLABEL_MODELS_DIR: path.join(work, 'library'),
    });
    expect(list.code).toBe(0);
    expect(list.stdout + list.stderr).toContain('xanylabeling-swint-ogc');

    const models = await writeFixtureModels(path.join(work, 'models'));
    const images = path.join(work, 'images');
    await writeSceneFolder(images, [
      {
        relPath: 'a.png',
        spec: { width: 320, height: 240, rects: [{ colour: 'red', x1: 20, y1: 20, x2: 160, y2: 120 }] },
      },
    ]);
    const out = path.join(work, 'labels');
    const label = await run(
      process.execPath,
      [
        cli,
        'label',
        '--model',
        models.flavourASmall,
        '--images',
        images,
        '--prompt',
        'red .',
        '--out',
        out,
        '--device',
        'cpu',
      ],
      work,
    );
    expect(label.stderr).toContain('device: cpu');
    expect(label.stderr).not.toContain('main thread');
    expect(label.code).toBe(0);
    const coco = JSON.parse(await readFile(path.join(out, 'annotations.json'), 'utf8')) as {
      annotations: unknown[];
    };
    expect(coco.annotations).toHaveLength(1);
  });

  it('serves the app page to a browser from app.asar.unpacked', async () => {
    const work = await tempDir();
    const cli = path.join(unpacked, 'out', 'cli', 'groundlabel.mjs');
    const child = spawn(process.execPath, [cli, 'serve', '--root', work, '--port', '0'], {
      cwd: work,
      env: { PATH: process.env.PATH ?? '', HOME: work, NO_COLOR: '1' },
    });
    try {
      const address = await new Promise<string>((resolve, reject) => {
        let stdout = '';
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          const url = /^(http:\/\/\S+)$/m.exec(stdout)?.[1];
          if (url) resolve(url);
        });
        child.once('exit', (code) => reject(new Error(`serve stopped with ${code}`)));
      });
      const page = await fetch(new URL('/', address));
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="app">');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
