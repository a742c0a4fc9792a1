import type { ConfigHistoryEntry, ConfigVersionReason } from '@xendeck/api';
import { useState } from 'react';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { useNotices } from '@/components/notices';
import { QueryState } from '@/components/panel';
import { tdClass, thClass } from '@/components/table';
import { isApiError } from '@/lib/api-client';
import { formatBytes } from '@/lib/format';
import { useConfigHistory } from '../api/get-config-history';
import { useConfigVersion } from '../api/get-config-version';
import { useRestoreConfigVersion } from '../api/restore-config-version';
import { ConfigDiff, XlEditor } from './lazy-editors';

const reasonText: Record<ConfigVersionReason, { label: string; hint: string }> = {
  'before-edit': {
    label: 'before edit',
    hint: 'The bytes on disk just before Xendeck overwrote them (a hand edit is never lost)',
  },
  edit: { label: 'edit', hint: 'Saved from Xendeck' },
  restore: { label: 'restore', hint: 'An older version put back from Xendeck' },
  create: { label: 'create', hint: 'Created by Xendeck’s new-config form' },
};

function when(iso: string) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/**
 * The History tab: saved versions (newest first) with time, user, reason and size. "View" shows a
 * version's text read-only and what restoring it would change; "Restore" asks first, then writes
 * it back with `If-Match` = the file's current ETag.
 */
export function ConfigHistory({
  name,
  path,
  currentText,
  currentEtag,
  hasUnsavedEdits,
  onRestored,
}: {
  name: string;
  path: string;
  /** The file on disk as last loaded, and its ETag. */
  currentText: string;
  currentEtag: string;
  hasUnsavedEdits: boolean;
  /** Called after a successful restore (the page drops any unsaved edits). */
  onRestored: () => void;
}) {
  const history = useConfigHistory(name);
  const [viewing, setViewing] = useState<number | null>(null);

  if (!history.data) {
    return <QueryState isPending={history.isPending} error={history.error} what="the history" />;
  }
  if (history.data.length === 0) {
    return (
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        No saved versions yet. Xendeck keeps the previous text each time it writes{' '}
        <span className="font-mono">{path}</span> (up to 100 versions).
      </p>
    );
  }
  const shown = history.data.find((v) => v.id === viewing);
  return (
    <div className="flex flex-col gap-4">
      <div className="overflow-x-auto rounded-md border border-zinc-200 dark:border-zinc-800">
        <table className="w-full border-collapse text-sm">
          <caption className="sr-only">Saved versions of {path}, newest first</caption>
          <thead className="border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900/60">
            <tr>
              <th scope="col" className={thClass}>
                Saved
              </th>
              <th scope="col" className={thClass}>
                By
              </th>
              <th scope="col" className={thClass}>
                Reason
              </th>
              <th scope="col" className={`${thClass} text-right`}>
                Size
              </th>
              <th scope="col" className={`${thClass} text-right`}>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
            {history.data.map((v) => (
              <HistoryRow
                key={v.id}
                entry={v}
                name={name}
                path={path}
                isCurrent={v.etag === currentEtag}
                isViewing={v.id === viewing}
                currentEtag={currentEtag}
                hasUnsavedEdits={hasUnsavedEdits}
                onView={() => setViewing(v.id === viewing ? null : v.id)}
                onRestored={onRestored}
              />
            ))}
          </tbody>
        </table>
      </div>
      {shown ? <VersionView name={name} entry={shown} currentText={currentText} /> : null}
    </div>
  );
}

