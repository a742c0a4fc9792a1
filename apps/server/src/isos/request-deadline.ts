/**
 * The whole-request deadline, per request. Node 20's `server.requestTimeout` (300 s) kills any
 * request whose body has not fully arrived 5 minutes after it started, with no per-route way out:
 * an ISO upload of several GiB over a slow link needs longer. So `main.ts` turns Node's timer off
 * (`requestTimeout = 0`; `headersTimeout`, 60 s, still guards slow headers) and this middleware
 * puts the same deadline back on every request; only a route that has authenticated the caller and
 * accepted the upload lifts it ({@link liftRequestDeadline}) and guards itself with an idle timeout
 * instead (upload.ts). Every other route keeps Node's protection against slow bodies (slowloris).
 */
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';

/** Node 20's default `server.requestTimeout`: the whole request within 300 000 ms. */
export const REQUEST_DEADLINE_MS = 300_000;

const timers = new WeakMap<IncomingMessage, NodeJS.Timeout>();

/**
 * Destroys the connection of a request whose body has not completely arrived `deadlineMs` after
 * its headers were read (what Node's requestTimeout does, without the 408 line). The timer ends
 * with the request: once the body is complete and the answer sent, or the socket closed.
 */
export function requestDeadline(deadlineMs = REQUEST_DEADLINE_MS): RequestHandler {
  return (req, res, next) => {
    const timer = setTimeout(() => {
      timers.delete(req);
      if (!req.complete) req.socket.destroy();
    }, deadlineMs);
    timer.unref();
    timers.set(req, timer);
    const clear = () => {
      clearTimeout(timer);
      timers.delete(req);
    };
    req.once('close', clear);
    res.once('finish', () => {
      if (req.complete) clear();
    });
    next();
  };
}

/** Lifts the deadline of this request (an accepted upload, which then guards itself). */
export function liftRequestDeadline(req: IncomingMessage): void {
  const timer = timers.get(req);
  if (timer) clearTimeout(timer);
  timers.delete(req);
}
