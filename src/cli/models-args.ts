import { parseArgs } from 'node:util';
import { bad, parseCli } from './args';

export type ModelsArgs =
  | { readonly action: 'list' }
  | {
      readonly action: 'add';
      /** A file or folder on disk, an http(s) address, or the id of a catalogue entry. */
      readonly target: string;
      readonly sha256?: string;
      readonly name?: string;
      /** Files on disk: leave them where they are and record where, rather than copying them in. */
      readonly link: boolean;
    }
  | { readonly action: 'remove'; readonly name: string };

export const MODELS_USAGE = `Usage: npm run models -- list
       npm run models -- add <file-folder-address-or-catalogue-id> [--sha256 <hex>] [--name <name>] [--link]
       npm run models -- remove <name>
Manages the models folder the app and the other commands use (GROUNDLABEL_MODELS_DIR moves it).
  list      the models added, with flavour, size, sha256, source and place; then the catalogue
  add       checks a model and adds it: a file or folder on disk is copied in (--link: left where
            it is); an http(s) address or a catalogue id is downloaded, going on from what an
            interrupted run left, and verified before it is added
  --sha256  the sha256 the model's .onnx file must have (64 hex digits); refused, and nothing
            added, when it differs
  --name    the name shown for it (default: the model's own)
  remove    deletes a model from the folder, by its id or name (a linked model's files stay)`;

const SHA256 = /^[0-9a-fA-F]{64}$/;

export function parseModelsArgs(argv: readonly string[]): ModelsArgs | 'help' {
  const { values, positionals } = parseCli(() =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        sha256: { type: 'string' },
        name: { type: 'string' },
        link: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }),
  );
  if (values.help) return 'help';
  const [action, ...rest] = positionals;
  const addOnly = (['sha256', 'name', 'link'] as const).find((k) =>
    k === 'link' ? values.link : values[k] !== undefined,
  );
  if (action !== 'add' && addOnly) throw bad(`--${addOnly} goes with add`);
  switch (action) {
    case 'list':
      if (rest.length) throw bad(`list takes no argument, got "${rest[0]}"`);
      return { action };
    case 'add': {
      if (rest.length !== 1) throw bad('add takes one file, folder, address or catalogue id');
      if (values.sha256 !== undefined && !SHA256.test(values.sha256))
        throw bad(`--sha256 must be 64 hex digits, got "${values.sha256}"`);
      if (values.name !== undefined && !values.name.trim()) throw bad('--name must not be empty');
      return {
        action,
        target: rest[0],
        link: values.link,
        ...(values.sha256 !== undefined && { sha256: values.sha256.toLowerCase() }),
        ...(values.name !== undefined && { name: values.name.trim() }),
      };
    }
    case 'remove':
      if (rest.length !== 1) throw bad('remove takes the name of one model');
      return { action, name: rest[0] };
    case undefined:
      throw bad('say what to do: list, add or remove');
    default:
      throw bad(`"${action}" is not list, add or remove`);
  }
}
