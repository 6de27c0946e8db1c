import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GroundLabelError } from '../shared/errors';
import { AppServices } from '../main/app-services';
import { FolderAccess } from '../main/fs/folder-access';
import { DEVICES } from '../main/inference/devices';
import { appRoot } from '../main/paths';
import { parseHostRule } from '../main/server/hosts';
import { DEFAULT_PORT, startServer } from '../main/server/http-server';
import { EventHub } from '../main/server/sse';
import { bad, deviceArg, parseCli } from './args';
import { log, reportFailure } from './command';

const USAGE = `Usage: npm run serve -- [--dataset <folder>] [--root <folder>]... [--model <file-or-folder>]
         [--port N] [--allow-host <name[:port]>]... [--device ${DEVICES.join('|')}]
Serves GroundLabel on http://127.0.0.1:${DEFAULT_PORT} for a browser (for example through an SSH tunnel).
  --dataset     the folder opened at start; datasets, imports and exports may use it
  --root        another folder they may use (and any folder inside it); repeatable.
                Without --dataset or --root, no folder can be opened.
  --port        ${DEFAULT_PORT} by default; 0 for any free port
  --allow-host  another name the browser reaches the server by, with the port it sees
                (localhost:9000 for ssh -L 9000:127.0.0.1:${DEFAULT_PORT}); without a port, any port.
                Repeatable.`;

/** The folders datasets may be opened in, each checked to be one. */
function allowedFolders(dataset: string | undefined, roots: readonly string[]): FolderAccess {
  for (const root of roots) {
    if (!statSync(root, { throwIfNoEntry: false })?.isDirectory())
      throw bad(`--root ${root} is not a folder`);
  }
  return new FolderAccess(
    [...(dataset ? [dataset] : []), ...roots],
    'Start `npm run serve` with --root <folder> to allow another.',
  );
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseCli(() =>
    parseArgs({
      args: argv,
      options: {
        dataset: { type: 'string' },
        root: { type: 'string', multiple: true, default: [] },
        model: { type: 'string' },
        port: { type: 'string', default: String(DEFAULT_PORT) },
        'allow-host': { type: 'string', multiple: true, default: [] },
        device: { type: 'string', default: 'auto' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }),
  );
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new GroundLabelError('bad-argument', `--port must be 0–65535, got "${values.port}"`);
  const device = deviceArg(values.device);
  const allowHosts = values['allow-host'].map(parseHostRule);
  const access = allowedFolders(values.dataset, values.root);
  const rendererDir = path.join(appRoot(), 'out', 'renderer');
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    throw new GroundLabelError(
      'bad-argument',
      `The renderer is not built (${rendererDir}); run \`npm run build\` first.`,
    );
  }

  const events = new EventHub();
  const services = new AppServices({
    mode: 'browser',
    emit: (e, p) => events.emit(e, p),
    device,
    access,
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
  if (values.model) {
    const status = await services.models.open(values.model);
    log(
      `model: ${status.name} (flavour ${status.flavour}) on ${status.provider}${status.fallback ? `, fell back from ${status.fallback}` : ''}`,
    );
  }
  if (values.dataset) {
    const dataset = await services.openDataset(values.dataset);
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
  reportFailure(e, USAGE);
  process.exit(2);
});
