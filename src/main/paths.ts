import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project (or unpacked app) root: src/main and out/main both sit two levels below it. */
export const appRoot = (): string => path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const bundledVocabPath = (root = appRoot()): string =>
  path.join(root, 'resources', 'models', 'bert-base-uncased', 'vocab.txt');

export const modelsDir = (root = appRoot()): string => path.join(root, 'resources', 'models');
