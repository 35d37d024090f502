/** Wire names shared by the transports (IPC channel and HTTP/WebSocket paths). */
export const IPC_INVOKE = 'hivedesk:invoke';
export const IPC_EVENT = 'hivedesk:event';
export const HTTP_API_PREFIX = '/api/';
export const WS_EVENTS_PATH = '/events';
export const WS_CONSOLE_PATH = '/console';
export const WS_DISPLAY_PATH = '/display';
/** Electron serves the UI from this privileged scheme, so the console server can check the Origin. */
export const ELECTRON_ORIGIN = 'app://hivedesk';
