import { useQueryClient } from '@tanstack/react-query';
import type { ConfigDocument, ConfigSaveResult } from '@xendeck/api';
import { type DomainConfig, parseXlConfig, toDomainConfig } from '@xendeck/xl-config';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { CommandHint } from '@/components/command-hint';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { useNotices } from '@/components/notices';
import { QueryState } from '@/components/panel';
import { Tabs, tabPanelProps } from '@/components/tabs';
import { ConfigAutostartToggle } from '@/features/autostart';
import { isApiError } from '@/lib/api-client';
import { configQueryOptions, useConfig } from '../api/get-config';
import { useSaveConfig } from '../api/save-config';
import { xlCreateCommand } from '../api/start-domain';
import { checkXlConfig, type LocatedDiagnostic } from '../lib/xl-lint';
import { ConfigHistory } from './config-history';
import { ConfigSettings } from './config-settings';
import { DiagnosticsList, diagnosticsFromDetails } from './diagnostics-list';
import { ConfigDiff, XlEditor } from './lazy-editors';
import { UnsavedEditsGuard } from './unsaved-edits-guard';

export type ConfigTab = 'settings' | 'edit' | 'history';
const TABS = [
  { id: 'settings', label: 'Settings' },
  { id: 'edit', label: 'Edit' },
  { id: 'history', label: 'History' },
] as const satisfies readonly { id: ConfigTab; label: string }[];

function readTab(value: string | null): ConfigTab {
  return value === 'edit' || value === 'history' ? value : 'settings';
}

/**
 * One config file: tabs Settings (structured view + quick edit), Edit (CodeMirror with inline
 * diagnostics), History (versions, view, restore), and a Review changes step (diff against the
 * text as loaded, then Save with `If-Match`). The tab is kept in the URL (`?tab=edit`, parameter
 * name `tabParam`) so it survives a reload and can be linked.
 */
export function ConfigView({ name, tabParam = 'tab' }: { name: string; tabParam?: string }) {
  const config = useConfig(name);
  if (!config.data) {
    return <QueryState isPending={config.isPending} error={config.error} what={`config ${name}`} />;
  }
  return <ConfigWorkspace key={name} doc={config.data} tabParam={tabParam} />;
}

/** The text an edit started from: what was on disk (by ETag) when the first change was made. */
interface Base {
  text: string;
  etag: string;
}

type Conflict = { disk?: ConfigDocument };

