/**
 * The built web app (XENDECK_WEB_DIR): static files, and `index.html` for every other non-API GET
 * (client-side routing). When the directory has no index.html, `/` and other pages answer a short
 * HTML page saying the web app is not built.
 */
import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import express, { type RequestHandler, Router } from 'express';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Xendeck: web app not built</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>Xendeck</h1>
<p>The server is running, but the web app is not built, so there is no page to show.</p>
<p>Run <code>pnpm build</code> at the repository root (or set <code>XENDECK_WEB_DIR</code> to a
built web app), then reload. The API is at <code>/api/v1</code>.</p>
</body></html>
`;

function isApi(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

/** Router serving `webDir` with SPA fallback; never answers `/api/*`. */
export function webApp(webDir: string): Router {
  const router = Router();
  const indexFile = join(webDir, 'index.html');
  const files = express.static(webDir, {
    index: false,
    redirect: false,
    setHeaders: (res, path) => {
      // Vite's hashed assets never change; everything else is revalidated.
      if (path.startsWith(join(webDir, 'assets'))) {
        res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      } else {
        res.setHeader('Cache-Control', 'no-cache');
      }
    },
  });
  router.use((req, res, next) => {
    if (isApi(req.path)) {
      next();
      return;
    }
    files(req, res, next);
  });
  const fallback: RequestHandler = (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApi(req.path)) {
      next();
      return;
    }
    if (!existsSync(indexFile)) {
      res
        .status(req.path === '/' ? 200 : 404)
        .type('html')
        .send(NOT_BUILT_PAGE);
      return;
    }
    if (extname(req.path) !== '') {
      // A missing asset: a 404, not the app page.
      res.status(404).type('text').send('Not found\n');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexFile);
  };
  router.use(fallback);
  return router;
}
