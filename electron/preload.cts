// Sandboxed preloads must be CommonJS; this one only forwards messages on two fixed channels.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

const IPC_INVOKE = 'hivedesk:invoke';
const IPC_EVENT = 'hivedesk:event';

const bridge = {
  invoke: (channel: string, input: unknown): Promise<unknown> => ipcRenderer.invoke(IPC_INVOKE, channel, input),
  on: (listener: (name: string, payload: unknown) => void): (() => void) => {
    const handler = (_event: IpcRendererEvent, name: string, payload: unknown) => listener(name, payload);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => ipcRenderer.removeListener(IPC_EVENT, handler);
  },
};

contextBridge.exposeInMainWorld('hivedesk', bridge);
