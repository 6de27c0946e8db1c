import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEVICES, type Device } from '../main/inference/devices';
import { parseHostRule, type HostRule } from '../main/server/hosts';
import { DEFAULT_PORT } from '../main/server/http-server';
import { bad, deviceArg, MAX_PIXELS_OPTION, maxPixelsArg, parseCli } from './args';

export interface ServeArgs {
  readonly dataset?: string;
  /** The folders datasets, imports and exports may use: the dataset's, then each --root. */
  readonly roots: readonly string[];
  readonly model?: string;
  readonly port: number;
  readonly allowHosts: readonly HostRule[];
  /** Absent: the device chosen in the app (remembered in the settings file), else auto. */
  readonly device?: Device;
  readonly maxPixels?: number;
}

export const SERVE_USAGE = `Usage: npm run serve -- [--dataset <folder>] [--root <folder>]... [--model <file-or-folder>]
         [--port N] [--allow-host <name[:port]>]... [--device ${DEVICES.join('|')}]
         [--max-pixels N]
Serves GroundLabel on http://127.0.0.1:${DEFAULT_PORT} for a browser (for example through an SSH tunnel).
  --dataset     the folder opened at start; datasets, imports and exports may use it
  --root        another folder they may use (and any folder inside it); repeatable.
                Without --dataset or --root, no folder can be opened.
  --port        ${DEFAULT_PORT} by default; 0 for any free port
  --allow-host  another name the browser reaches the server by, with the port it sees
                (localhost:9000 for ssh -L 9000:127.0.0.1:${DEFAULT_PORT}); without a port, any port.
                Repeatable.
  --device      where models run; by default the device chosen in the app, else auto
  --max-pixels  open images up to this many pixels (100M by default; also "maxPixels" in the
                settings file)`;

function folder(flag: string, raw: string): string {
  if (!statSync(raw, { throwIfNoEntry: false })?.isDirectory()) throw bad(`--${flag} ${raw} is not a folder`);
  return path.resolve(raw);
}

export function parseServeArgs(argv: readonly string[]): ServeArgs | 'help' {
  const { values } = parseCli(() =>
    parseArgs({
      args: [...argv],
      options: {
        dataset: { type: 'string' },
        root: { type: 'string', multiple: true, default: [] },
        model: { type: 'string' },
        port: { type: 'string', default: String(DEFAULT_PORT) },
        'allow-host': { type: 'string', multiple: true, default: [] },
        device: { type: 'string' },
        ...MAX_PIXELS_OPTION,
        help: { type: 'boolean', short: 'h', default: false },
      },
    }),
  );
  if (values.help) return 'help';
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) throw bad(`--port must be 0–65535, got "${values.port}"`);
  const dataset = values.dataset === undefined ? undefined : folder('dataset', values.dataset);
  return {
    ...(dataset !== undefined && { dataset }),
    roots: [...(dataset !== undefined ? [dataset] : []), ...values.root.map((r) => folder('root', r))],
    ...(values.model !== undefined && { model: values.model }),
    port,
    allowHosts: values['allow-host'].map(parseHostRule),
    ...(values.device !== undefined && { device: deviceArg(values.device) }),
    ...(values['max-pixels'] !== undefined && { maxPixels: maxPixelsArg(values['max-pixels']) }),
  };
}
