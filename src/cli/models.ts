import { existsSync } from 'node:fs';
import { formatBytes } from '../shared/bytes';
import { GroundLabelError } from '../shared/errors';
import type { DownloadStatus, InstalledModel } from '../shared/models';
import { CATALOGUE, catalogueEntry } from '../main/models/catalogue';
import { DownloadManager, type DownloadRequest } from '../main/models/downloads';
import { ModelLibrary } from '../main/models/model-library';
import { bundledVocabPath, userDataPaths } from '../main/paths';
import { log, runCommand } from './command';
import { MODELS_USAGE, parseModelsArgs, type ModelsArgs } from './models-args';

const sourceText = (m: InstalledModel): string => (m.source.kind === 'disk' ? m.source.path : m.source.url);

/** One block per model on stdout, for a person or a script to read. */
function printModel(m: InstalledModel): void {
  const lines = [
    `${m.id}  ${m.name}`,
    `  flavour ${m.flavour}, ${formatBytes(m.bytes)}, ${m.storage === 'link' ? 'linked' : 'copied'}`,
    `  inputs  ${m.inputs.map((i) => i.name).join(', ')}`,
    `  sha256  ${m.sha256} (${m.sha256From})`,
    `  source  ${sourceText(m)}`,
    `  path    ${m.path}`,
    ...(m.problem ? [`  problem ${m.problem}`] : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function list(library: ModelLibrary): Promise<number> {
  const { installed, found } = await library.list();
  log(`models folder: ${library.dir}`);
  if (!installed.length) log('No model added yet: npm run models -- add <file-or-catalogue-id>');
  for (const m of installed) printModel(m);
  for (const f of found) process.stdout.write(`(copied in by hand, not checked)  ${f.path}\n`);
  log('\ncatalogue (npm run models -- add <id>):');
  for (const e of CATALOGUE)
    log(
      `  ${e.id}  ${e.name}, flavour ${e.flavour}${e.approxBytes ? `, about ${formatBytes(e.approxBytes)}` : ''}`,
    );
  return 0;
}

/** A line on stderr every few seconds while a download runs. */
function progressLogger() {
  let last = 0;
  return (s: DownloadStatus) => {
    const now = Date.now();
    if (s.state !== 'running' || now - last < 3000) return;
    last = now;
    const of = s.total ? ` of ${formatBytes(s.total)}` : '';
    const eta = s.etaSeconds !== null ? `, ${s.etaSeconds} s left` : '';
    log(`downloading ${s.name}: ${formatBytes(s.received)}${of} at ${formatBytes(s.rate)}/s${eta}`);
  };
}

const sameRequest = (s: DownloadStatus, request: DownloadRequest): boolean =>
  'catalogueId' in request
    ? s.source.kind === 'catalogue' && s.source.catalogueId === request.catalogueId
    : s.source.kind === 'url' && s.source.url === new URL(request.url).href;

/** Downloads, going on from what an interrupted run of the same download left. */
async function download(library: ModelLibrary, request: DownloadRequest): Promise<InstalledModel> {
  const manager = new DownloadManager({ library, onChange: progressLogger() });
  await manager.restore();
  const earlier = manager.list().find((s) => sameRequest(s, request) && s.resumable);
  const started = earlier ? manager.resume(earlier.id) : await manager.start(request);
  if (earlier) log(`going on with the download of ${earlier.name} from ${formatBytes(earlier.received)}`);
  // Ctrl+C keeps what arrived: the same command goes on from it.
  const stop = () => void manager.close();
  process.once('SIGINT', stop);
  try {
    const model = await manager.finished(started.id);
    if (!model)
      throw new GroundLabelError(
        'download-failed',
        'The download was stopped; run the same command again to go on.',
      );
    return model;
  } finally {
    process.off('SIGINT', stop);
  }
}

async function add(library: ModelLibrary, args: Extract<ModelsArgs, { action: 'add' }>): Promise<number> {
  const { target, sha256, name } = args;
  let model: InstalledModel;
  if (/^https?:\/\//i.test(target)) {
    model = await download(library, { url: target, ...(sha256 && { sha256 }), ...(name && { name }) });
  } else if (!existsSync(target) && catalogueEntry(target)) {
    if (sha256)
      log('note: --sha256 is not used for a catalogue entry; its files are checked as the catalogue says');
    model = await download(library, { catalogueId: target, ...(name && { name }) });
  } else {
    model = await library.addFromDisk(target, args.link ? 'link' : 'copy', {
      ...(sha256 && { sha256 }),
      ...(name && { name }),
    });
  }
  log(
    `added ${model.name} as ${model.id} (sha256 ${model.sha256}, ${model.sha256From === 'computed' ? 'computed now' : `matches the one ${model.sha256From === 'given' ? 'given' : 'published'}`})`,
  );
  printModel(model);
  return 0;
}

async function remove(library: ModelLibrary, name: string): Promise<number> {
  const { installed } = await library.list();
  const byName = installed.filter((m) => m.name === name);
  const model = installed.find((m) => m.id === name) ?? (byName.length === 1 ? byName[0] : undefined);
  if (!model)
    throw new GroundLabelError(
      'model-not-found',
      byName.length > 1
        ? `Several models are named "${name}" (${byName.map((m) => m.id).join(', ')}); give the id.`
        : `There is no model "${name}" in ${library.dir}; npm run models -- list shows them.`,
    );
  await library.remove(model.id);
  log(
    `removed ${model.name} (${model.id})${model.storage === 'link' ? `; its files stay in ${model.path}` : ''}`,
  );
  return 0;
}

async function run(args: ModelsArgs): Promise<number> {
  const library = new ModelLibrary(userDataPaths().modelsDir, bundledVocabPath());
  switch (args.action) {
    case 'list':
      return list(library);
    case 'add':
      return add(library, args);
    case 'remove':
      return remove(library, args.name);
  }
}

const code = await runCommand(process.argv.slice(2), {
  usage: MODELS_USAGE,
  parse: parseModelsArgs,
  run,
  failure: (badArgument) => (badArgument ? 2 : 1),
});
process.exitCode = code;
