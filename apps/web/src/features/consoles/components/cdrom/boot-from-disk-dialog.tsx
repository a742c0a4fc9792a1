/**
 * **Eject and boot from disk**: previews what the server would change (`POST …/boot-from-disk`
 * `{dryRun: true}`): the changes in words and the config file's diff (the configs feature's
 * ConfigDiff, CodeMirror merge), and the CDs to eject; **Apply** sends the previewed ETag as
 * `If-Match`, so a file changed meanwhile is refused (then: Preview again). After the apply it
 * says what was written and ejected, and that the change takes effect at the next start from the
 * file (`xl create`, after a power-off: a reboot keeps the configuration the domain was started
 * with); it offers Shut down now (running) or Start now (not running).
 *
 * Test ids: `boot-from-disk-dialog`, `boot-from-disk-changes`, `boot-from-disk-apply`,
 * `boot-from-disk-done`, `boot-from-disk-shutdown`, `boot-from-disk-start`, and the diff's
 * `config-diff`.
 */
import * as Dialog from '@radix-ui/react-dialog';
import type { BootFromDiskChange, BootFromDiskResult, Domain } from '@xendeck/api';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { ConfigDiff, useStartDomain } from '@/features/configs';
import { useDomainOperation } from '@/features/domains';
import { isApiError } from '@/lib/api-client';
import { useApplyBootFromDisk, useBootFromDiskPreview } from '../../api/boot-from-disk';

/** One change in words: `boot "dc" → "c"`, `hdc: the ISO is removed, the drive stays (empty)`. */
export function describeChange(c: BootFromDiskChange): string {
  return c.kind === 'boot'
    ? `Boot order "${c.before}" → "${c.after}" (the disk first, no CD)`
    : `${c.vdev}: the image is taken out of the config; the drive stays, empty`;
}

function ErrorAlert({ title, error }: { title: string; error: Error }) {
  return (
    <Alert
      kind="error"
      title={title}
      message={error.message}
      code={isApiError(error) ? error.code : undefined}
    />
  );
}

function Done({
  name,
  result,
  running,
}: {
  name: string;
  result: BootFromDiskResult;
  running: boolean;
}) {
  const shutdown = useDomainOperation(name);
  const start = useStartDomain();
  return (
    <div data-testid="boot-from-disk-done" className="flex flex-col gap-2 text-sm">
      <Alert
        kind="success"
        title={
          result.written
            ? `${result.path} now boots from the disk`
            : `${result.path} already booted from the disk: nothing written`
        }
        message={[
          result.written && result.versionId ? `History version ${result.versionId}.` : '',
          result.eject.length ? `CD ejected from ${result.eject.join(', ')}.` : '',
        ]
          .filter(Boolean)
          .join(' ')}
      />
      <p className="text-zinc-700 dark:text-zinc-300">
        The change takes effect the next time the domain is <strong>started</strong> from its config
        file (<code>xl create</code>), after it powers off. A <strong>reboot</strong> does not read
        the file: libxl restarts the domain with the configuration it was started with.
      </p>
      {running ? (
        <div className="flex items-center gap-2">
          <Button
            variant="danger-outline"
            data-testid="boot-from-disk-shutdown"
            disabled={shutdown.isPending || shutdown.isSuccess}
            onClick={() => shutdown.mutate('shutdown')}
          >
            {shutdown.isSuccess ? 'Shutdown sent' : 'Shut down now'}
          </Button>
          <span className="text-xs text-zinc-500 dark:text-zinc-400">
            then Start: the guest boots from its disk.
          </span>
        </div>
      ) : (
        <div className="flex items-center gap-2">
          <Button
            variant="primary"
            data-testid="boot-from-disk-start"
            disabled={start.isPending || start.isSuccess}
            onClick={() => start.mutate(name)}
          >
            {start.isSuccess ? `Started (domid ${start.data.domid})` : 'Start now'}
          </Button>
          <span className="text-xs text-zinc-500 dark:text-zinc-400">
            <code>xl create</code> of the new file.
          </span>
        </div>
      )}
      {shutdown.isError ? <ErrorAlert title={`Shut down ${name}`} error={shutdown.error} /> : null}
      {start.isError ? <ErrorAlert title={`Start ${name}`} error={start.error} /> : null}
    </div>
  );
}

