import type { Host } from '@xendeck/api';
import { Button } from '@/components/button';
import { CommandHint } from '@/components/command-hint';
import { MemoryTargetControl } from '@/components/memory-target-control';
import { useNotices } from '@/components/notices';
import { isBallooning } from '../api/get-host';
import { dom0MemSetCommand, useSetDom0Memory } from '../api/set-dom0-memory';

/**
 * dom0 balloon control: the shared {@link MemoryTargetControl} (slider and number field, MiB,
 * bounded by `host.dom0.minMemoryMiB` and `maxMemoryMiB`, checked by the domain rules), "Apply"
 * sends `PUT /host/dom0/memory`, and while dom0's memory differs from its target it shows
 * "ballooning… X MiB → Y MiB" (the host query polls every second meanwhile).
 */
export function Dom0MemoryControl({ host }: { host: Host }) {
  const notices = useNotices();
  const setMemory = useSetDom0Memory();
  const { memoryMiB, targetMiB, minMemoryMiB, maxMemoryMiB } = host.dom0;

  return (
    <MemoryTargetControl
      subject="dom0"
      currentMiB={memoryMiB}
      targetMiB={targetMiB}
      minMiB={minMemoryMiB}
      maxMiB={maxMemoryMiB}
      labels={{ current: 'Current', max: 'Maximum (static-max)' }}
      testIds={{ current: 'dom0-current', input: 'dom0-target-input' }}
      ballooning={isBallooning(host) ? { fromMiB: memoryMiB, toMiB: targetMiB } : null}
      idleNote="dom0 is at its target."
      hint={`Allowed: ${minMemoryMiB}–${maxMemoryMiB} MiB.`}
      onApply={(target, done) =>
        setMemory.mutate(
          { targetMiB: target },
          {
            onSuccess: done,
            onError: (error) => notices.error(`Set dom0 memory to ${target} MiB`, error),
          },
        )
      }
      controls={(target) => (
        <>
          <Button
            type="submit"
            variant="primary"
            disabled={target === null || setMemory.isPending}
            title={target === null ? undefined : dom0MemSetCommand(target)}
          >
            {setMemory.isPending ? 'Applying…' : 'Apply'}
          </Button>
          {target === null ? null : <CommandHint command={dom0MemSetCommand(target)} />}
        </>
      )}
    />
  );
}
