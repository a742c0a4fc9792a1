/**
 * One file in the upload list. Ready: its size, an optional "Verify SHA-256" field and Upload (or
 * Replace…, confirmed, when the library has that name). Running: a progress bar, bytes sent of
 * the total, smoothed speed (MB/s) and time left, Cancel. Then the result or the server's error.
 */
import { type IsoList, sha256HexSchema } from '@xendeck/api';
import { useId, useState } from 'react';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { inputClass } from '@/components/form-field';
import { userLabel } from '@/features/storage';
import { formatDurationMs, formatMBPerSecond, percentOf } from '@/lib/format';
import {
  cancelUpload,
  dismissUpload,
  type UploadItem as Item,
  retryUpload,
  startUpload,
} from '../lib/uploads-store';
import { formatIsoSize } from './iso-size';

export function UploadItem({
  item,
  list,
  onUploaded,
}: {
  item: Item;
  /** The library as last listed (to know whether the name exists, and the free space). */
  list: IsoList | undefined;
  onUploaded: () => void;
}) {
  const [sha256, setSha256] = useState('');
  const [confirmReplace, setConfirmReplace] = useState(false);
  const shaId = useId();
  const existing = list?.isos.find((i) => i.name === item.name);
  const exists = existing !== undefined;
  // The server refuses to replace what a running domain has in a drive: say so before sending.
  const insertedIn = existing?.usedBy.filter((u) => u.kind === 'domain') ?? [];
  const shaInvalid = sha256.trim() !== '' && !sha256HexSchema.safeParse(sha256.trim()).success;
  const tooBig = list !== undefined && item.totalBytes > list.freeBytes;
  const start = (replace: boolean) =>
    startUpload(item.id, {
      replace,
      sha256: sha256.trim() || undefined,
      onDone: onUploaded,
    });
  const active = item.state === 'uploading' || item.state === 'finishing';
  const percent = percentOf(item.loadedBytes, item.totalBytes);

  return (
    <li
      data-testid="iso-upload-item"
      data-name={item.name}
      data-state={item.state}
      className="flex flex-col gap-2 rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
    >
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <span className="font-mono text-sm">{item.name}</span>
        <span className="text-xs text-zinc-500 tabular-nums dark:text-zinc-400">
          {formatIsoSize(item.totalBytes)}
        </span>
        {exists && item.state === 'ready' ? (
          <span
            className="text-xs text-amber-700 dark:text-amber-300"
            data-testid="iso-upload-exists"
          >
            the library has an ISO of this name
          </span>
        ) : null}
        <span className="ml-auto flex gap-2">
          {item.state === 'ready' && !item.nameProblem ? (
            exists ? (
              <ConfirmDialog
                open={confirmReplace}
                onOpenChange={setConfirmReplace}
                trigger={
                  <Button
                    size="sm"
                    variant="primary"
                    disabled={shaInvalid || tooBig || insertedIn.length > 0}
                    data-testid="iso-upload-start"
                  >
                    Replace…
                  </Button>
                }
                title={`Replace ${item.name}?`}
                confirmLabel="Replace"
                confirmVariant="danger"
                onConfirm={() => start(true)}
              >
                <p>
                  The library already has <span className="font-mono">{item.name}</span>. Once this
                  upload is complete and checked, it takes that name in one step (the old file is
                  gone then). Configs that name it will use the new one.
                </p>
              </ConfirmDialog>
            ) : (
              <Button
                size="sm"
                variant="primary"
                disabled={shaInvalid || tooBig}
                onClick={() => start(false)}
                data-testid="iso-upload-start"
              >
                Upload
              </Button>
            )
          ) : null}
          {item.state === 'failed' || item.state === 'cancelled' ? (
            !item.nameProblem ? (
              <Button size="sm" onClick={() => retryUpload(item.id)} data-testid="iso-upload-retry">
                Retry
              </Button>
            ) : null
          ) : null}
          {active ? (
            <Button
              size="sm"
              variant="danger-outline"
              onClick={() => cancelUpload(item.id)}
              data-testid="iso-upload-cancel"
            >
              Cancel
            </Button>
          ) : (
            <Button
              size="sm"
              variant="ghost"
              onClick={() => dismissUpload(item.id)}
              data-testid="iso-upload-dismiss"
            >
              {item.state === 'ready' ? 'Remove' : 'Dismiss'}
            </Button>
          )}
        </span>
      </div>

      {item.nameProblem ? (
        <p
          role="alert"
          className="text-xs text-red-700 dark:text-red-300"
          data-testid="iso-upload-error"
        >
          Cannot upload this file: {item.nameProblem}. Rename it first.
        </p>
      ) : null}
      {item.state === 'ready' && insertedIn.length > 0 ? (
        <p role="alert" className="text-xs text-red-700 dark:text-red-300">
          {item.name} is in a drive of {insertedIn.map(userLabel).join(', ')}: eject it before
          replacing it.
        </p>
      ) : null}
      {item.state === 'ready' && tooBig && list ? (
        <p role="alert" className="text-xs text-red-700 dark:text-red-300">
          It does not fit: {formatIsoSize(list.freeBytes)} free in {list.directory}.
        </p>
      ) : null}

      {item.state === 'ready' && !item.nameProblem ? (
        <div className="flex flex-col gap-1">
          <label htmlFor={shaId} className="text-xs font-medium text-zinc-700 dark:text-zinc-300">
            Verify SHA-256 (optional)
          </label>
          <input
            id={shaId}
            className={`${inputClass} font-mono`}
            placeholder="64 hex digits from the distribution's SHA256SUMS"
            spellCheck={false}
            autoComplete="off"
            value={sha256}
            aria-invalid={shaInvalid}
            onChange={(e) => setSha256(e.target.value)}
            data-testid="iso-upload-sha256"
          />
          {shaInvalid ? (
            <p role="alert" className="text-xs text-red-700 dark:text-red-300">
              A SHA-256 is 64 hexadecimal digits.
            </p>
          ) : null}
        </div>
      ) : null}

      {active || item.state === 'done' ? (
        <div className="flex flex-col gap-1">
          <div
            role="progressbar"
            aria-label={`Upload of ${item.name}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.floor(percent)}
            data-testid="iso-upload-progress"
            className="h-2 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
          >
            <div
              className={`h-full rounded-full transition-[width] duration-200 ${
                item.state === 'done' ? 'bg-emerald-600' : 'bg-sky-600'
              }`}
              style={{ width: `${percent}%` }}
            />
          </div>
          <div className="flex flex-wrap gap-x-4 text-xs text-zinc-600 tabular-nums dark:text-zinc-300">
            <span data-testid="iso-upload-bytes">
              {formatIsoSize(item.loadedBytes)} of {formatIsoSize(item.totalBytes)} (
              {percent.toFixed(1)} %)
            </span>
            {item.state === 'uploading' ? (
              <>
                <span data-testid="iso-upload-speed">
                  {item.bytesPerSecond === null ? '… MB/s' : formatMBPerSecond(item.bytesPerSecond)}
                </span>
                <span data-testid="iso-upload-eta">
                  {item.etaMs === null ? 'time left …' : `${formatDurationMs(item.etaMs)} left`}
                </span>
              </>
            ) : null}
            {item.state === 'finishing' ? (
              <span data-testid="iso-upload-finishing">
                sent; the server is checking and saving it…
              </span>
            ) : null}
            {item.state === 'done' && item.entry ? (
              <span
                data-testid="iso-upload-done"
                className="text-emerald-700 dark:text-emerald-300"
              >
                uploaded · SHA-256{' '}
                <span className="font-mono">{item.entry.sha256?.slice(0, 12)}…</span>
              </span>
            ) : null}
          </div>
        </div>
      ) : null}

      {item.state === 'cancelled' ? (
        <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="iso-upload-cancelled">
          Cancelled: nothing was kept on the server.
        </p>
      ) : null}
      {item.state === 'failed' && item.error ? (
        <div data-testid="iso-upload-error">
          <Alert
            kind="error"
            title={`Upload of ${item.name} failed`}
            message={item.error.message}
            code={item.error.code}
          />
        </div>
      ) : null}
    </li>
  );
}
