/**
 * The per-request deadline that replaces Node's requestTimeout (isos/request-deadline.ts): a
 * request whose body has not arrived in time loses its connection, unless its route lifted the
 * deadline (an accepted upload); a complete request is never touched.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { liftRequestDeadline, requestDeadline } from '../src/isos/request-deadline.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function start(deadlineMs: number): Promise<string> {
  const app = express();
  app.use(requestDeadline(deadlineMs));
  app.put('/slow', (req, res) => {
    req.resume();
    req.on('end', () => res.status(204).end());
  });
  app.put('/lifted', (req, res) => {
    liftRequestDeadline(req);
    req.resume();
    req.on('end', () => res.status(204).end());
  });
  app.get('/quick', (_req, res) => {
    res.json({ ok: true });
  });
  server = createServer(app);
  server.requestTimeout = 0;
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** PUTs 10 bytes, one every `everyMs`; resolves with the status or 'reset'. */
function dribble(url: string, everyMs: number): Promise<number | 'reset'> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { method: 'PUT', headers: { 'Content-Length': 10 } });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve('reset'));
    let sent = 0;
    const timer = setInterval(() => {
      if (req.destroyed) return clearInterval(timer);
      req.write('x');
      if (++sent === 10) {
        clearInterval(timer);
        req.end();
      }
    }, everyMs);
  });
}

describe('request deadline', () => {
  it('drops a slow body after the deadline (slowloris), on every route that does not lift it', async () => {
    const url = await start(300);
    expect(await dribble(`${url}/slow`, 60)).toBe('reset');
  });

  it('lets a route that lifted it take longer than the deadline', async () => {
    const url = await start(300);
    expect(await dribble(`${url}/lifted`, 60)).toBe(204);
  });

  it('does not touch requests that completed: keep-alive survives past the deadline', async () => {
    const url = await start(100);
    const agent = new (await import('node:http')).Agent({ keepAlive: true });
    const get = () =>
      new Promise<number>((resolve, reject) =>
        httpRequest(`${url}/quick`, { agent }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end(),
      );
    expect(await get()).toBe(200);
    await new Promise((r) => setTimeout(r, 250));
    expect(await get()).toBe(200);
    agent.destroy();
  });
});
