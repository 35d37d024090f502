// Types for the part of noVNC (@novnc/novnc, which ships none) that the display tab uses; see its docs/API.md.
declare module '@novnc/novnc' {
  export interface RfbOptions {
    /** Other viewers stay connected (the default). */
    shared?: boolean;
    credentials?: { username?: string; password?: string; target?: string };
  }

  export interface RfbEventMap {
    connect: CustomEvent<Record<string, never>>;
    disconnect: CustomEvent<{ clean: boolean }>;
    credentialsrequired: CustomEvent<{ types: string[] }>;
    securityfailure: CustomEvent<{ status: number; reason?: string }>;
  }

  export default class RFB extends EventTarget {
    constructor(target: HTMLElement, urlOrChannel: string | WebSocket, options?: RfbOptions);
    background: string;
    focusOnClick: boolean;
    scaleViewport: boolean;
    clipViewport: boolean;
    resizeSession: boolean;
    viewOnly: boolean;
    addEventListener<K extends keyof RfbEventMap>(type: K, listener: (event: RfbEventMap[K]) => void): void;
    disconnect(): void;
    focus(options?: FocusOptions): void;
    sendCredentials(credentials: { password: string }): void;
    sendCtrlAltDel(): void;
    sendKey(keysym: number, code: string | null, down?: boolean): void;
    toBlob(callback: (blob: Blob | null) => void, type?: string, quality?: number): void;
  }
}