function ConfigWorkspace({ doc, tabParam }: { doc: ConfigDocument; tabParam: string }) {
  const queryClient = useQueryClient();
  const notices = useNotices();
  const save = useSaveConfig();
  const [params, setParams] = useSearchParams();
  const tab = readTab(params.get(tabParam));

  const [draft, setDraft] = useState<string | null>(null);
  const [pinned, setPinned] = useState<Base | null>(null);
  const [reviewing, setReviewing] = useState(false);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [rejected, setRejected] = useState<LocatedDiagnostic[] | null>(null);
  const [saved, setSaved] = useState<ConfigSaveResult | null>(null);
  const [confirmReload, setConfirmReload] = useState(false);

  const base: Base = pinned ?? { text: doc.text, etag: doc.etag };
  const text = draft ?? base.text;
  const dirty = draft !== null && draft !== base.text;
  const check = useMemo(() => checkXlConfig(text), [text]);
  const model = useMemo<DomainConfig>(
    // The server's model is `toDomainConfig(parseXlConfig(text)).config` (see @xendeck/api); for
    // unsaved edits the same function runs here.
    () =>
      draft === null ? (doc.model as DomainConfig) : toDomainConfig(parseXlConfig(draft)).config,
    [draft, doc.model],
  );

  const selectTab = (id: ConfigTab) => {
    setReviewing(false);
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (id === 'settings') next.delete(tabParam);
        else next.set(tabParam, id);
        return next;
      },
      { replace: true },
    );
  };

  const edit = (next: string) => {
    if (pinned === null) setPinned({ text: doc.text, etag: doc.etag });
    setDraft(next);
    setSaved(null);
    setRejected(null);
  };

  const discard = () => {
    setDraft(null);
    setPinned(null);
    setReviewing(false);
    setConflict(null);
    setRejected(null);
  };

  const reload = () => {
    discard();
    void queryClient.invalidateQueries({ queryKey: configQueryOptions(doc.name).queryKey });
  };

  const compareWithDisk = async () => {
    try {
      const fresh = await queryClient.fetchQuery({ ...configQueryOptions(doc.name), staleTime: 0 });
      setConflict({ disk: fresh });
    } catch (error) {
      notices.error(`Read ${doc.path}`, error);
    }
  };

  const submit = () => {
    if (draft === null) return;
    setRejected(null);
    save.mutate(
      { name: doc.name, text: draft, etag: base.etag },
      {
        onSuccess: (result) => {
          setDraft(null);
          setPinned(null);
          setReviewing(false);
          setConflict(null);
          setSaved(result);
        },
        onError: (error) => {
          if (isApiError(error) && error.code === 'CONFIG_CHANGED') setConflict({});
          else if (isApiError(error) && error.code === 'CONFIG_INVALID') {
            const list = diagnosticsFromDetails(error.details);
            setRejected(
              list.length > 0
                ? list
                : [{ code: error.code, message: error.message, line: 1, column: 1 }],
            );
          } else notices.error(`Save ${doc.path}`, error);
        },
      },
    );
  };

  const onDiskLabel = (
    <>
      Settings in <span className="font-mono">{doc.path}</span> as xl reads them
    </>
  );

  return (
    <div className="flex flex-col gap-3">
      <UnsavedEditsGuard dirty={dirty} path={doc.path} />
      <FileFacts doc={doc} dirty={dirty} />

      {saved ? <SavedStatus result={saved} doc={doc} onDismiss={() => setSaved(null)} /> : null}

      <Tabs
        label={`Config ${doc.name}`}
        idPrefix={`config-${doc.name}`}
        tabs={TABS}
        selected={tab}
        onSelect={selectTab}
      />
      <div {...tabPanelProps(`config-${doc.name}`, tab)} className="flex flex-col gap-3">
        {reviewing && draft !== null ? (
          <Review
            doc={doc}
            base={base}
            draft={draft}
            check={check}
            rejected={rejected}
            conflict={conflict}
            saving={save.isPending}
            dirty={dirty}
            onBack={() => {
              setReviewing(false);
              setConflict(null);
            }}
            onSave={submit}
            onReload={() => (dirty ? setConfirmReload(true) : reload())}
            onCompare={compareWithDisk}
            onKeepMine={(disk) => {
              setPinned({ text: disk.text, etag: disk.etag });
              setConflict(null);
            }}
          />
        ) : tab === 'settings' ? (
          <ConfigSettings
            model={model}
            text={text}
            source={
              dirty ? (
                <span className="text-amber-700 dark:text-amber-300">
                  Settings of your unsaved edits (not yet on disk)
                </span>
              ) : (
                onDiskLabel
              )
            }
            onQuickEdit={(next) => {
              edit(next);
              setReviewing(true);
            }}
          />
        ) : tab === 'edit' ? (
          <EditTab
            doc={doc}
            text={text}
            check={check}
            dirty={dirty}
            onChange={edit}
            onReview={() => setReviewing(true)}
            onDiscard={discard}
          />
        ) : (
          <ConfigHistory
            name={doc.name}
            path={doc.path}
            currentText={doc.text}
            currentEtag={doc.etag}
            hasUnsavedEdits={dirty}
            onRestored={() => {
              discard();
              setSaved(null);
            }}
          />
        )}
      </div>

      <ConfirmDialog
        open={confirmReload}
        onOpenChange={setConfirmReload}
        title="Reload and lose your edits?"
        confirmLabel="Reload"
        confirmVariant="danger"
        onConfirm={reload}
      >
        <p>
          Loads <span className="font-mono">{doc.path}</span> as it is on disk now. Your unsaved
          edits are discarded.
        </p>
      </ConfirmDialog>
    </div>
  );
}

