import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { userDirs, type UserDirs } from './inference/providers/install-location';

/**
 * The project (or unpacked app) root: src/main, out/main and out/cli all sit two levels below it.
 * Read-only in an installed app (it is inside the app bundle): nothing is ever written here.
 */
export const appRoot = (): string => path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const bundledVocabPath = (root = appRoot()): string =>
  path.join(root, 'resources', 'models', 'bert-base-uncased', 'vocab.txt');

/**
 * What belongs to the person rather than to the app: kept in their own folders, never inside the
 * app bundle (which is read-only, and replaced by every update).
 */
export interface UserDataPaths {
  /** Device, last model, recent folders and window place: the desktop app's userData. */
  readonly settingsFile: string;
  /** Models the model manager downloaded or imported (GROUNDLABEL_MODELS_DIR moves them). */
  readonly modelsDir: string;
  readonly logsDir: string;
}

export function userDataPaths(
  env: NodeJS.ProcessEnv = process.env,
  dirs: UserDirs = userDirs(env),
): UserDataPaths {
  return {
    settingsFile: path.join(dirs.config, 'settings.json'),
    modelsDir: env.GROUNDLABEL_MODELS_DIR || path.join(dirs.data, 'models'),
    logsDir: path.join(dirs.data, 'logs'),
  };
}
