/**
 * One ISO upload from the browser: `PUT /api/v1/isos/:name` with the file as the raw body
 * (`application/octet-stream`; the browser sets Content-Length from the file), over
 * XMLHttpRequest because fetch reports no upload progress. It sends what `apiFetch` sends (the
 * session cookie of this origin, `Accept: application/json`), plus `X-Checksum-Sha256` when
 * the hoster gave one. Cancelling aborts the request; the server then removes its temp file.
 */
import { ISO_CHECKSUM_HEADER, type IsoEntry, isoEntrySchema } from '@xendeck/api';
import { API_BASE, ApiError, errorFromResponse } from '@/lib/api-client';

export interface UploadIsoOptions {
  file: Blob;
  /** The ISO's name in the library (checked with isoNameProblem before). */
  name: string;
  /** Replace an ISO of that name (`?replace=1`). */
  replace: boolean;
  /** Expected SHA-256, 64 hex digits; the server refuses the upload (422) if it differs. */
  sha256?: string | undefined;
  /** Bytes of the body sent so far (xhr.upload progress events). */
  onProgress?: (loadedBytes: number, totalBytes: number) => void;
}

export interface IsoUpload {
  /**
   * Resolves with the new entry (201). Rejects with ApiError: the server's (ISO_EXISTS,
   * CHECKSUM_MISMATCH, INSUFFICIENT_STORAGE, UPLOAD_IN_PROGRESS …), `NETWORK_ERROR` (status 0),
   * `BAD_RESPONSE`; or with a DOMException `AbortError` after {@link IsoUpload.abort}.
   */
  done: Promise<IsoEntry>;
  /** Cancels the upload (xhr.abort()). */
  abort: () => void;
}

/** Starts the upload at once. */
export function uploadIso(o: UploadIsoOptions): IsoUpload {
  const xhr = new XMLHttpRequest();
  const url = `${API_BASE}/isos/${encodeURIComponent(o.name)}${o.replace ? '?replace=1' : ''}`;
  const done = new Promise<IsoEntry>((resolve, reject) => {
    xhr.open('PUT', url);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    if (o.sha256) xhr.setRequestHeader(ISO_CHECKSUM_HEADER, o.sha256.trim().toLowerCase());
    xhr.upload.onprogress = (e) =>
      o.onProgress?.(e.loaded, e.lengthComputable ? e.total : o.file.size);
    xhr.onabort = () => reject(new DOMException('The upload was cancelled', 'AbortError'));
    xhr.onerror = () =>
      reject(new ApiError(0, 'NETWORK_ERROR', `The upload of ${o.name} broke off (network error)`));
    xhr.onload = () => {
      const response = new Response(xhr.responseText || null, {
        status: xhr.status,
        statusText: xhr.statusText,
      });
      if (xhr.status !== 201) {
        void errorFromResponse(response).then(reject);
        return;
      }
      try {
        resolve(isoEntrySchema.parse(JSON.parse(xhr.responseText)));
      } catch {
        reject(
          new ApiError(xhr.status, 'BAD_RESPONSE', `PUT ${url} answered with an unexpected body`),
        );
      }
    };
    xhr.send(o.file);
  });
  return { done, abort: () => xhr.abort() };
}
