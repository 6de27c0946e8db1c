import { contextBridge, ipcRenderer, webUtils } from 'electron';
import {
  CHANNELS,
  OPEN_DROPPED,
  PICK_FOLDER,
  PICK_MODEL,
  type Api,
  type EventName,
  type Events,
} from '../shared/ipc/contract';

/**
 * The renderer's API, built from the contract's channel list: named functions only. ipcRenderer,
 * process and Node never cross the bridge.
 */
const calls = Object.fromEntries(
  CHANNELS.map((channel) => [channel, (request: unknown) => ipcRenderer.invoke(channel, request)]),
);

const api = {
  ...calls,
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    const wrapped = (_e: unknown, payload: Events[E]) => listener(payload);
    ipcRenderer.on(`event:${event}`, wrapped);
    return () => ipcRenderer.removeListener(`event:${event}`, wrapped);
  },
  imageUrl: (id: string) => `gl-image://image/${encodeURIComponent(id)}`,
  thumbUrl: (id: string) => `gl-image://thumb/${encodeURIComponent(id)}`,
  pickFolder: () => ipcRenderer.invoke(PICK_FOLDER) as Promise<string | null>,
  pickModel: (kind: 'file' | 'folder') => ipcRenderer.invoke(PICK_MODEL, kind) as Promise<string | null>,
  // The path is read here, from a File the person dropped: the page itself never names one, so it
  // cannot make main open a folder nobody chose (a File it makes itself has no path).
  openDropped: (item: File) =>
    ipcRenderer.invoke(OPEN_DROPPED, webUtils.getPathForFile(item)) as Promise<string | null>,
} as Api;

contextBridge.exposeInMainWorld('api', api);
