/**
 * The domain page's Snapshots tab: the guest's volumes (the logical volumes its config's disks
 * name), a form to take a snapshot set (label, room for changes; the commands it runs, previewed
 * by the server), the sets with Revert (typed label; only while the guest is shut down) and
 * Delete (typed label), each with its commands, the Clone… dialog, and the operations started
 * here with their progress. Test ids: `snapshot-label`, `snapshot-percent`, `snapshot-take`,
 * `snapshot-take-commands`, `snapshot-set` (rows, `data-label`), `snapshot-revert-*`,
 * `snapshot-delete-*`, `snapshot-task`.
 */
import { SNAPSHOT_DEFAULT_PERCENT, type SnapshotSet, snapshotLabelSchema } from '@xendeck/api';
import { useState } from 'react';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { Field, inputBaseClass } from '@/components/form-field';
import { Panel, QueryState } from '@/components/panel';
import { tdClass, thClass } from '@/components/table';
import { TypedDeleteDialog } from '@/components/typed-delete-dialog';
import { formatBytes } from '@/lib/format';
import {
  type SnapshotOperation,
  useSnapshotOperation,
  useSnapshotPreview,
  useSnapshots,
} from '../api/snapshots';
import { CloneDialog } from './clone-dialog';
import { Commands } from './commands';
import { SnapshotTasks } from './snapshot-tasks';

/** Why a revert is not possible now, or undefined. */
function revertBlocked(running: boolean, set: SnapshotSet): string | undefined {
  if (running) {
    return 'Shut the guest down first: a revert rewrites its disks, which a running guest has open';
  }
  if (set.volumes.some((v) => v.attr[4] === 'I')) {
    return 'A snapshot of this set is invalid (its room for changes filled up): it cannot be restored';
  }
  return undefined;
}