function FileFacts({ doc, dirty }: { doc: ConfigDocument; dirty: boolean }) {
  const modified = new Date(doc.modifiedAt);
  return (
    <dl className="flex flex-wrap items-center gap-x-5 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
      <div className="flex gap-1.5">
        <dt className="sr-only">Path</dt>
        <dd className="font-mono text-zinc-800 dark:text-zinc-200">{doc.path}</dd>
      </div>
      <div className="flex gap-1.5">
        <dt>Modified</dt>
        <dd>
          <time dateTime={doc.modifiedAt}>
            {Number.isNaN(modified.getTime()) ? doc.modifiedAt : modified.toLocaleString()}
          </time>
        </dd>
      </div>
      <div className="flex gap-1.5">
        <dt>Domain</dt>
        <dd>
          {doc.running
            ? `running${doc.domid !== undefined ? `, domid ${doc.domid}` : ''}`
            : 'not running'}
        </dd>
      </div>
      <div className="flex items-center gap-1.5">
        <dt>Autostart</dt>
        <dd>
          <ConfigAutostartToggle name={doc.name} />
        </dd>
      </div>
      <div
        className="flex gap-1.5"
        title="ETag: SHA-256 of the file's bytes, sent back as If-Match when saving"
      >
        <dt>ETag</dt>
        <dd className="font-mono">{doc.etag.slice(1, 13)}…</dd>
      </div>
      {doc.errors.length > 0 ? (
        <div className="rounded bg-red-100 px-1.5 py-0.5 font-medium text-red-800 dark:bg-red-950 dark:text-red-300">
          xl refuses this file ({doc.errors.length} {doc.errors.length === 1 ? 'error' : 'errors'})
        </div>
      ) : null}
      {dirty ? (
        <div className="rounded bg-amber-100 px-1.5 py-0.5 font-medium text-amber-800 dark:bg-amber-950 dark:text-amber-300">
          unsaved edits
        </div>
      ) : null}
    </dl>
  );
}

function SavedStatus({
  result,
  doc,
  onDismiss,
}: {
  result: ConfigSaveResult;
  doc: ConfigDocument;
  onDismiss: () => void;
}) {
  return (
    <div
      role="status"
      data-testid="config-saved"
      className="flex items-start gap-3 rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950/60 dark:text-emerald-100"
    >
      <div className="flex min-w-0 flex-1 flex-col gap-1">
        <p className="font-medium">
          {result.written
            ? `Saved ${doc.path}`
            : `Nothing to save: ${doc.path} already holds this text`}
          {result.versionId !== null ? (
            <span className="ml-2 font-normal text-xs">(history #{result.versionId})</span>
          ) : null}
        </p>
        {doc.running ? (
          <p className="text-xs">
            The running domain <span className="font-mono">{doc.name}</span>
            {doc.domid !== undefined ? ` (domid ${doc.domid})` : ''} is unchanged: xl reads the file
            only when it creates the domain, so the new settings apply at the next{' '}
            <code className="font-mono">xl create</code>.
          </p>
        ) : (
          <p className="flex flex-wrap items-center gap-2 text-xs">
            Start the domain with these settings:{' '}
            <CommandHint command={xlCreateCommand(doc.path)} />
          </p>
        )}
        {result.warnings.length > 0 ? (
          <div className="mt-1 rounded bg-white/60 p-1 dark:bg-black/20">
            <p className="px-1.5 text-xs font-medium">xl will warn about:</p>
            <DiagnosticsList errors={[]} warnings={result.warnings} />
          </div>
        ) : null}
      </div>
      <button
        type="button"
        onClick={onDismiss}
        className="-mr-1 rounded px-1.5 text-lg leading-none opacity-70 hover:opacity-100 focus-visible:outline-2 focus-visible:outline-current"
        aria-label="Dismiss"
      >
        ×
      </button>
    </div>
  );
}

function EditTab({
  doc,
  text,
  check,
  dirty,
  onChange,
  onReview,
  onDiscard,
}: {
  doc: ConfigDocument;
  text: string;
  check: ReturnType<typeof checkXlConfig>;
  dirty: boolean;
  onChange: (text: string) => void;
  onReview: () => void;
  onDiscard: () => void;
}) {
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2">
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          The file exactly as on disk; only what you change is written. Problems are checked as you
          type with the same parser xl uses.
        </p>
        <div className="ml-auto flex gap-2">
          <ConfirmDialog
            title="Discard your edits?"
            confirmLabel="Discard"
            confirmVariant="danger"
            onConfirm={onDiscard}
            trigger={
              <Button disabled={!dirty} variant="ghost">
                Discard edits
              </Button>
            }
          >
            <p>
              The editor goes back to <span className="font-mono">{doc.path}</span> as you opened
              it.
            </p>
          </ConfirmDialog>
          <Button variant="primary" disabled={!dirty} onClick={onReview}>
            Review changes
          </Button>
        </div>
      </div>
      <XlEditor
        value={text}
        onChange={onChange}
        label={`Config file ${doc.path}`}
        testId="config-editor"
      />
      <div aria-live="polite" className="text-xs">
        {check.errors.length === 0 && check.warnings.length === 0 ? (
          <p className="text-emerald-700 dark:text-emerald-400">
            xl reads this file without complaint.
          </p>
        ) : (
          <>
            <p className="mb-1 text-zinc-600 dark:text-zinc-400">
              {check.errors.length > 0
                ? `${check.errors.length} ${check.errors.length === 1 ? 'error' : 'errors'}: xl create would refuse this file.`
                : 'No errors.'}{' '}
              {check.warnings.length > 0
                ? `${check.warnings.length} ${check.warnings.length === 1 ? 'warning' : 'warnings'}: xl accepts the file but ignores or warns about these.`
                : ''}
            </p>
            <DiagnosticsList errors={check.errors} warnings={check.warnings} />
          </>
        )}
      </div>
    </div>
  );
}

