import { existsSync } from 'node:fs';
import path from 'node:path';
import { GroundLabelError } from '../shared/errors';
import { AppServices } from '../main/app-services';
import { FolderAccess } from '../main/fs/folder-access';
import { failureLines } from '../main/inference/devices';
import { appRoot, userDataPaths } from '../main/paths';
import { fileSettings } from '../main/settings/settings-store';
import { startServer } from '../main/server/http-server';
import { EventHub } from '../main/server/sse';
import { log, reportFailure } from './command';
import { parseServeArgs, SERVE_USAGE } from './serve-args';

async function main(argv: string[]): Promise<void> {
  const args = parseServeArgs(argv);
  if (args === 'help') return void process.stdout.write(`${SERVE_USAGE}\n`);
  const { port, allowHosts, device } = args;
  const access = new FolderAccess(args.roots, 'Start `npm run serve` with --root <folder> to allow another.');
  const rendererDir = path.join(appRoot(), 'out', 'renderer');
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    throw new GroundLabelError(
      'bad-argument',
      `The renderer is not built (${rendererDir}); run \`npm run build\` first.`,
    );
  }

  const events = new EventHub();
  const user = userDataPaths();
  const services = new AppServices({
    mode: 'browser',
    emit: (e, p) => events.emit(e, p),
    device,
    ...(args.maxPixels !== undefined && { maxPixels: args.maxPixels }),
    // The same settings file as the desktop app: a device chosen in either is used by both.
    settings: fileSettings(user.settingsFile),
    modelsDir: user.modelsDir,
    access,
    // Models: from the given folders, the models folder, and the one --model names.
    modelAccess: new FolderAccess(
      [...args.roots, user.modelsDir, ...(args.model ? [path.resolve(args.model)] : [])],
      'Put the model into the models folder or a --root folder.',
    ),
  });
  // The port first: a second serve on a busy port fails before it touches the dataset. Until the
  // dataset is open, the page is told that none is.
  const server = await startServer({
    services,
    events,
    rendererDir,
    port,
    allowHosts,
    onRefused: (r) => log(`refused ${r.method} ${r.path} (HTTP ${r.status})`),
  });
  if (args.model) {
    const status = await services.models.open(args.model);
    log(
      `model: ${status.name} (flavour ${status.flavour}) on ${status.provider} (asked for ${status.requested})`,
    );
    for (const line of failureLines(status.fallbacks ?? [])) log(line);
  }
  if (args.dataset) {
    const dataset = await services.openDataset(args.dataset);
    log(`dataset: ${dataset.root} (${dataset.relPaths.length} images)`);
  }
  log(`GroundLabel is serving on ${server.url}`);
  log('Open that address (it carries the access token). Press Ctrl+C to stop; edits are saved as you go.');
  log(
    access.roots.length
      ? `Folders it may use: ${access.roots.join(', ')}`
      : 'No folder can be opened: start it with --dataset <folder> or --root <folder>.',
  );
  process.stdout.write(`${server.url}\n`);

  const stop = async () => {
    await server.close();
    await services.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main(process.argv.slice(2)).catch((e: unknown) => {
  reportFailure(e, SERVE_USAGE);
  process.exit(2);
});
