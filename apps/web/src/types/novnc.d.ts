/**
 * Types for the part of noVNC 1.7's RFB (`@novnc/novnc`, which ships none) the VNC console uses;
 * from its docs/API.md.
 */
declare module '@novnc/novnc' {
  export interface RFBOptions {
    /** Ask the server to share the desktop with other viewers (RFB ClientInit shared-flag). */
    shared?: boolean;
    credentials?: { username?: string; password?: string; target?: string };
    repeaterID?: string;
    wsProtocols?: string[];
  }

  /** A VNC session drawn into `target`, over a websocket URL or an already created WebSocket. */
  export default class RFB extends EventTarget {
    constructor(target: HTMLElement, urlOrChannel: string | WebSocket, options?: RFBOptions);
    viewOnly: boolean;
    focusOnClick: boolean;
    clipViewport: boolean;
    dragViewport: boolean;
    scaleViewport: boolean;
    resizeSession: boolean;
    showDotCursor: boolean;
    background: string;
    qualityLevel: number;
    compressionLevel: number;
    readonly capabilities: { power: boolean };
    disconnect(): void;
    sendCredentials(credentials: { username?: string; password?: string; target?: string }): void;
    /** Press and release when `down` is undefined. `code` is `KeyboardEvent.code` (or null). */
    sendKey(keysym: number, code: string | null, down?: boolean): void;
    sendCtrlAltDel(): void;
    focus(options?: FocusOptions): void;
    blur(): void;
    clipboardPasteFrom(text: string): void;
  }
}
