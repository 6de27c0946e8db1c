import type { Api } from '../../../shared/ipc/contract';

/**
 * The Api the stores talk to, installed once by main.ts (the real transport) or by a test (a fake).
 * A module-level slot rather than provide/inject, because stores are also used outside components.
 */
let current: Api | null = null;

export function installApi(api: Api): void {
  current = api;
}

export function useApi(): Api {
  if (!current) throw new Error('No Api installed: call installApi() before using the stores.');
  return current;
}
