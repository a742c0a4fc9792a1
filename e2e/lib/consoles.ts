/**
 * The console views in the browser and the console endpoints on the wire, for the lab and the
 * simulated console suites: opening a domain's Console tab, reading noVNC's canvas and xterm.js's
 * rows, typing into the text console, the console status JSON, and raw websocket upgrade requests
 * (to see the status a refused upgrade answers, which a browser hides).
 *
 * Hooks (from the web app): `data-testid="vnc-screen"` holds noVNC's canvas,
 * `data-testid="text-console"` holds xterm.js (DOM renderer: `.xterm-rows`),
 * `data-testid="console-status"` ("Connecting…", "Connected", "Waiting: …", "Reconnecting…",
 * "Disconnected: …"), `data-testid="console-viewers"` ("2 viewers").
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { type APIRequestContext, type BrowserContext, expect, type Page } from '@playwright/test';

/** `?console=` of the Console tab: Screen, Text console, Serial. */
export type ConsoleKind = 'vnc' | 'pv' | 'serial';

/** The Console tab of domain `name` showing console `kind`. */
export function consolePath(name: string, kind: ConsoleKind): string {
  return `/domains/${encodeURIComponent(name)}?view=console&console=${kind}`;
}

/** Opens domain `name`'s console `kind` and waits until its status line says "Connected". */
export async function openConsole(
  page: Page,
  name: string,
  kind: ConsoleKind,
  timeoutMs = 60_000,
): Promise<void> {
  await page.goto(consolePath(name, kind));
  await expect(page.getByTestId('console-status')).toHaveText('Connected', { timeout: timeoutMs });
}

/** What the VNC canvas shows: its size in pixels and the colours of a sample of its pixels. */
export interface CanvasStats {
  width: number;
  height: number;
  /** Pixels sampled (a grid, every 4th pixel both ways). */
  samples: number;
  /** Distinct RGB colours among the samples. */
  colours: number;
  /** Share (0–1) of the samples that have the most common colour. */
  dominantShare: number;
}

/**
 * Reads noVNC's canvas inside `data-testid="vnc-screen"` with `getImageData` (a 2d canvas of the
 * page's own origin). `null` when there is no canvas or it has no pixels yet.
 */
export async function canvasStats(page: Page): Promise<CanvasStats | null> {
  return page.getByTestId('vnc-screen').evaluate((screen) => {
    const canvas = screen.querySelector('canvas');
    if (!canvas || canvas.width === 0 || canvas.height === 0) return null;
    const ctx = canvas.getContext('2d');
    if (!ctx) return null;
    const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const counts = new Map<number, number>();
    let samples = 0;
    for (let y = 0; y < height; y += 4) {
      for (let x = 0; x < width; x += 4) {
        const i = (y * width + x) * 4;
        const rgb = ((data[i] ?? 0) << 16) | ((data[i + 1] ?? 0) << 8) | (data[i + 2] ?? 0);
        counts.set(rgb, (counts.get(rgb) ?? 0) + 1);
        samples++;
      }
    }
    const dominant = Math.max(...counts.values());
    return { width, height, samples, colours: counts.size, dominantShare: dominant / samples };
  });
}

/**
 * Waits until the canvas shows a picture: at least `minColours` distinct colours, and the most
 * common one under 99.5 % of the samples (a blank or single-colour screen fails).
 */
export async function expectScreenPainted(
  page: Page,
  { minColours = 3, timeoutMs = 60_000 }: { minColours?: number; timeoutMs?: number } = {},
): Promise<CanvasStats> {
  let last: CanvasStats | null = null;
  await expect(async () => {
    last = await canvasStats(page);
    expect(last, 'a canvas with pixels').not.toBeNull();
    expect(last?.colours, `distinct colours in ${JSON.stringify(last)}`).toBeGreaterThanOrEqual(
      minColours,
    );
    expect(last?.dominantShare, `most common colour's share`).toBeLessThan(0.995);
  }).toPass({ timeout: timeoutMs, intervals: [500, 1_000, 2_000] });
  return last as unknown as CanvasStats;
}

/** The text console's visible rows as text, one line per row, trailing spaces trimmed. */
export async function consoleText(page: Page): Promise<string> {
  const rows = page.getByTestId('text-console').locator('.xterm-rows > div');
  return (await rows.allTextContents()).map((l) => l.replace(/\u00a0/g, ' ').trimEnd()).join('\n');
}

