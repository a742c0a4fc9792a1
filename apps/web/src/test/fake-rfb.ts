/**
 * noVNC's RFB stand-in for jsdom (no canvas): records what the console asks of it. A test says
 * `vi.mock('@novnc/novnc')` (apps/web/__mocks__/@novnc/novnc.ts exports this) and stubs the
 * FakeWebSocket (the console hands RFB a WebSocket it made).
 */
import { act } from '@testing-library/react';
import type { FakeWebSocket } from './fake-websocket';

export class FakeRFB extends EventTarget {
  static instances: FakeRFB[] = [];
  viewOnly = false;
  focusOnClick = true;
  clipViewport = false;
  dragViewport = false;
  scaleViewport = false;
  resizeSession = false;
  showDotCursor = false;
  background = '';
  qualityLevel = 6;
  compressionLevel = 2;
  readonly capabilities = { power: false };
  /** sendKey calls as [keysym, code, down]. */
  keys: [number, string | null, boolean | undefined][] = [];
  ctrlAltDels = 0;
  disconnected = false;
  readonly canvas: HTMLCanvasElement;

  constructor(
    readonly target: HTMLElement,
    readonly channel: FakeWebSocket,
    readonly options: { shared?: boolean } = {},
  ) {
    super();
    this.canvas = document.createElement('canvas');
    target.appendChild(this.canvas);
    FakeRFB.instances.push(this);
  }
  sendKey(keysym: number, code: string | null, down?: boolean): void {
    this.keys.push([keysym, code, down]);
  }
  sendCtrlAltDel(): void {
    this.ctrlAltDels += 1;
  }
  focus(): void {}
  blur(): void {}
  disconnect(): void {
    this.disconnected = true;
    this.canvas.remove();
    this.dispatchEvent(new CustomEvent('disconnect', { detail: { clean: true } }));
  }
  /** The RFB handshake finished. */
  connected(): void {
    act(() => {
      this.dispatchEvent(new CustomEvent('connect', { detail: {} }));
    });
  }
  /** The server closed the websocket with `code`: RFB then says it disconnected. */
  serverClose(code: number, reason = ''): void {
    this.channel.drop(code, reason);
    act(() => {
      this.canvas.remove();
      this.dispatchEvent(new CustomEvent('disconnect', { detail: { clean: false } }));
    });
  }
}
