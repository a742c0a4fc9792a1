/**
 * One volume group: its usage bar (used / free of its size), physical volumes, and its logical
 * volumes in a table (size, attributes in words, origin, open, used by) with Grow, Snapshot and
 * Delete per volume and Create volume for the group.
 */
import type { LogicalVolume, Task, VolumeGroup } from '@xendeck/api';
import { Panel, QueryState } from '@/components/panel';
import { tdClass } from '@/components/table';
import { formatBytes, percentOf } from '@/lib/format';
import { useVolumes } from '../api/storage-queries';
import { growFormSchema, newVolumeFormSchema, snapshotFormSchema } from '../lib/forms';
import { describeLvAttr } from '../lib/lv-attr';
import { RemoveDialog } from './remove-dialog';
import { SizedOperationDialog } from './sized-operation-dialog';
import { StorageTable } from './storage-table';
import { UsedBy } from './used-by';
import { UsedByGaps } from './used-by-gaps';

/** Used and free space as a bar, with the figures in words. */
export function UsageBar({ sizeBytes, freeBytes }: { sizeBytes: number; freeBytes: number }) {
  const used = sizeBytes - freeBytes;
  const pct = percentOf(used, sizeBytes);
  return (
    <div className="flex flex-col gap-1">
      <div
        aria-hidden="true"
        data-testid="vg-usage-bar"
        data-used-percent={pct}
        className="h-2.5 w-full overflow-hidden rounded bg-zinc-200 dark:bg-zinc-700"
      >
        <div
          className={`h-full ${pct > 90 ? 'bg-red-500' : pct > 75 ? 'bg-amber-500' : 'bg-sky-600'}`}
          style={{ width: `${pct}%` }}
        />
      </div>
      <p className="text-xs text-zinc-600 tabular-nums dark:text-zinc-300" data-testid="vg-usage">
        {formatBytes(used)} used of {formatBytes(sizeBytes)} ({pct}%) · {formatBytes(freeBytes)}{' '}
        free
      </p>
    </div>
  );
}

/** Why a volume cannot be removed besides its users: LVM's own reasons. */
function lvmBlock(lv: LogicalVolume, all: LogicalVolume[]): string | undefined {
  if (lv.open) return `Open: a domain, mount or process holds ${lv.path}`;
  const snaps = all.filter((o) => o.origin === lv.name).map((o) => o.name);
  if (snaps.length > 0) return `Origin of snapshot ${snaps.join(', ')}: delete that first`;
  return undefined;
}

function VolumeRow({
  vg,
  lv,
  all,
  onStarted,
}: {
  vg: VolumeGroup;
  lv: LogicalVolume;
  all: LogicalVolume[];
  onStarted: (task: Task) => void;
}) {
  return (
    <tr
      className="border-t border-zinc-100 align-top dark:border-zinc-800"
      data-testid={`lv-row-${lv.name}`}
    >
      <td className={`${tdClass} font-mono whitespace-nowrap`}>{lv.name}</td>
      <td className={`${tdClass} tabular-nums whitespace-nowrap`}>{formatBytes(lv.sizeBytes)}</td>
      <td className={tdClass}>
        <span title={`lv_attr ${lv.attr}`}>{describeLvAttr(lv.attr).join(', ')}</span>
      </td>
      <td className={`${tdClass} font-mono whitespace-nowrap`}>{lv.origin ?? '—'}</td>
      <td className={tdClass}>{lv.open ? 'yes' : 'no'}</td>
      <td className={tdClass}>
        <UsedBy users={lv.usedBy} />
      </td>
      <td className={tdClass}>
        <div className="flex flex-wrap items-center gap-1.5">
          <SizedOperationDialog
            triggerLabel="Grow"
            triggerTestId="grow-button"
            title={`Grow ${vg.name}/${lv.name}`}
            description={`Now ${formatBytes(lv.sizeBytes)}. The new total size, rounded up to whole ${formatBytes(vg.extentSizeBytes)} extents (lvextend); volumes never shrink. The guest's filesystem is not resized.`}
            submitLabel="Grow"
            sizeLabel="New size"
            sizeHint={`${formatBytes(vg.freeBytes)} free in ${vg.name}`}
            schema={growFormSchema(lv.sizeBytes)}
            defaults={{ amount: Math.ceil((lv.sizeBytes * 1.5) / 1024 ** 3), unit: 'GiB' }}
            toOperation={({ sizeBytes }) => ({
              op: 'grow-volume',
              vg: vg.name,
              lv: lv.name,
              body: { sizeBytes },
            })}
            onStarted={onStarted}
          />
          {lv.origin === null ? (
            <SizedOperationDialog
              triggerLabel="Snapshot"
              triggerTestId="snapshot-button"
              title={`Snapshot ${vg.name}/${lv.name}`}
              description="A copy-on-write snapshot (lvcreate -s): its size is the room for blocks changed after now; it becomes invalid when full."
              submitLabel="Create snapshot"
              nameField={{ label: 'Snapshot name', hint: 'LVM name rules' }}
              sizeLabel="Room for changes"
              sizeHint={`${formatBytes(vg.freeBytes)} free in ${vg.name}`}
              schema={snapshotFormSchema}
              defaults={{ name: `${lv.name}-snap`, amount: 1, unit: 'GiB' }}
              toOperation={({ name, sizeBytes }) => ({
                op: 'snapshot-volume',
                vg: vg.name,
                lv: lv.name,
                body: { name, sizeBytes },
              })}
              onStarted={onStarted}
            />
          ) : null}
          <RemoveDialog
            what="logical volume"
            name={lv.name}
            path={lv.path}
            users={lv.usedBy}
            blockedReason={lvmBlock(lv, all)}
            operation={{ op: 'remove-volume', vg: vg.name, lv: lv.name }}
            onStarted={onStarted}
          />
        </div>
      </td>
    </tr>
  );
}