function HistoryRow({
  entry,
  name,
  path,
  isCurrent,
  isViewing,
  currentEtag,
  hasUnsavedEdits,
  onView,
  onRestored,
}: {
  entry: ConfigHistoryEntry;
  name: string;
  path: string;
  isCurrent: boolean;
  isViewing: boolean;
  currentEtag: string;
  hasUnsavedEdits: boolean;
  onView: () => void;
  onRestored: () => void;
}) {
  const notices = useNotices();
  const restore = useRestoreConfigVersion();
  const reason = reasonText[entry.reason];
  const savedAt = when(entry.savedAt);
  return (
    <tr
      data-testid="history-row"
      className={`h-10 ${isViewing ? 'bg-sky-50 dark:bg-sky-950/30' : 'hover:bg-zinc-50 dark:hover:bg-zinc-800/40'}`}
    >
      <td className={`${tdClass} tabular-nums`}>
        <time dateTime={entry.savedAt}>{savedAt}</time>
        <span className="ml-2 font-mono text-xs text-zinc-400">#{entry.id}</span>
        {isCurrent ? (
          <span
            className="ml-2 rounded bg-emerald-100 px-1.5 py-0.5 text-[11px] font-medium text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300"
            title="The file on disk holds exactly this text (same ETag)"
          >
            on disk now
          </span>
        ) : null}
      </td>
      <td className={`${tdClass} font-mono text-[13px]`}>{entry.savedBy}</td>
      <td className={tdClass} title={reason.hint}>
        {reason.label}
      </td>
      <td className={`${tdClass} text-right text-xs tabular-nums`}>
        {formatBytes(entry.sizeBytes)}
      </td>
      <td className={`${tdClass} text-right`}>
        <div className="flex justify-end gap-1">
          <Button size="sm" aria-pressed={isViewing} onClick={onView}>
            {isViewing ? 'Hide' : 'View'}
          </Button>
          <ConfirmDialog
            title={
              <>
                Restore version #{entry.id} of <span className="font-mono">{name}</span>?
              </>
            }
            confirmLabel="Restore"
            onConfirm={() =>
              restore.mutate(
                { name, id: entry.id, etag: currentEtag },
                {
                  onSuccess: (result) => {
                    onRestored();
                    notices.success(
                      `Restored version #${entry.id} of ${path}`,
                      result.written
                        ? `New ETag ${result.etag}. A running domain is unchanged until its next xl create.`
                        : 'The file already held exactly this text; nothing was written.',
                    );
                  },
                  onError: (error) =>
                    notices.error(
                      isApiError(error) && error.code === 'CONFIG_CHANGED'
                        ? `Restore ${path}: the file changed on disk since you opened it; reload the page and try again`
                        : `Restore version #${entry.id} of ${path}`,
                      error,
                    ),
                },
              )
            }
            trigger={
              <Button size="sm" disabled={restore.isPending} aria-busy={restore.isPending}>
                Restore
              </Button>
            }
          >
            <p>
              <span className="font-mono">{path}</span> will hold the text saved {savedAt} by{' '}
              {entry.savedBy} ({reason.label}, {formatBytes(entry.sizeBytes)}), byte for byte. The
              current text stays in the history.
            </p>
            {hasUnsavedEdits ? (
              <p className="font-medium text-amber-700 dark:text-amber-300">
                Your unsaved edits will be discarded.
              </p>
            ) : null}
            <p>A running domain keeps its settings until its next xl create.</p>
          </ConfirmDialog>
        </div>
      </td>
    </tr>
  );
}

function VersionView({
  name,
  entry,
  currentText,
}: {
  name: string;
  entry: ConfigHistoryEntry;
  currentText: string;
}) {
  const version = useConfigVersion(name, entry.id);
  const [mode, setMode] = useState<'diff' | 'text'>('diff');
  if (!version.data) {
    return (
      <QueryState
        isPending={version.isPending}
        error={version.error}
        what={`version #${entry.id}`}
      />
    );
  }
  return (
    <section aria-label={`Version #${entry.id}`} className="flex flex-col gap-2">
      <div className="flex items-center gap-2">
        <h3 className="text-sm font-semibold">
          Version #{entry.id}{' '}
          <span className="font-normal text-zinc-500 dark:text-zinc-400">
            ({when(entry.savedAt)})
          </span>
        </h3>
        <div className="ml-auto flex gap-1">
          <Button size="sm" aria-pressed={mode === 'diff'} onClick={() => setMode('diff')}>
            Changes vs current file
          </Button>
          <Button size="sm" aria-pressed={mode === 'text'} onClick={() => setMode('text')}>
            Text
          </Button>
        </div>
      </div>
      {mode === 'diff' ? (
        <ConfigDiff
          original={currentText}
          modified={version.data.text}
          label={`What restoring #${entry.id} would change (current file → version #${entry.id})`}
        />
      ) : (
        <XlEditor value={version.data.text} readOnly label={`Version #${entry.id} of ${name}`} />
      )}
    </section>
  );
}
