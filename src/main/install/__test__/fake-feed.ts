import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { writeZip } from './zip-writer';

/** The bytes the fake provider libraries hold, so a test can tell them apart. */
export const fakeLibrary = (name: string): Buffer => Buffer.from(`fake ${name} `.repeat(2000));

/**
 * A small stand-in for ONNX Runtime's GPU package: a zip laid out as the .nupkg is, with its
 * .nuspec and fake provider libraries.
 */
export function fakeGpuPackage(id: string, version: string): Buffer {
  const native = 'runtimes/linux-x64/native/';
  return writeZip([
    { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
    {
      name: `${id}.nuspec`,
      data: Buffer.from(
        `<package><metadata><id>${id}</id><version>${version}</version></metadata></package>`,
      ),
    },
    ...[
      'libonnxruntime.so',
      'libonnxruntime_providers_shared.so',
      'libonnxruntime_providers_cuda.so',
      'libonnxruntime_providers_tensorrt.so',
    ].map((name) => ({ name: native + name, data: fakeLibrary(name) })),
  ]);
}

export const sha512Of = (data: Uint8Array): string => createHash('sha512').update(data).digest('base64');

export interface FakeFeedOptions {
  readonly id: string;
  readonly version: string;
  readonly package: Buffer;
  /** The hash the catalog publishes (default: the package's own). */
  readonly publishedSha512?: string;
  /** Bytes of the package sent before the connection is dropped (default: all of them). */
  readonly dropAfter?: number;
}

export interface FakeFeed {
  /** The service index, as --feed takes it. */
  readonly index: string;
  readonly requests: string[];
  close(): Promise<void>;
}

/** A NuGet V3 feed on 127.0.0.1 that serves one package: index, registration leaf, catalog entry, .nupkg. */
export async function startFakeFeed(options: FakeFeedOptions): Promise<FakeFeed> {
  const requests: string[] = [];
  const lowerId = options.id.toLowerCase();
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const json = (value: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (url === '/v3/index.json')
      return json({
        version: '3.0.0',
        resources: [
          { '@id': `${base}/flat/`, '@type': 'PackageBaseAddress/3.0.0' },
          { '@id': `${base}/registration/`, '@type': 'RegistrationsBaseUrl/3.6.0' },
        ],
      });
    if (url === `/registration/${lowerId}/${options.version}.json`)
      return json({
        '@id': `${base}${url}`,
        catalogEntry: `${base}/catalog/${lowerId}.${options.version}.json`,
        packageContent: `${base}/flat/${lowerId}.${options.version}.nupkg`,
      });
    if (url === `/catalog/${lowerId}.${options.version}.json`)
      return json({
        id: options.id,
        version: options.version,
        packageHash: options.publishedSha512 ?? sha512Of(options.package),
        packageHashAlgorithm: 'SHA512',
        packageSize: options.package.length,
      });
    if (url === `/flat/${lowerId}.${options.version}.nupkg`) {
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': options.package.length,
      });
      if (options.dropAfter === undefined) return res.end(options.package);
      res.write(options.package.subarray(0, options.dropAfter), () => res.socket?.destroy());
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    index: `http://127.0.0.1:${port}/v3/index.json`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A feed address nothing listens on: a port taken and released again. */
export async function refusedFeed(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v3/index.json`;
}

/** A stand-in for the onnxruntime-node package (and its onnxruntime-common) to copy beside the provider. */
export async function fakeOrtPackage(dir: string, version: string): Promise<string> {
  const pkg = path.join(dir, 'onnxruntime-node');
  const bin = path.join(pkg, 'bin', 'napi-v6', 'linux', 'x64');
  const common = path.join(pkg, 'node_modules', 'onnxruntime-common');
  await mkdir(bin, { recursive: true });
  await mkdir(path.join(pkg, 'dist'), { recursive: true });
  await mkdir(path.join(common, 'dist', 'cjs'), { recursive: true });
  await writeFile(
    path.join(pkg, 'package.json'),
    JSON.stringify({ name: 'onnxruntime-node', version, main: 'dist/index.js' }),
  );
  await writeFile(path.join(pkg, 'dist', 'index.js'), 'module.exports = {};\n');
  await writeFile(path.join(bin, 'onnxruntime_binding.node'), 'fake binding');
  await writeFile(path.join(bin, 'libonnxruntime.so.1'), 'fake libonnxruntime');
  await writeFile(
    path.join(common, 'package.json'),
    JSON.stringify({
      name: 'onnxruntime-common',
      version,
      main: 'dist/cjs/index.js',
      exports: { require: './dist/cjs/index.js' },
    }),
  );
  await writeFile(path.join(common, 'dist', 'cjs', 'index.js'), 'module.exports = {};\n');
  return pkg;
}
