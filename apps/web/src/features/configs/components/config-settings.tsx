import type { DiskSpec, DomainConfig, VifSpec, XlValue } from '@xendeck/xl-config';
import { formatValue } from '@xendeck/xl-config';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { Button } from '@/components/button';
import { tdClass, thClass } from '@/components/table';
import { applyQuickEdit } from '../lib/quick-edit';

const dash = <span className="text-zinc-400 dark:text-zinc-500">—</span>;

function Row({ label, hint, children }: { label: string; hint?: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[11rem_1fr] gap-3 py-1.5 text-sm">
      <dt className="text-zinc-500 dark:text-zinc-400" title={hint}>
        {label}
      </dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}

const mono = (v: string | undefined) =>
  v === undefined ? dash : <span className="font-mono text-[13px]">{v}</span>;

/** Shows `value` with its unit, or the xl default when the file does not set it. */
function valueOr(v: number | undefined, unit: string, absent: string) {
  if (v === undefined) return <span className="text-zinc-500 dark:text-zinc-400">{absent}</span>;
  return (
    <span className="tabular-nums">
      {v}
      {unit ? ` ${unit}` : ''}
    </span>
  );
}

/**
 * The structured view of a config: what xl reads from the file (xl-config's `DomainConfig`) as
 * readable rows — general settings, boot, shutdown actions, console, a disks table and a vifs
 * table, then every other setting verbatim. Plus the quick edit of memory and vCPUs.
 */
export function ConfigSettings({
  model,
  text,
  source,
  onQuickEdit,
}: {
  model: DomainConfig;
  /** The text the model was read from; the quick edit applies to it. */
  text: string;
  /** Where the values come from, shown above them ("/etc/xen/web1.cfg on disk", "your unsaved edits"). */
  source: ReactNode;
  /** Receives the text with the quick edit applied (only the memory/vcpus lines changed). */
  onQuickEdit: (newText: string) => void;
}) {
  const type = model.type;
  const isHvm = type === 'hvm';
  const other = Object.entries(model.other ?? {});
  return (
    <div className="flex flex-col gap-5">
      <p className="text-xs text-zinc-500 dark:text-zinc-400">{source}</p>
      <QuickEdit model={model} text={text} onQuickEdit={onQuickEdit} />

      <section aria-labelledby="settings-general">
        <h3 id="settings-general" className="mb-1 text-sm font-semibold">
          General
        </h3>
        <dl className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
          <Row label="Name" hint="name">
            {mono(model.name)}
          </Row>
          <Row label="Type" hint="type (or the deprecated builder)">
            {type ? (
              <span className="uppercase">{type}</span>
            ) : (
              <span className="text-zinc-500 dark:text-zinc-400">not set (xl uses PV)</span>
            )}
          </Row>
          <Row label="Memory" hint="memory, MiB: memory at boot (balloon target)">
            {valueOr(model.memoryMiB, 'MiB', 'not set (xl uses 128 MiB)')}
          </Row>
          <Row label="Max memory" hint="maxmem, MiB">
            {valueOr(model.maxmemMiB, 'MiB', 'not set (same as memory)')}
          </Row>
          <Row label="vCPUs" hint="vcpus: online at boot">
            {valueOr(model.vcpus, '', 'not set (xl uses 1)')}
          </Row>
          <Row label="Max vCPUs" hint="maxvcpus">
            {valueOr(model.maxvcpus, '', 'not set (same as vCPUs)')}
          </Row>
          {model.cpus !== undefined ? (
            <Row label="pCPUs" hint="cpus: physical CPUs the vCPUs may run on">
              {mono(Array.isArray(model.cpus) ? model.cpus.join(' | ') : model.cpus)}
            </Row>
          ) : null}
        </dl>
      </section>

      <section aria-labelledby="settings-boot">
        <h3 id="settings-boot" className="mb-1 text-sm font-semibold">
          Boot
        </h3>
        <dl className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
          {model.bootloader !== undefined ? (
            <Row label="Bootloader" hint="bootloader">
              {mono([model.bootloader, ...(model.bootloaderArgs ?? [])].join(' '))}
            </Row>
          ) : null}
          {model.kernel !== undefined || model.bootloader === undefined ? (
            <>
              <Row label="Kernel" hint="kernel: dom0 path">
                {mono(model.kernel)}
              </Row>
              <Row label="Ramdisk" hint="ramdisk: dom0 path">
                {mono(model.ramdisk)}
              </Row>
            </>
          ) : null}
          {model.cmdline !== undefined ? (
            <Row label="Command line" hint="cmdline">
              {mono(model.cmdline)}
            </Row>
          ) : null}
          {model.root !== undefined ? (
            <Row label="Root" hint="root (appended as root=...)">
              {mono(model.root)}
            </Row>
          ) : null}
          {model.extra !== undefined ? (
            <Row label="Extra" hint="extra: appended to the kernel command line">
              {mono(model.extra)}
            </Row>
          ) : null}
          {model.firmware !== undefined ? (
            <Row label="Firmware" hint="firmware">
              {mono(model.firmware)}
            </Row>
          ) : null}
          {isHvm || model.boot !== undefined ? (
            <Row label="Boot order" hint="boot: c = disk, d = CD-ROM, n = network">
              {model.boot === undefined ? (
                <span className="text-zinc-500 dark:text-zinc-400">not set (xl uses cd)</span>
              ) : (
                <span className="font-mono">
                  {model.boot}{' '}
                  <span className="font-sans text-xs text-zinc-500 dark:text-zinc-400">
                    ({describeBootOrder(model.boot)})
                  </span>
                </span>
              )}
            </Row>
          ) : null}
        </dl>
      </section>

      <section aria-labelledby="settings-actions">
        <h3 id="settings-actions" className="mb-1 text-sm font-semibold">
          When the guest stops
        </h3>
        <dl className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
          <Row label="Power off" hint="on_poweroff">
            {mono(model.onPoweroff ?? 'destroy (default)')}
          </Row>
          <Row label="Reboot" hint="on_reboot">
            {mono(model.onReboot ?? 'restart (default)')}
          </Row>
          <Row label="Crash" hint="on_crash">
            {mono(model.onCrash ?? 'destroy (default)')}
          </Row>
        </dl>
      </section>

      {isHvm || model.vnc !== undefined || model.serial !== undefined ? (
        <section aria-labelledby="settings-console">
          <h3 id="settings-console" className="mb-1 text-sm font-semibold">
            Consoles
          </h3>
          <dl className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
            <Row label="VNC" hint="vnc, vnclisten, vncdisplay, vncunused">
              {model.vnc === false ? (
                'off'
              ) : model.vnc === true ? (
                <span>
                  on
                  {model.vnclisten !== undefined ? (
                    <>
                      , listening on <span className="font-mono">{model.vnclisten}</span>
                    </>
                  ) : null}
                  {model.vncdisplay !== undefined
                    ? `, display ${model.vncdisplay} (TCP ${5900 + model.vncdisplay})`
                    : ''}
                </span>
              ) : (
                <span className="text-zinc-500 dark:text-zinc-400">not set</span>
              )}
            </Row>
            <Row label="Serial" hint="serial">
              {mono(model.serial?.join(', '))}
            </Row>
          </dl>
        </section>
      ) : null}

      <DisksTable disks={model.disk ?? []} />
      <VifsTable vifs={model.vif ?? []} />

      {other.length > 0 ? (
        <section aria-labelledby="settings-other">
          <h3 id="settings-other" className="mb-1 text-sm font-semibold">
            Other settings{' '}
            <span className="font-normal text-zinc-500 dark:text-zinc-400">(as written)</span>
          </h3>
          <dl className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
            {other.map(([key, value]) => (
              <Row key={key} label={key}>
                {mono(showValue(value))}
              </Row>
            ))}
          </dl>
        </section>
      ) : null}
    </div>
  );
}

function showValue(v: XlValue): string {
  try {
    return formatValue(v);
  } catch {
    return JSON.stringify(v);
  }
}

function describeBootOrder(boot: string): string {
  const names: Record<string, string> = { c: 'disk', d: 'CD-ROM', n: 'network' };
  return [...boot].map((c) => names[c] ?? c).join(', then ');
}

function DisksTable({ disks }: { disks: DiskSpec[] }) {
  return (
    <section aria-labelledby="settings-disks">
      <h3 id="settings-disks" className="mb-1 text-sm font-semibold">
        Disks <span className="font-normal text-zinc-500">({disks.length})</span>
      </h3>
      {disks.length === 0 ? (
        <p className="text-sm text-zinc-500 dark:text-zinc-400">No disks.</p>
      ) : (
        <div className="overflow-x-auto rounded-md border border-zinc-200 dark:border-zinc-800">
          <table className="w-full border-collapse text-sm">
            <caption className="sr-only">Disks (disk = [...])</caption>
            <thead className="border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900/60">
              <tr>
                <th scope="col" className={thClass}>
                  Target
                </th>
                <th scope="col" className={thClass}>
                  vdev
                </th>
                <th scope="col" className={thClass}>
                  Format
                </th>
                <th scope="col" className={thClass}>
                  Access
                </th>
                <th scope="col" className={thClass}>
                  Device type
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
              {disks.map((d, i) => (
                // Disks have no identity but their position (the file order is the device order).
                // biome-ignore lint/suspicious/noArrayIndexKey: position is the identity here
                <tr key={i}>
                  <td className={`${tdClass} font-mono text-[13px]`}>
                    {d.target ?? <span className="text-zinc-500">(empty drive)</span>}
                  </td>
                  <td className={`${tdClass} font-mono text-[13px]`}>{d.vdev}</td>
                  <td className={tdClass}>{d.format}</td>
                  <td className={tdClass}>
                    {d.access === 'ro' ? 'read-only (ro)' : 'read-write (rw)'}
                  </td>
                  <td className={tdClass}>{d.devtype === 'cdrom' ? 'CD-ROM' : 'disk'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function VifsTable({ vifs }: { vifs: VifSpec[] }) {
  return (
    <section aria-labelledby="settings-vifs">
      <h3 id="settings-vifs" className="mb-1 text-sm font-semibold">
        Network interfaces (vifs) <span className="font-normal text-zinc-500">({vifs.length})</span>
      </h3>
      {vifs.length === 0 ? (
        <p className="text-sm text-zinc-500 dark:text-zinc-400">No vifs.</p>
      ) : (
        <div className="overflow-x-auto rounded-md border border-zinc-200 dark:border-zinc-800">
          <table className="w-full border-collapse text-sm">
            <caption className="sr-only">Network interfaces (vif = [...])</caption>
            <thead className="border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900/60">
              <tr>
                <th scope="col" className={thClass}>
                  MAC
                </th>
                <th scope="col" className={thClass}>
                  Bridge
                </th>
                <th scope="col" className={thClass}>
                  IP
                </th>
                <th scope="col" className={thClass}>
                  Rate
                </th>
                <th scope="col" className={thClass}>
                  Model
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
              {vifs.map((v, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: position is the device index
                <tr key={i}>
                  <td className={`${tdClass} font-mono text-[13px]`}>
                    {v.mac ?? <span className="font-sans text-zinc-500">random</span>}
                  </td>
                  <td className={`${tdClass} font-mono text-[13px]`}>
                    {v.bridge ?? <span className="font-sans text-zinc-500">xenbr0 (default)</span>}
                  </td>
                  <td className={`${tdClass} font-mono text-[13px]`}>{v.ip ?? dash}</td>
                  <td className={`${tdClass} font-mono text-[13px]`}>{v.rate ?? dash}</td>
                  <td className={tdClass}>{v.model ?? dash}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** A positive whole number from an input, or an error message. */
function readCount(raw: string, what: string): number | string {
  if (!/^\d+$/.test(raw.trim())) return `${what} must be a whole number`;
  const n = Number(raw.trim());
  if (n < 1) return `${what} must be at least 1`;
  if (!Number.isSafeInteger(n)) return `${what} is too large`;
  return n;
}

/**
 * Memory and vCPUs inputs that change only those two lines of the file (XlDocument.set), then hand
 * the new text to the review step.
 */
function QuickEdit({
  model,
  text,
  onQuickEdit,
}: {
  model: DomainConfig;
  text: string;
  onQuickEdit: (newText: string) => void;
}) {
  const id = useId();
  const [memory, setMemory] = useState(model.memoryMiB?.toString() ?? '');
  const [vcpus, setVcpus] = useState(model.vcpus?.toString() ?? '');
  const [error, setError] = useState<string | null>(null);

  const memoryChanged = memory.trim() !== (model.memoryMiB?.toString() ?? '');
  const vcpusChanged = vcpus.trim() !== (model.vcpus?.toString() ?? '');
  const memoryValue = memoryChanged ? readCount(memory, 'Memory') : undefined;
  const vcpusValue = vcpusChanged ? readCount(vcpus, 'vCPUs') : undefined;
  const problem = [memoryValue, vcpusValue].find((v) => typeof v === 'string');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (problem || (!memoryChanged && !vcpusChanged)) return;
    try {
      onQuickEdit(
        applyQuickEdit(text, {
          ...(typeof memoryValue === 'number' ? { memoryMiB: memoryValue } : {}),
          ...(typeof vcpusValue === 'number' ? { vcpus: vcpusValue } : {}),
        }),
      );
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  const input =
    'h-8 w-28 rounded-md border border-zinc-300 bg-white px-2 text-sm tabular-nums focus-visible:outline-2 focus-visible:outline-sky-600 aria-invalid:border-red-500 dark:border-zinc-700 dark:bg-zinc-950';
  return (
    <form
      onSubmit={submit}
      aria-labelledby={`${id}-title`}
      className="rounded-md border border-zinc-200 bg-zinc-50 p-3 dark:border-zinc-800 dark:bg-zinc-950/40"
    >
      <h3 id={`${id}-title`} className="text-sm font-semibold">
        Quick edit
      </h3>
      <p className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">
        Changes only the <code className="font-mono">memory</code> and{' '}
        <code className="font-mono">vcpus</code> lines of the file (comments stay); you see the diff
        before anything is saved.
      </p>
      <div className="mt-2 flex flex-wrap items-end gap-4">
        <label className="flex flex-col gap-1 text-xs font-medium" htmlFor={`${id}-memory`}>
          Memory (MiB)
          <input
            id={`${id}-memory`}
            data-testid="quick-memory-input"
            inputMode="numeric"
            className={input}
            value={memory}
            placeholder="128"
            aria-invalid={typeof memoryValue === 'string'}
            onChange={(e) => setMemory(e.target.value)}
          />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium" htmlFor={`${id}-vcpus`}>
          vCPUs
          <input
            id={`${id}-vcpus`}
            data-testid="quick-vcpus-input"
            inputMode="numeric"
            className={input}
            value={vcpus}
            placeholder="1"
            aria-invalid={typeof vcpusValue === 'string'}
            onChange={(e) => setVcpus(e.target.value)}
          />
        </label>
        <Button
          type="submit"
          variant="primary"
          disabled={Boolean(problem) || (!memoryChanged && !vcpusChanged)}
        >
          Review changes
        </Button>
      </div>
      {problem || error ? (
        <p role="alert" className="mt-2 text-xs text-red-700 dark:text-red-300">
          {problem ?? error}
        </p>
      ) : null}
      {model.maxmemMiB !== undefined &&
      typeof memoryValue === 'number' &&
      memoryValue > model.maxmemMiB ? (
        <p className="mt-2 text-xs text-amber-700 dark:text-amber-300">
          Memory above maxmem ({model.maxmemMiB} MiB): xl refuses such a file.
        </p>
      ) : null}
    </form>
  );
}