export function BootFromDiskDialog({
  name,
  domain,
  open,
  onOpenChange,
}: {
  name: string;
  /** The running domain, or undefined when it is not running (then nothing is ejected). */
  domain: Domain | undefined;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const preview = useBootFromDiskPreview(name, open);
  const apply = useApplyBootFromDisk(name);
  const p = preview.data;
  const nothing = p !== undefined && p.changes.length === 0 && p.eject.length === 0;
  const changed = isApiError(apply.error) && apply.error.code === 'CONFIG_CHANGED';

  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-zinc-950/50 backdrop-blur-[1px]" />
        <Dialog.Content
          data-testid="boot-from-disk-dialog"
          className="fixed top-1/2 left-1/2 z-50 flex max-h-[90vh] w-[min(56rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 flex-col gap-3 overflow-y-auto rounded-lg border border-zinc-200 bg-white p-5 text-zinc-900 shadow-xl focus:outline-none dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
        >
          <Dialog.Title className="text-base font-semibold">Eject and boot from disk</Dialog.Title>
          <Dialog.Description className="text-sm text-zinc-600 dark:text-zinc-300">
            For the end of an installation: the CDs are ejected from the running domain, and its
            config file is changed so the next start boots from the disk — the CD leaves the boot
            order and each CD-ROM drive stays in the config, empty. Comments and layout are kept;
            the old text stays in the file's history.
          </Dialog.Description>

          {apply.isSuccess ? (
            <Done name={name} result={apply.data} running={domain !== undefined} />
          ) : preview.isPending ? (
            <p className="text-sm text-zinc-500">Reading the config file…</p>
          ) : preview.isError ? (
            <ErrorAlert title={`Preview of ${name}.cfg`} error={preview.error} />
          ) : p ? (
            <>
              {nothing ? (
                <p className="text-sm text-zinc-700 dark:text-zinc-300">
                  Nothing to change: <span className="font-mono">{p.path}</span> already boots from
                  the disk and its CD-ROM drives are empty.
                </p>
              ) : (
                <ul
                  data-testid="boot-from-disk-changes"
                  className="list-disc pl-5 text-sm text-zinc-700 dark:text-zinc-300"
                >
                  {p.changes.map((c) => (
                    <li key={c.kind === 'boot' ? 'boot' : c.vdev}>{describeChange(c)}</li>
                  ))}
                  {p.eject.length ? (
                    <li>Eject now from the running domain: {p.eject.join(', ')}</li>
                  ) : p.running ? null : (
                    <li>The domain is not running: nothing to eject.</li>
                  )}
                </ul>
              )}
              {p.changes.length ? (
                <ConfigDiff
                  original={p.before}
                  modified={p.after}
                  label={`${p.path}: now → after`}
                />
              ) : null}
            </>
          ) : null}

          {apply.isError ? (
            <ErrorAlert
              title={
                changed
                  ? 'The file changed since this preview: nothing was written'
                  : 'Eject and boot from disk failed'
              }
              error={apply.error}
            />
          ) : null}

          <div className="flex justify-end gap-2">
            <Dialog.Close asChild>
              <Button>{apply.isSuccess ? 'Close' : 'Cancel'}</Button>
            </Dialog.Close>
            {apply.isSuccess ? null : changed ? (
              <Button
                variant="primary"
                onClick={() => {
                  apply.reset();
                  void preview.refetch();
                }}
              >
                Preview again
              </Button>
            ) : (
              <Button
                variant="primary"
                data-testid="boot-from-disk-apply"
                disabled={!p || nothing || apply.isPending}
                onClick={() => p && apply.mutate(p.etag)}
              >
                {apply.isPending ? 'Applying…' : 'Apply'}
              </Button>
            )}
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
