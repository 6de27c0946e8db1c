import { SingleBar } from 'cli-progress';
import { cudaRuntimeFailure } from '../main/inference/providers/failures';
import { providersRoot } from '../main/inference/providers/install-location';
import { missingCudaRuntime, systemProbe } from '../main/inference/providers/system-probe';
import { downloadCudaPackage, installCudaProvider } from '../main/install/cuda-install';
import { log, runCommand } from './command';
import { INSTALL_CUDA_USAGE, parseInstallCudaArgs, type InstallCudaArgs } from './install-cuda-args';

const MiB = 2 ** 20;

/** A bar in MiB on stderr; a line every few seconds when stderr is not a terminal. */
function downloadProgress() {
  let bar: SingleBar | null = null;
  return {
    update(received: number, total: number | undefined) {
      if (!bar) {
        bar = new SingleBar({
          stream: process.stderr,
          format: 'downloading [{bar}] {value}/{total} MiB',
          noTTYOutput: !process.stderr.isTTY,
          notTTYSchedule: 5000,
          hideCursor: process.stderr.isTTY,
        });
        bar.start(Math.ceil((total ?? received) / MiB), 0);
      }
      bar.update(Math.floor(received / MiB));
    },
    stop: () => bar?.stop(),
  };
}

/** Says whether the CUDA 12 runtime and cuDNN 9 this provider needs are on this machine. */
function reportRuntime(): number {
  const missing = missingCudaRuntime(systemProbe());
  if (!missing.length) {
    log('CUDA 12 and cuDNN 9 load here: models can run with --device cuda (auto tries it first).');
    return 0;
  }
  const f = cudaRuntimeFailure(missing);
  log(`warning: ${f.reason}`);
  log(`warning: ${f.advice} Until then, auto passes CUDA over and says why.`);
  return 0;
}

async function run(args: InstallCudaArgs): Promise<number> {
  if ((process.env.HTTPS_PROXY || process.env.https_proxy) && !('from' in args && args.from))
    log(
      'note: HTTPS_PROXY is set, but this download does not go through a proxy; if it cannot connect, use --download on another machine and --from here.',
    );
  const progress = downloadProgress();
  try {
    if (args.mode === 'download') {
      const file = await downloadCudaPackage(args.folder, {
        feed: args.feed,
        log,
        onProgress: progress.update,
      });
      progress.stop();
      log(`checked and saved ${file} (its SHA-512 in ${file}.sha512)`);
      log(`On the machine without a network: npm run install:cuda -- --from ${file}`);
      return 0;
    }
    const installed = await installCudaProvider({
      root: providersRoot(),
      feed: args.feed,
      from: args.from,
      sha512: args.sha512,
      log,
      onProgress: progress.update,
    });
    progress.stop();
    log(`installed ${installed.manifest.source.package} into ${installed.dir}`);
    log(`(SHA-512 ${installed.manifest.source.sha512}, checked)`);
    return reportRuntime();
  } finally {
    progress.stop();
  }
}

const code = await runCommand(process.argv.slice(2), {
  usage: INSTALL_CUDA_USAGE,
  parse: parseInstallCudaArgs,
  run,
  failure: (badArgument) => (badArgument ? 2 : 1),
});
process.exitCode = code;
