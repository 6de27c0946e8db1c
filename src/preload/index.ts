import { contextBridge } from 'electron';

/** Named functions only: the renderer never sees ipcRenderer or process. */
const api = {
  platform: process.platform,
};

export type PreloadApi = typeof api;

contextBridge.exposeInMainWorld('api', api);
