import { GUEST_PROFILES } from '@xendeck/xl-config';
import type { ReactNode } from 'react';
import { formatBytes, formatMiB } from '@/lib/format';
import { gibToBytes, newVolumeNameFor } from '../lib/wizard-request';
import type { WizardValues } from '../lib/wizard-values';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </>
  );
}

/** One line per disk for the summary: `new vg0/web1-disk0, 10.0 GiB`, `vg0/data`, `image disk.img`. */
function diskLine(v: WizardValues, i: number): string {
  const d = v.disks[i];
  if (!d) return '';
  if (d.source === 'image') return `image ${d.image || '…'}`;
  if (d.source === 'existing-lv') return `${d.volumeGroup || '…'}/${d.volume || '…'}`;
  const size =
    Number.isFinite(d.sizeGiB) && d.sizeGiB > 0 ? formatBytes(gibToBytes(d.sizeGiB)) : '…';
  return `new ${d.volumeGroup || '…'}/${newVolumeNameFor(v.name, v.disks, i)}, ${size}`;
}

/** The side summary: every answer so far, one line each, updated as the hoster types. */
export function WizardSummary({ values }: { values: WizardValues }) {
  const hvm = values.type === 'hvm';
  const boot = hvm
    ? values.cdrom
      ? `CD-ROM ${values.cdrom}`
      : 'disk'
    : values.type === 'pv' && values.pvBoot === 'pygrub'
      ? 'pygrub'
      : values.kernel || 'kernel …';
  return (
    <aside
      aria-label="Summary"
      data-testid="wizard-summary"
      className="flex flex-col gap-2 rounded-lg border border-zinc-200 bg-white p-4 text-sm shadow-xs dark:border-zinc-800 dark:bg-zinc-900"
    >
      <h2 className="text-sm font-semibold">Summary</h2>
      <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-3 gap-y-1">
        <Row label="Name">
          <span className="font-mono">{values.name || '—'}</span>
        </Row>
        <Row label="Type">
          {values.type.toUpperCase()}
          {hvm ? ` · ${GUEST_PROFILES[values.profile].label}` : ''}
        </Row>
        <Row label="Boot">
          <span className="font-mono text-xs">{boot}</span>
        </Row>
        <Row label="Memory">
          {Number.isFinite(values.memoryMiB) ? formatMiB(values.memoryMiB) : '—'}
          {Number.isFinite(values.maxmemMiB) && values.maxmemMiB > values.memoryMiB
            ? ` (max ${formatMiB(values.maxmemMiB)})`
            : ''}
        </Row>
        <Row label="vCPUs">{Number.isFinite(values.vcpus) ? values.vcpus : '—'}</Row>
        <Row label="Disks">
          {values.disks.length === 0 ? (
            'none'
          ) : (
            <ul>
              {values.disks.map((_, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the rows are positional (disk i)
                <li key={i} className="font-mono text-xs">
                  {diskLine(values, i)}
                </li>
              ))}
            </ul>
          )}
        </Row>
        <Row label="Network">
          {values.network ? (
            <span className="font-mono text-xs">
              {values.bridge || '…'} · {values.mac}
            </span>
          ) : (
            'none'
          )}
        </Row>
        {hvm ? (
          <Row label="Screen">VNC on 127.0.0.1{values.vncPassword ? ', password' : ''}</Row>
        ) : null}
        <Row label="Then">{values.start ? 'start it' : 'write the config only'}</Row>
      </dl>
    </aside>
  );
}
