/**
 * Security headers (helmet) and the JSON-only rule for mutating API requests.
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { ApiError } from '../errors.js';

/**
 * CSP for the Vite-built web app: scripts and connections only from this origin (websockets to the
 * same host match 'self'), inline styles allowed (component libraries set them), images and fonts
 * also from data:/blob:, workers from blob: (noVNC, Vite workers), no framing, no plugins.
 */
export const CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'worker-src': ["'self'", 'blob:'],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * helmet with the CSP above, `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`,
 * `X-Content-Type-Options: nosniff`. HSTS is not set here: `http/edge.ts` sends it on answers
 * over HTTPS only (served here or at a trusted proxy), never over the plain HTTP of a proxy's
 * loopback leg or the lab.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The one route whose body is not JSON: `PUT /isos/:filename` takes the raw file as
 * `application/octet-stream` (path relative to the API router). That is no more a "simple"
 * request than JSON (a PUT, and a type outside the CORS-safelisted three), so it still needs the
 * preflight this server never grants; the route also checks Origin / Sec-Fetch-Site.
 */
const OCTET_STREAM_ROUTE = { method: 'PUT', path: /^\/isos\/[^/]+$/ };

/**
 * Mutating API requests must say `Content-Type: application/json`, even without a body: a
 * cross-site form or a "simple" fetch cannot set it without a CORS preflight, which this server
 * never grants (defence in depth beside the SameSite=Strict cookie). Otherwise 415. The ISO
 * upload route may say `application/octet-stream` instead (see OCTET_STREAM_ROUTE).
 */
export const requireJsonForMutations: RequestHandler = (req, _res, next) => {
  if (!MUTATING.has(req.method)) {
    next();
    return;
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const octetStreamRoute =
    req.method === OCTET_STREAM_ROUTE.method && OCTET_STREAM_ROUTE.path.test(req.path);
  if (type !== 'application/json' && !(octetStreamRoute && type === 'application/octet-stream')) {
    next(
      new ApiError(
        'UNSUPPORTED_MEDIA_TYPE',
        `${req.method} requests to the API must have Content-Type: application/json (got ${type ? `"${type}"` : 'none'})`,
      ),
    );
    return;
  }
  next();
};