export function VolumeGroupPanel({
  vg,
  onStarted,
}: {
  vg: VolumeGroup;
  onStarted: (task: Task) => void;
}) {
  const volumes = useVolumes(vg.name);
  const list = volumes.data?.volumes ?? [];
  return (
    <Panel
      title={`Volume group ${vg.name}`}
      labelledBy={`vg-${vg.name}-heading`}
      actions={
        <SizedOperationDialog
          triggerLabel="Create volume"
          triggerTestId={`create-volume-${vg.name}`}
          triggerVariant="primary"
          title={`New logical volume in ${vg.name}`}
          description={`lvcreate: the size rounds up to whole ${formatBytes(vg.extentSizeBytes)} extents; old signatures at its start are wiped.`}
          submitLabel="Create volume"
          nameField={{ label: 'Name', hint: 'Letters, digits, + _ . - (not starting with -)' }}
          sizeLabel="Size"
          sizeHint={`${formatBytes(vg.freeBytes)} free`}
          schema={newVolumeFormSchema}
          defaults={{ amount: 10, unit: 'GiB' }}
          toOperation={({ name, sizeBytes }) => ({
            op: 'create-volume',
            vg: vg.name,
            body: { name, sizeBytes },
          })}
          onStarted={onStarted}
        />
      }
    >
      <div className="flex flex-col gap-3">
        <UsageBar sizeBytes={vg.sizeBytes} freeBytes={vg.freeBytes} />
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          Physical volumes:{' '}
          {vg.physicalVolumes
            .map(
              (pv) =>
                `${pv.name} (${formatBytes(pv.sizeBytes)}, ${formatBytes(pv.freeBytes)} free)`,
            )
            .join(', ')}{' '}
          · extent size {formatBytes(vg.extentSizeBytes)}
        </p>
        <QueryState
          isPending={volumes.isPending}
          error={volumes.error}
          what="the logical volumes"
        />
        {volumes.data ? <UsedByGaps gaps={volumes.data.usedByGaps} /> : null}
        {volumes.data && list.length === 0 ? (
          <p className="text-sm text-zinc-500">No logical volumes in {vg.name}.</p>
        ) : null}
        {list.length > 0 ? (
          <StorageTable
            label={`Logical volumes of ${vg.name}`}
            columns={['Name', 'Size', 'Attributes', 'Origin', 'Open', 'Used by', 'Actions']}
          >
            {list.map((lv) => (
              <VolumeRow key={lv.name} vg={vg} lv={lv} all={list} onStarted={onStarted} />
            ))}
          </StorageTable>
        ) : null}
      </div>
    </Panel>
  );
}