function Review({
  doc,
  base,
  draft,
  check,
  rejected,
  conflict,
  saving,
  dirty,
  onBack,
  onSave,
  onReload,
  onCompare,
  onKeepMine,
}: {
  doc: ConfigDocument;
  base: Base;
  draft: string;
  check: ReturnType<typeof checkXlConfig>;
  rejected: LocatedDiagnostic[] | null;
  conflict: Conflict | null;
  saving: boolean;
  dirty: boolean;
  onBack: () => void;
  onSave: () => void;
  onReload: () => void;
  onCompare: () => void;
  onKeepMine: (disk: ConfigDocument) => void;
}) {
  return (
    <section aria-labelledby="review-title" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <h3 id="review-title" className="text-sm font-semibold">
          Review changes to <span className="font-mono">{doc.path}</span>
        </h3>
        <div className="ml-auto flex gap-2">
          <Button onClick={onBack}>Back</Button>
          <Button
            variant="primary"
            onClick={onSave}
            disabled={saving || !dirty || conflict !== null}
            aria-busy={saving}
          >
            {saving ? 'Saving…' : 'Save'}
          </Button>
        </div>
      </div>

      {conflict ? (
        <div
          role="alert"
          className="flex flex-col gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/60 dark:text-amber-100"
        >
          <p className="font-medium">
            The file changed on disk since you opened it
            <span className="ml-2 rounded bg-black/5 px-1.5 py-0.5 font-mono text-xs font-normal dark:bg-white/10">
              CONFIG_CHANGED
            </span>
          </p>
          <p className="text-xs">
            Someone (or something) wrote <span className="font-mono">{doc.path}</span> after you
            loaded it. Nothing was saved.
          </p>
          <div className="flex flex-wrap gap-2">
            <Button size="sm" onClick={onReload}>
              Reload
            </Button>
            {conflict.disk ? (
              <Button size="sm" onClick={() => conflict.disk && onKeepMine(conflict.disk)}>
                Keep my edits over the new file
              </Button>
            ) : (
              <Button size="sm" onClick={onCompare}>
                Compare with the file on disk
              </Button>
            )}
          </div>
          {conflict.disk ? (
            <ConfigDiff
              original={conflict.disk.text}
              modified={draft}
              label="The file on disk now → your edits"
            />
          ) : null}
        </div>
      ) : null}

      {rejected ? (
        <Alert
          kind="error"
          title="The server refused the text: xl would not read it. Nothing was written; your edits are kept."
          code="CONFIG_INVALID"
        />
      ) : null}
      {rejected ? <DiagnosticsList errors={rejected} /> : null}

      {!rejected && check.errors.length > 0 ? (
        <div className="rounded-md border border-red-300 bg-red-50 p-2 dark:border-red-800 dark:bg-red-950/40">
          <p className="px-1.5 text-sm font-medium text-red-900 dark:text-red-100">
            xl create would refuse this text; the server will not save it.
          </p>
          <DiagnosticsList errors={check.errors} />
        </div>
      ) : null}
      {check.warnings.length > 0 ? (
        <details className="text-sm">
          <summary className="cursor-pointer text-amber-800 dark:text-amber-300">
            {check.warnings.length} {check.warnings.length === 1 ? 'warning' : 'warnings'} (xl
            accepts the file)
          </summary>
          <DiagnosticsList errors={[]} warnings={check.warnings} />
        </details>
      ) : null}

      {!conflict?.disk ? (
        <ConfigDiff
          original={base.text}
          modified={draft}
          label={`${doc.path} as you opened it (ETag ${base.etag.slice(1, 13)}…) → your edits`}
        />
      ) : null}
    </section>
  );
}