/** Whether one of the text console's visible rows is exactly `line` (after trimming). */
export async function consoleHasLine(page: Page, line: string): Promise<boolean> {
  return (await consoleText(page)).split('\n').some((l) => l.trim() === line);
}

/** Types `line` into the text console (focusing xterm.js first) and presses Enter. */
export async function typeLine(page: Page, line: string): Promise<void> {
  await page.getByTestId('text-console').click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

/** Viewer count and attachment of one console, from `GET /api/v1/domains/:name/console`. */
export interface ConsoleStatusJson {
  domain: string;
  domid?: number;
  vnc: { available: boolean; viewers: number; passwordProtected: boolean };
  pv: { available: boolean; viewers: number; attached: boolean };
  serial: { available: boolean; viewers: number; attached: boolean };
  log: { source: 'xenconsoled' | 'server' | 'none'; sizeBytes: number };
}

/** `GET /api/v1/domains/:name/console` with the request context's session; throws unless 200. */
export async function consoleStatusJson(
  request: APIRequestContext,
  name: string,
): Promise<ConsoleStatusJson> {
  const res = await request.get(`/api/v1/domains/${encodeURIComponent(name)}/console`);
  if (res.status() !== 200) {
    throw new Error(`GET console status of ${name}: ${res.status()} ${await res.text()}`);
  }
  return (await res.json()) as ConsoleStatusJson;
}

/** The `Cookie` header a browser context sends to `baseUrl` (its session cookie). */
export async function cookieHeader(context: BrowserContext, baseUrl: string): Promise<string> {
  const cookies = await context.cookies(baseUrl);
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/** What a websocket upgrade request got: the HTTP status, and the first bytes after a 101. */
export interface UpgradeResult {
  status: number;
  /** Payload bytes of the server's first frames after a 101 (when `readMs` > 0). */
  firstBytes?: Buffer;
}

/**
 * Sends a websocket upgrade request (`GET url`, `Upgrade: websocket`, a random key) with
 * `headers` (say `Origin`, `Cookie`) and resolves with the status: 101 when upgraded, otherwise
 * the refusal's status (401, 403, …). After a 101 it reads the server's frames for up to `readMs`
 * (until at least one byte of payload came) and then drops the connection.
 */
export function upgradeRequest(
  url: string,
  headers: Record<string, string>,
  readMs = 0,
): Promise<UpgradeResult> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        ...headers,
      },
      timeout: 30_000,
    });
    req.on('timeout', () => req.destroy(new Error(`upgrade ${url}: no answer in 30 s`)));
    req.on('error', reject);
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on('upgrade', (res, socket, head) => {
      if (readMs <= 0) {
        socket.destroy();
        resolve({ status: res.statusCode ?? 101 });
        return;
      }
      let raw = head;
      const done = () => {
        clearTimeout(timer);
        socket.destroy();
        resolve({ status: res.statusCode ?? 101, firstBytes: framePayloads(raw) });
      };
      const timer = setTimeout(done, readMs);
      socket.on('data', (chunk: Buffer) => {
        raw = Buffer.concat([raw, chunk]);
        if (framePayloads(raw).length > 0) done();
      });
      socket.on('error', done);
      if (framePayloads(raw).length > 0) done();
    });
    req.end();
  });
}

/** The payloads of the complete, unmasked websocket frames at the start of `raw`, concatenated. */
function framePayloads(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (raw.length - at >= 2) {
    let len = (raw[at + 1] ?? 0) & 0x7f;
    let header = 2;
    if (len === 126) {
      if (raw.length - at < 4) break;
      len = raw.readUInt16BE(at + 2);
      header = 4;
    } else if (len === 127) {
      if (raw.length - at < 10) break;
      len = Number(raw.readBigUInt64BE(at + 2));
      header = 10;
    }
    if (raw.length - at < header + len) break;
    parts.push(raw.subarray(at + header, at + header + len));
    at += header + len;
  }
  return Buffer.concat(parts);
}

/**
 * URL of a console websocket below `baseUrl` (`http://host:port`), as {@link upgradeRequest}
 * sends it (`http://`: the upgrade headers make the request a websocket handshake).
 */
export function consoleSocketUrl(baseUrl: string, name: string, kind: ConsoleKind): string {
  const path =
    kind === 'vnc'
      ? `/api/v1/domains/${encodeURIComponent(name)}/console/vnc`
      : `/api/v1/domains/${encodeURIComponent(name)}/console/text?type=${kind}`;
  return `${baseUrl}${path}`;
}
