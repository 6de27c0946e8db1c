import path from 'node:path';
import { parseArgs } from 'node:util';
import { normaliseSha512 } from '../main/install/download';
import { NUGET_FEED } from '../main/install/nuget';
import { bad, parseCli } from './args';

export type InstallCudaArgs =
  | {
      readonly mode: 'install';
      readonly from?: string;
      readonly sha512?: string;
      readonly feed: string;
    }
  | { readonly mode: 'download'; readonly folder: string; readonly feed: string };

export const INSTALL_CUDA_USAGE = `Usage: npm run install:cuda -- [--from <file.nupkg> [--sha512 <hash>]] [--download <folder>] [--feed <url>]
Installs ONNX Runtime's CUDA provider for Linux x64 (the NuGet package Microsoft.ML.OnnxRuntime.Gpu.Linux
of the same version as the installed onnxruntime-node), checked against the SHA-512 the feed publishes,
into a folder of your own outside node_modules (GROUNDLABEL_PROVIDERS_DIR moves it).
  --from      install from a package downloaded elsewhere (a machine without a network); it is checked
              against --sha512, else <file>.sha512 beside it, else the feed's hash
  --sha512    the package's SHA-512: 128 hex digits (sha512sum) or NuGet's base64 packageHash
  --download  only download and check the package, into <folder> with <file>.sha512 beside it
  --feed      the NuGet service index (default ${NUGET_FEED})`;

export function parseInstallCudaArgs(argv: readonly string[]): InstallCudaArgs | 'help' {
  const { values, positionals } = parseCli(() =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        from: { type: 'string' },
        sha512: { type: 'string' },
        download: { type: 'string' },
        feed: { type: 'string', default: NUGET_FEED },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }),
  );
  if (values.help) return 'help';
  if (positionals.length) throw bad(`unexpected argument "${positionals[0]}"`);
  try {
    new URL(values.feed);
  } catch {
    throw bad(`--feed must be an address (http:// or https://), got "${values.feed}"`);
  }
  if (values.sha512 !== undefined && !normaliseSha512(values.sha512))
    throw bad(`--sha512 must be 128 hex digits or NuGet's base64 form, got "${values.sha512}"`);
  if (values.sha512 !== undefined && values.from === undefined) throw bad('--sha512 goes with --from <file>');
  if (values.download !== undefined) {
    if (values.from !== undefined) throw bad('--download and --from do not go together');
    return { mode: 'download', folder: path.resolve(values.download), feed: values.feed };
  }
  return {
    mode: 'install',
    ...(values.from !== undefined && { from: path.resolve(values.from) }),
    ...(values.sha512 !== undefined && { sha512: values.sha512 }),
    feed: values.feed,
  };
}
