/**
 * The uploads of this browser tab: files chosen or dropped, waiting for their Upload click,
 * running (progress, smoothed speed, time left), finished, failed or cancelled. Kept outside
 * React (a small external store read with useSyncExternalStore) so an upload goes on, and shows
 * again, when the hoster leaves the ISO page and comes back.
 */
import { type IsoEntry, isoNameProblem } from '@xendeck/api';
import { useSyncExternalStore } from 'react';
import { isApiError } from '@/lib/api-client';
import { type IsoUpload, uploadIso } from './upload-iso';
import { etaMs, nextRate, type RateState, startRate } from './upload-rate';

export type UploadState = 'ready' | 'uploading' | 'finishing' | 'done' | 'failed' | 'cancelled';

export interface UploadItem {
  id: string;
  file: File;
  /** The file's name, which becomes the ISO's name. */
  name: string;
  /** Why the name cannot be an ISO name (then it cannot be uploaded), or undefined. */
  nameProblem: string | undefined;
  state: UploadState;
  loadedBytes: number;
  totalBytes: number;
  /** Smoothed speed, bytes/s (null until known). */
  bytesPerSecond: number | null;
  /** Time left at that speed, ms (null until known). */
  etaMs: number | null;
  /** The answer once done. */
  entry?: IsoEntry;
  /** What went wrong, with the server's code. */
  error?: { message: string; code: string | undefined };
}

type Listener = () => void;

let items: readonly UploadItem[] = [];
const listeners = new Set<Listener>();
const running = new Map<string, { upload: IsoUpload; rate: RateState }>();
let nextId = 1;

function set(next: readonly UploadItem[]): void {
  items = next;
  for (const l of listeners) l();
}

function patch(id: string, changes: Partial<UploadItem>): void {
  set(items.map((i) => (i.id === id ? { ...i, ...changes } : i)));
}

/** Adds files as `ready` items (nothing is sent before {@link startUpload}). */
export function addFiles(files: Iterable<File>): void {
  const added: UploadItem[] = [];
  for (const file of files) {
    added.push({
      id: `u${nextId++}`,
      file,
      name: file.name,
      nameProblem: isoNameProblem(file.name),
      state: 'ready',
      loadedBytes: 0,
      totalBytes: file.size,
      bytesPerSecond: null,
      etaMs: null,
    });
  }
  set([...items, ...added]);
}

/**
 * Sends item `id`. `replace` asks the server to replace an ISO of the same name; `sha256` is
 * verified by the server. `onDone` runs after a successful upload (to refresh the list).
 */
export function startUpload(
  id: string,
  opts: { replace: boolean; sha256?: string | undefined; onDone?: (entry: IsoEntry) => void },
  now: () => number = () => performance.now(),
): void {
  const item = items.find((i) => i.id === id);
  if (!item || item.nameProblem || item.state === 'uploading' || item.state === 'finishing') return;
  const upload = uploadIso({
    file: item.file,
    name: item.name,
    replace: opts.replace,
    sha256: opts.sha256,
    onProgress: (loaded, total) => {
      const r = running.get(id);
      if (!r) return;
      r.rate = nextRate(r.rate, loaded, now());
      patch(id, {
        loadedBytes: loaded,
        totalBytes: total,
        bytesPerSecond: r.rate.bytesPerSecond,
        etaMs: etaMs(r.rate, loaded, total),
        // All bytes sent: the server is fsyncing, checking the SHA-256 and renaming.
        state: loaded >= total ? 'finishing' : 'uploading',
      });
    },
  });
  running.set(id, { upload, rate: startRate(now()) });
  patch(id, { state: 'uploading', loadedBytes: 0, error: undefined, entry: undefined });
  upload.done.then(
    (entry) => {
      running.delete(id);
      patch(id, { state: 'done', entry, loadedBytes: item.file.size, etaMs: 0 });
      opts.onDone?.(entry);
    },
    (err: unknown) => {
      running.delete(id);
      if (err instanceof DOMException && err.name === 'AbortError') {
        patch(id, { state: 'cancelled' });
        return;
      }
      patch(id, {
        state: 'failed',
        error: {
          message: err instanceof Error ? err.message : String(err),
          code: isApiError(err) ? err.code : undefined,
        },
      });
    },
  );
}

/** Cancels a running upload (the server removes its temp file). */
export function cancelUpload(id: string): void {
  running.get(id)?.upload.abort();
}

/** Puts a failed or cancelled item back to `ready` (to change its SHA-256, then upload again). */
export function retryUpload(id: string): void {
  if (running.has(id)) return;
  patch(id, {
    state: 'ready',
    loadedBytes: 0,
    bytesPerSecond: null,
    etaMs: null,
    error: undefined,
  });
}

/** Forgets an item that is not running. */
export function dismissUpload(id: string): void {
  if (running.has(id)) return;
  set(items.filter((i) => i.id !== id));
}

/** Whether any upload is running (to warn before the tab closes). */
export function anyUploadRunning(): boolean {
  return running.size > 0;
}

/** Every item, oldest first; re-renders on each change. */
export function useUploads(): readonly UploadItem[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => items,
  );
}

/** Test hook: drops every item (running ones are aborted). */
export function resetUploadsForTests(): void {
  for (const r of running.values()) r.upload.abort();
  running.clear();
  set([]);
}
