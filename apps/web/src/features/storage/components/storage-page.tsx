/**
 * `/storage`: every volume group with its logical volumes, then the image files; the operations
 * started here with their tasks. Loaded lazily (lazy-storage-page.tsx).
 */
import type { Task } from '@xendeck/api';
import { useCallback, useState } from 'react';
import { QueryState } from '@/components/panel';
import { useVolumeGroups } from '../api/storage-queries';
import { ImageFilesPanel } from './image-files-panel';
import { OperationTasks } from './operation-tasks';
import { VolumeGroupPanel } from './volume-group-panel';

export default function StoragePage() {
  const vgs = useVolumeGroups();
  const [taskIds, setTaskIds] = useState<string[]>([]);
  const onStarted = useCallback((task: Task) => setTaskIds((ids) => [task.id, ...ids]), []);
  return (
    <div className="flex flex-col gap-4">
      <OperationTasks ids={taskIds} />
      <QueryState isPending={vgs.isPending} error={vgs.error} what="the volume groups" />
      {vgs.data && vgs.data.volumeGroups.length === 0 ? (
        <p className="text-sm text-zinc-500">This host has no LVM volume groups.</p>
      ) : null}
      {vgs.data?.volumeGroups.map((vg) => (
        <VolumeGroupPanel key={vg.name} vg={vg} onStarted={onStarted} />
      ))}
      <ImageFilesPanel onStarted={onStarted} />
    </div>
  );
}
