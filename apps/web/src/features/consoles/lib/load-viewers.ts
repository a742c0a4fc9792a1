/**
 * The console libraries, imported only here and only when a console is shown: noVNC (about 55 KB
 * gzipped) and xterm.js with its fit, search and web-links addons and its CSS (about 94 KB). Each is its own chunk (Vite
 * `manualChunks` names `novnc`, `xterm`), which index.html does not preload. Tests replace the
 * modules with `vi.mock('@novnc/novnc')` / `vi.mock('@xterm/xterm')`.
 */
import type RFB from '@novnc/novnc';
import type { FitAddon } from '@xterm/addon-fit';
import type { SearchAddon } from '@xterm/addon-search';
import type { WebLinksAddon } from '@xterm/addon-web-links';
import type { Terminal } from '@xterm/xterm';

/** noVNC's RFB class (`@novnc/novnc` is ESM; its package exports `core/rfb.js`). */
export async function loadRfb(): Promise<typeof RFB> {
  return (await import('@novnc/novnc')).default;
}

/** The xterm.js classes the text console uses. */
export interface XtermModules {
  Terminal: typeof Terminal;
  FitAddon: typeof FitAddon;
  SearchAddon: typeof SearchAddon;
  WebLinksAddon: typeof WebLinksAddon;
}

/** xterm.js, its addons and its stylesheet. */
export async function loadXterm(): Promise<XtermModules> {
  const [xterm, fit, search, links] = await Promise.all([
    import('@xterm/xterm'),
    import('@xterm/addon-fit'),
    import('@xterm/addon-search'),
    import('@xterm/addon-web-links'),
    import('@xterm/xterm/css/xterm.css'),
  ]);
  return {
    Terminal: xterm.Terminal,
    FitAddon: fit.FitAddon,
    SearchAddon: search.SearchAddon,
    WebLinksAddon: links.WebLinksAddon,
  };
}
