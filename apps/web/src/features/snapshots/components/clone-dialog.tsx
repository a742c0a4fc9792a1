/**
 * "Clone…": a new guest from this shut-down one (or from a guest kept as a template). The hoster
 * names it and picks how its volumes are made — a full copy, or an LVM snapshot of each source
 * volume (the trade-off is spelled out) — and sees, from the server's preview, the volumes, the
 * commands and the new config file (new name, MACs, UUID, disk targets; the rest as written).
 * Clone starts the `domain.clone` task (followed in the tab's operations). While a domain of this
 * name runs, the button is disabled with the reason. Test ids: `clone-open`, `clone-name`,
 * `clone-mode-copy`, `clone-mode-snapshot`, `clone-commands`, `clone-config`, `clone-submit`.
 */
import * as Dialog from '@radix-ui/react-dialog';
import { type CloneMode, domainNameSchema } from '@xendeck/api';
import { useId, useState } from 'react';
import { Button } from '@/components/button';
import { Field, inputClass } from '@/components/form-field';
import { formatBytes } from '@/lib/format';
import { useClonePreview, useSnapshotOperation } from '../api/snapshots';
import { Commands } from './commands';

const MODES: { mode: CloneMode; title: string; text: string }[] = [
  {
    mode: 'copy',
    title: 'Full copy',
    text: 'New volumes with all of the source’s bytes (dd). Takes a while (the task shows its progress) and the full space; afterwards the clone is independent: the source can change or go.',
  },
  {
    mode: 'snapshot',
    title: 'LVM snapshot (thin-ish)',
    text: 'Each new volume is a copy-on-write snapshot of the source’s: ready at once. But the clone stays tied to the source: the source’s volume cannot be removed while the clone exists, writes to both are slower, and the snapshot’s room (the source’s size, reserved) must not fill up. Good for short-lived test guests.',
  },
];

export function CloneDialog({
  name,
  running,
  onStarted,
}: {
  name: string;
  /** A domain of this name runs: cloning is refused. */
  running: boolean;
  /** Called with the clone task's id. */
  onStarted: (taskId: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const [newName, setNewName] = useState('');
  const [mode, setMode] = useState<CloneMode>('copy');
  const id = useId();
  const nameCheck = domainNameSchema.safeParse(newName);
  const valid = nameCheck.success && newName !== name;
  const preview = useClonePreview(name, newName, mode, open && valid);
  const operation = useSnapshotOperation();

  if (running) {
    return (
      <span className="inline-flex items-center gap-2">
        <Button size="sm" disabled title="Shut the guest down to clone it" data-testid="clone-open">
          Clone…
        </Button>
        <span className="text-xs text-zinc-500">
          shut it down to clone it (its disks would be copied mid-write)
        </span>
      </span>
    );
  }
  return (
    <Dialog.Root
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) operation.reset();
      }}
    >
      <Dialog.Trigger asChild>
        <Button size="sm" data-testid="clone-open">
          Clone…
        </Button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-zinc-950/50 backdrop-blur-[1px]" />
        <Dialog.Content className="fixed top-1/2 left-1/2 z-50 flex max-h-[calc(100vh-2rem)] w-[min(46rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 flex-col gap-3 overflow-y-auto rounded-lg border border-zinc-200 bg-white p-5 text-sm text-zinc-900 shadow-xl focus:outline-none dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100">
          <Dialog.Title className="text-base font-semibold">
            Clone <span className="font-mono">{name}</span>
          </Dialog.Title>
          <Dialog.Description className="text-zinc-600 dark:text-zinc-300">
            A new guest with its own volumes and config file: a new name, new MAC addresses and
            UUID; everything else as in {name}’s config. Keep a shut-down guest as a template and
            clone it to make new guests.
          </Dialog.Description>
          <Field
            label="New guest’s name"
            htmlFor={`${id}-name`}
            error={
              newName !== '' && !valid
                ? {
                    message: nameCheck.success
                      ? 'the clone needs a name of its own'
                      : nameCheck.error.issues[0]?.message,
                  }
                : undefined
            }
          >
            <input
              id={`${id}-name`}
              data-testid="clone-name"
              className={`${inputClass} font-mono`}
              value={newName}
              autoComplete="off"
              spellCheck={false}
              onChange={(ev) => setNewName(ev.target.value)}
            />
          </Field>
          <fieldset className="flex flex-col gap-2">
            <legend className="mb-1 text-xs font-medium text-zinc-700 dark:text-zinc-300">
              Volumes
            </legend>
            {MODES.map((m) => (
              <label key={m.mode} className="flex items-start gap-2">
                <input
                  type="radio"
                  name={`${id}-mode`}
                  className="mt-1"
                  data-testid={`clone-mode-${m.mode}`}
                  checked={mode === m.mode}
                  onChange={() => setMode(m.mode)}
                />
                <span>
                  <span className="font-medium">{m.title}</span>
                  <span className="block text-xs text-zinc-600 dark:text-zinc-400">{m.text}</span>
                </span>
              </label>
            ))}
          </fieldset>
          {preview.error ? (
            <p role="alert" className="text-red-700 dark:text-red-300">
              {preview.error.message}
            </p>
          ) : null}
          {preview.data && valid ? (
            <div className="flex flex-col gap-2">
              <ul className="text-xs">
                {preview.data.volumes.map((v) => (
                  <li key={v.to} className="font-mono">
                    {v.vg}/{v.from} → {v.vg}/{v.to} ({formatBytes(v.sizeBytes)})
                  </li>
                ))}
              </ul>
              <p className="text-xs text-zinc-500">
                The commands it runs, then the new config file is written:
              </p>
              <Commands
                commands={preview.data.commands}
                label={`clone ${name}`}
                testId="clone-commands"
              />
              {preview.data.warnings.map((w) => (
                <p key={w} className="text-xs text-amber-700 dark:text-amber-300">
                  {w}
                </p>
              ))}
              <p className="text-xs text-zinc-500">
                <span className="font-mono">{preview.data.configPath}</span> (the MACs and UUID
                shown are examples: fresh ones are drawn when it runs):
              </p>
              <pre
                data-testid="clone-config"
                className="max-h-56 overflow-auto rounded border border-zinc-200 bg-zinc-50 p-2 font-mono text-xs dark:border-zinc-800 dark:bg-zinc-950"
              >
                {preview.data.configText}
              </pre>
            </div>
          ) : null}
          {operation.error ? (
            <p role="alert" className="text-red-700 dark:text-red-300">
              {operation.error.message}
            </p>
          ) : null}
          <div className="mt-2 flex justify-end gap-2">
            <Dialog.Close asChild>
              <Button>Cancel</Button>
            </Dialog.Close>
            <Button
              variant="primary"
              data-testid="clone-submit"
              disabled={!valid || !preview.data || operation.isPending}
              onClick={() =>
                operation.mutate(
                  { op: 'clone', name, newName, mode },
                  {
                    onSuccess: ({ task }) => {
                      onStarted(task.id);
                      setOpen(false);
                      setNewName('');
                    },
                  },
                )
              }
            >
              Clone
            </Button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
