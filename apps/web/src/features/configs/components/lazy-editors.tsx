/**
 * The configs feature's CodeMirror components, loaded on first use: `xl-editor.tsx` and
 * `config-diff.tsx` (and with them CodeMirror, ~115 KB gzipped) are separate chunks that the
 * first page does not load. Same props as the real components; while the chunk loads, a box of
 * the editor's size says so.
 */
import { type ComponentProps, lazy, Suspense } from 'react';
import type { ConfigDiff as ConfigDiffImpl } from './config-diff';
import type { XlEditor as XlEditorImpl } from './xl-editor';

const LazyXlEditor = lazy(() => import('./xl-editor').then((m) => ({ default: m.XlEditor })));
const LazyConfigDiff = lazy(() => import('./config-diff').then((m) => ({ default: m.ConfigDiff })));

function Loading({ what }: { what: string }) {
  return (
    <div className="flex h-40 items-center justify-center rounded-md border border-zinc-200 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
      Loading the {what}…
    </div>
  );
}

/** {@link XlEditorImpl}, loaded lazily. */
export function XlEditor(props: ComponentProps<typeof XlEditorImpl>) {
  return (
    <Suspense fallback={<Loading what="editor" />}>
      <LazyXlEditor {...props} />
    </Suspense>
  );
}

/** {@link ConfigDiffImpl}, loaded lazily. */
export function ConfigDiff(props: ComponentProps<typeof ConfigDiffImpl>) {
  return (
    <Suspense fallback={<Loading what="diff" />}>
      <LazyConfigDiff {...props} />
    </Suspense>
  );
}
