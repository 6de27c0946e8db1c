import { GroundLabelError } from '../../shared/errors';
import type { Handlers } from '../../shared/ipc/contract';
import { modelChannels } from '../../shared/ipc/model-channels';
import type { ModelLibraryView } from '../../shared/models';
import type { FolderAccess } from '../fs/folder-access';
import { CATALOGUE } from '../models/catalogue';
import type { DownloadManager } from '../models/downloads';
import type { ModelService } from './model-service';

export interface ModelManagerDeps {
  readonly models: ModelService;
  readonly downloads: DownloadManager;
  /** Browser mode downloads only the catalogue's addresses: a page must not make the server fetch any address. */
  readonly anyAddress: boolean;
  /** The folders models may be imported from, when limited (browser mode). */
  readonly modelAccess?: FolderAccess;
  /** Whether a batch holds the loaded model now. */
  readonly batchRunning: () => Promise<boolean>;
}

export type ModelHandlers = Pick<Handlers, keyof typeof modelChannels>;

const BATCH_RUNNING =
  'A batch is running with the current model. Cancel it or wait until it finishes before changing models.';

/** The model manager's handlers: the models folder, imports, the active model and downloads. */
export function modelManagerHandlers(deps: ModelManagerDeps): ModelHandlers {
  const { models, downloads } = deps;
  const library = models.library;
  // Downloads an earlier run left come back paused, read once on first use.
  let restored: Promise<void> | null = null;
  const ready = () => (restored ??= downloads.restore());

  const view = async (): Promise<ModelLibraryView> => {
    await ready();
    const { installed, found } = await library.list();
    const from = models.openedFrom;
    return {
      modelsDir: library.dir,
      installed,
      found,
      catalogue: CATALOGUE,
      downloads: downloads.list(),
      active: from ? await library.idOf(from) : null,
      anyAddress: deps.anyAddress,
      device: await models.chosenDevice(),
    };
  };

  const refuseDuringBatch = async () => {
    if (await deps.batchRunning()) throw new GroundLabelError('batch-running', BATCH_RUNNING);
  };

  return {
    'models:library': view,
    'models:import': async ({ path: target, mode, name }) => {
      const allowed = deps.modelAccess;
      const checked = allowed ? await allowed.check(target, 'model') : target;
      return library.addFromDisk(checked, mode, name ? { name } : {});
    },
    'models:remove': async ({ id }) => {
      const model = await library.get(id);
      if (models.openedFrom === model.path) await refuseDuringBatch();
      await models.forget(model.path);
      await library.remove(id);
      return view();
    },
    'models:activate': async ({ id }) => {
      await refuseDuringBatch();
      const model = await library.get(id);
      if (model.problem) throw new GroundLabelError('model-not-found', `${model.name}: ${model.problem}`);
      return models.open(model.path, { remember: true });
    },
    'download:start': async (request) => {
      await ready();
      if ('url' in request && !deps.anyAddress)
        throw new GroundLabelError(
          'forbidden',
          `Browser mode downloads only the models of the catalogue. To add ${request.url}, run: npm run models -- add ${request.url}`,
        );
      return downloads.start(request);
    },
    'download:pause': async ({ id }) => downloads.pause(id),
    'download:resume': async ({ id }) => downloads.resume(id),
    'download:cancel': async ({ id }) => {
      await downloads.cancel(id);
      return view();
    },
  };
}

/** The handlers made by `get` on first call: for a handler table built before its services are. */
export function deferredModelHandlers(get: () => ModelHandlers): ModelHandlers {
  const keys = Object.keys(modelChannels) as (keyof ModelHandlers)[];
  return Object.fromEntries(
    keys.map((key) => [key, (request: never) => (get()[key] as (r: never) => unknown)(request)]),
  ) as unknown as ModelHandlers;
}