export function SnapshotsPanel({ name }: { name: string }) {
  const list = useSnapshots(name);
  const operation = useSnapshotOperation();
  const [taskIds, setTaskIds] = useState<string[]>([]);
  const [label, setLabel] = useState('');
  const [percent, setPercent] = useState(SNAPSHOT_DEFAULT_PERCENT);
  const labelCheck = snapshotLabelSchema.safeParse(label);
  const percentOk = Number.isInteger(percent) && percent >= 1 && percent <= 100;
  const data = list.data;
  const canTake = !!data && data.notCovered.length === 0 && data.volumes.length > 0;
  const preview = useSnapshotPreview(
    name,
    label,
    percent,
    labelCheck.success && percentOk && canTake,
  );

  const run = (o: SnapshotOperation) =>
    operation.mutate(o, { onSuccess: ({ task }) => setTaskIds((ids) => [task.id, ...ids]) });

  if (!data) return <QueryState isPending={list.isPending} error={list.error} what="snapshots" />;

  return (
    <div className="flex flex-col gap-4 pt-2">
      <Panel
        title="Volumes"
        labelledBy="snapshot-volumes-heading"
        actions={
          <CloneDialog
            name={name}
            running={data.running}
            onStarted={(id) => setTaskIds((ids) => [id, ...ids])}
          />
        }
      >
        <p className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">
          A snapshot set freezes every logical volume of <span className="font-mono">{name}</span>{' '}
          at one moment (LVM copy-on-write snapshots, one per volume, named{' '}
          <span className="font-mono">&lt;volume&gt;-snap-&lt;label&gt;</span>). A running guest is
          paused for that moment and resumed right after: the disks are as after a power cut, which
          journaling filesystems recover from. From{' '}
          <span className="font-mono">{data.configPath}</span>:
        </p>
        {data.volumes.length === 0 ? (
          <p className="text-sm text-zinc-500">
            The config names no logical volume as a writable disk.
          </p>
        ) : (
          <ul className="flex flex-col gap-0.5 text-sm" data-testid="snapshot-volumes">
            {data.volumes.map((v) => (
              <li key={v.path}>
                <span className="font-mono">{v.path}</span> as{' '}
                <span className="font-mono">{v.vdev}</span>
                {v.sizeBytes === null ? ' — missing' : `, ${formatBytes(v.sizeBytes)}`}
                {v.open ? ' (open)' : ''}
              </li>
            ))}
          </ul>
        )}
        {data.notCovered.length > 0 ? (
          <div className="mt-2">
            <Alert
              kind="error"
              title="Not every disk is a logical volume"
              message={`${data.notCovered.join(', ')}: snapshots cover LVM volumes only, so this guest cannot be snapshotted or cloned here.`}
            />
          </div>
        ) : null}
      </Panel>

      <Panel title="Take a snapshot" labelledBy="snapshot-take-heading">
        <form
          className="flex flex-col gap-3"
          onSubmit={(ev) => {
            ev.preventDefault();
            if (!labelCheck.success || !percentOk) return;
            run({ op: 'take', name, label, sizePercent: percent });
            setLabel('');
          }}
        >
          <div className="flex flex-wrap items-start gap-4">
            <Field
              label="Label"
              htmlFor="snapshot-label"
              hint="e.g. before-upgrade"
              error={
                label !== '' && !labelCheck.success
                  ? { message: labelCheck.error.issues[0]?.message }
                  : undefined
              }
            >
              <input
                id="snapshot-label"
                data-testid="snapshot-label"
                className={`${inputBaseClass} w-56 font-mono`}
                value={label}
                autoComplete="off"
                spellCheck={false}
                onChange={(ev) => setLabel(ev.target.value)}
                aria-invalid={label !== '' && !labelCheck.success}
              />
            </Field>
            <Field
              label="Room for changes (% of each volume)"
              htmlFor="snapshot-percent"
              hint="When the guest changes more than this, LVM drops the snapshot"
            >
              <input
                id="snapshot-percent"
                data-testid="snapshot-percent"
                type="number"
                min={1}
                max={100}
                className={`${inputBaseClass} w-24`}
                value={percent}
                onChange={(ev) => setPercent(Number(ev.target.value))}
              />
            </Field>
          </div>
          {preview.data ? (
            <div className="flex flex-col gap-1">
              <p className="text-xs text-zinc-500 dark:text-zinc-400">
                {preview.data.pauses
                  ? `${name} is running: it is paused for the moment of the snapshots, then unpaused (always, even if one fails).`
                  : `${name} is not running: its volumes are snapshotted as they are.`}{' '}
                The equivalent commands:
              </p>
              <Commands
                commands={preview.data.commands}
                label="take the snapshot"
                testId="snapshot-take-commands"
              />
            </div>
          ) : preview.error ? (
            <p role="alert" className="text-sm text-red-700 dark:text-red-300">
              {preview.error.message}
            </p>
          ) : null}
          <div>
            <Button
              type="submit"
              variant="primary"
              data-testid="snapshot-take"
              disabled={!labelCheck.success || !percentOk || !canTake || !!preview.error}
            >
              Take snapshot
            </Button>
          </div>
        </form>
      </Panel>

      {operation.error ? (
        <Alert
          kind="error"
          title="The operation was refused"
          message={operation.error.message}
          onDismiss={() => operation.reset()}
        />
      ) : null}
      <SnapshotTasks ids={taskIds} />

      <Panel title="Snapshot sets" labelledBy="snapshot-sets-heading">
        {data.snapshots.length === 0 ? (
          <p className="text-sm text-zinc-500" data-testid="snapshot-none">
            No snapshots of {name} yet.
          </p>
        ) : (
          <table className="w-full text-sm">
            <thead>
              <tr>
                <th className={thClass}>Label</th>
                <th className={thClass}>Taken</th>
                <th className={thClass}>Snapshots (room for changes)</th>
                <th className={thClass}>Actions</th>
              </tr>
            </thead>
            <tbody>
              {data.snapshots.map((set) => (
                <tr
                  key={set.label}
                  data-testid="snapshot-set"
                  data-label={set.label}
                  className="border-t border-zinc-100 align-top dark:border-zinc-800"
                >
                  <td className={`${tdClass} font-mono`}>
                    {set.label}
                    {set.complete ? null : (
                      <span
                        className="ml-1 text-xs text-amber-700 dark:text-amber-300"
                        title="A volume of the guest has no snapshot in this set"
                      >
                        (partial)
                      </span>
                    )}
                  </td>
                  <td className={`${tdClass} tabular-nums`}>
                    {set.createdAt ? new Date(set.createdAt).toLocaleString() : '—'}
                  </td>
                  <td className={tdClass}>
                    {set.volumes.map((v) => (
                      <div key={`${v.vg}/${v.name}`} className="font-mono text-xs">
                        {v.vg}/{v.name} ({formatBytes(v.sizeBytes)})
                        {v.attr[4] === 'I' ? <span className="text-red-700"> invalid</span> : null}
                      </div>
                    ))}
                    <details className="mt-1">
                      <summary className="cursor-pointer text-xs text-zinc-500">Commands</summary>
                      <p className="mt-1 text-xs text-zinc-500">
                        Revert (merge, then take the snapshot again so the set stays):
                      </p>
                      <Commands commands={set.commands.revert} label={`revert to ${set.label}`} />
                      <p className="mt-1 text-xs text-zinc-500">Delete:</p>
                      <Commands commands={set.commands.remove} label={`delete ${set.label}`} />
                    </details>
                  </td>
                  <td className={tdClass}>
                    <div className="flex flex-wrap items-start gap-2">
                      <TypedDeleteDialog
                        name={set.label}
                        title={`Revert ${name} to “${set.label}”?`}
                        actionLabel="Revert"
                        blockedReason={revertBlocked(data.running, set)}
                        testIdPrefix={`snapshot-revert-${set.label}`}
                        onConfirm={() => run({ op: 'revert', name, label: set.label })}
                      >
                        <p>
                          Every volume of {name} goes back to its content of{' '}
                          {set.createdAt
                            ? new Date(set.createdAt).toLocaleString()
                            : 'the snapshot'}
                          . Everything written since is lost; the set itself stays, so you can
                          revert again.
                        </p>
                        <Commands commands={set.commands.revert} label={`revert to ${set.label}`} />
                      </TypedDeleteDialog>
                      <TypedDeleteDialog
                        name={set.label}
                        title={`Delete snapshot set “${set.label}”?`}
                        testIdPrefix={`snapshot-delete-${set.label}`}
                        onConfirm={() => run({ op: 'remove', name, label: set.label })}
                      >
                        <p>
                          The snapshots go; the guest keeps its current data. You can no longer
                          revert to {set.label}.
                        </p>
                        <Commands commands={set.commands.remove} label={`delete ${set.label}`} />
                      </TypedDeleteDialog>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  );
}
