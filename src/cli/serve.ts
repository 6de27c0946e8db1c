import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GroundLabelError } from '../shared/errors';
import { AppServices } from '../main/app-services';
import { DEVICES } from '../main/inference/devices';
import { appRoot } from '../main/paths';
import { startServer } from '../main/server/http-server';
import { EventHub } from '../main/server/sse';
import { deviceArg, parseCli } from './args';
import { log, reportFailure } from './command';

const USAGE = `Usage: npm run serve -- [--dataset <folder>] [--model <file-or-folder>] [--port N] [--device ${DEVICES.join('|')}]
Serves GroundLabel on http://127.0.0.1 for a browser (for example through an SSH tunnel).`;

async function main(argv: string[]): Promise<void> {
  const { values } = parseCli(() =>
    parseArgs({
      args: argv,
      options: {
        dataset: { type: 'string' },
        model: { type: 'string' },
        port: { type: 'string', default: '0' },
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
  const server = await startServer({ services, events, rendererDir, port });
  log(`GroundLabel is serving on ${server.url}`);
  log('Open that address (it carries the access token). Press Ctrl+C to stop; edits are saved as you go.');
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
