/**
 * vCPUs of a running domain: how many are online (`xl vcpu-set`, 1..maxvcpus), the vCPU table as
 * `xl vcpu-list` prints it (vCPU, pCPU, state, time, hard and soft affinity), and pinning one vCPU
 * or all (`xl vcpu-pin`, CPU lists such as `0-1,3` or `all`). Each form has "Also write to
 * <name>.cfg" and its `xl` command beside the button.
 *
 * Test ids: `resources-vcpus-input`, `resources-vcpus-apply`, `resources-vcpus-persist`,
 * `resources-vcpus-outcome`; rows `vcpu-row-<n>` with cells `vcpu-cpu`, `vcpu-state`,
 * `vcpu-hard`, `vcpu-soft`; `resources-pin-vcpu` (select), `resources-pin-hard`,
 * `resources-pin-soft`, `resources-pin-apply`, `resources-pin-persist`, `resources-pin-outcome`.
 */
import { type Domain, type DomainVcpus, type LiveChangeResult, VCPU_COUNT_MIN } from '@xendeck/api';
import { xlCommand } from '@xendeck/xl-config';
import { useId, useState } from 'react';
import { inputBaseClass } from '@/components/form-field';
import { useNotices } from '@/components/notices';
import { QueryState } from '@/components/panel';
import { tdClass, thClass } from '@/components/table';
import { formatCpuTimeSeconds } from '@/lib/format';
import { useChangeResources } from '../api/change-resources';
import { useVcpus } from '../api/get-vcpus';
import { checkCpuList, checkWholeNumber } from '../lib/checks';
import { ApplyControls, ChangeOutcome, FieldMessage } from './change-parts';

export function VcpusSection({ domain }: { domain: Domain }) {
  const vcpus = useVcpus(domain.name, domain.domid);
  if (!vcpus.data) {
    return <QueryState isPending={vcpus.isPending} error={vcpus.error} what="vCPUs" />;
  }
  return (
    <div className="flex flex-col gap-4">
      <OnlineForm data={vcpus.data} />
      <VcpuTable data={vcpus.data} />
      <PinForm data={vcpus.data} />
    </div>
  );
}

function OnlineForm({ data }: { data: DomainVcpus }) {
  const { name, online, maxVcpus } = data;
  const id = useId();
  const notices = useNotices();
  const change = useChangeResources(name);
  const [draft, setDraft] = useState<string | null>(null);
  const [persist, setPersist] = useState(false);
  const [outcome, setOutcome] = useState<LiveChangeResult | null>(null);
  const value = draft ?? String(online);
  const check = checkWholeNumber(value, VCPU_COUNT_MIN, maxVcpus, 'The vCPU count');
  return (
    <form
      className="flex flex-col gap-1"
      onSubmit={(e) => {
        e.preventDefault();
        if (!check.ok) return;
        change.mutate(
          { kind: 'vcpus', body: { count: check.value, persist } },
          {
            onSuccess: (r) => {
              setOutcome(r);
              setDraft(null);
            },
            onError: (err) => notices.error(`Set ${name}'s vCPUs to ${check.value}`, err),
          },
        );
      }}
    >
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={`${id}-count`} className="text-sm font-medium">
          vCPUs online
        </label>
        <input
          id={`${id}-count`}
          data-testid="resources-vcpus-input"
          type="number"
          inputMode="numeric"
          min={1}
          max={maxVcpus}
          value={value}
          onChange={(e) => setDraft(e.target.value)}
          aria-invalid={!check.ok}
          aria-describedby={`${id}-count-check`}
          className={`${inputBaseClass} w-20 tabular-nums`}
        />
        <span className="text-xs text-zinc-500 dark:text-zinc-400">of {maxVcpus} (maxvcpus)</span>
        <ApplyControls
          name={name}
          section="vcpus"
          persist={persist}
          onPersist={setPersist}
          pending={change.isPending}
          command={
            check.ok
              ? xlCommand({ action: 'vcpu-set', name, vcpus: check.value, hostCpus: data.hostCpus })
              : null
          }
        />
      </div>
      <FieldMessage
        id={`${id}-count-check`}
        problem={check.ok ? undefined : check.message}
        hint={`1–${maxVcpus}: the guest brings vCPUs online or takes them offline (maxvcpus is fixed at xl create).`}
      />
      <ChangeOutcome result={outcome} testId="resources-vcpus-outcome" />
    </form>
  );
}

function VcpuTable({ data }: { data: DomainVcpus }) {
  return (
    <div className="overflow-x-auto rounded-md border border-zinc-200 dark:border-zinc-800">
      <table className="w-full text-sm" aria-label={`vCPUs of ${data.name} (xl vcpu-list)`}>
        <thead className="bg-zinc-50 dark:bg-zinc-950">
          <tr>
            <th className={thClass}>vCPU</th>
            <th className={thClass}>pCPU</th>
            <th className={thClass}>State</th>
            <th className={`${thClass} text-right`}>Time (s)</th>
            <th className={thClass}>Affinity (hard / soft)</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {data.vcpus.map((v) => (
            <tr
              key={v.vcpu}
              data-testid={`vcpu-row-${v.vcpu}`}
              className={v.online ? '' : 'text-zinc-400'}
            >
              <td className={`${tdClass} tabular-nums`}>{v.vcpu}</td>
              <td className={`${tdClass} tabular-nums`} data-testid="vcpu-cpu">
                {v.cpu ?? '-'}
              </td>
              <td className={tdClass} data-testid="vcpu-state">
                {v.state}
              </td>
              <td className={`${tdClass} text-right tabular-nums`}>
                {formatCpuTimeSeconds(v.cpuTimeNs)}
              </td>
              <td className={`${tdClass} font-mono text-xs`}>
                <span data-testid="vcpu-hard">{v.hardAffinity}</span> /{' '}
                <span data-testid="vcpu-soft">{v.softAffinity}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="px-3 py-1.5 text-[11px] text-zinc-500 dark:text-zinc-400">
        Host CPUs 0–{data.hostCpus - 1}. Refreshed every 5 s.
      </p>
    </div>
  );
}

function PinForm({ data }: { data: DomainVcpus }) {
  const { name, hostCpus } = data;
  const id = useId();
  const notices = useNotices();
  const change = useChangeResources(name);
  const [vcpu, setVcpu] = useState<'all' | number>('all');
  const [hard, setHard] = useState('all');
  const [soft, setSoft] = useState('');
  const [persist, setPersist] = useState(false);
  const [outcome, setOutcome] = useState<LiveChangeResult | null>(null);
  const hardCheck = checkCpuList(hard, hostCpus);
  const softCheck = soft.trim() === '' ? null : checkCpuList(soft, hostCpus);
  const ok = hardCheck.ok && (softCheck === null || softCheck.ok);
  const softText = softCheck?.ok ? softCheck.text : undefined;
  const command =
    ok && hardCheck.ok
      ? xlCommand({
          action: 'vcpu-pin',
          name,
          vcpu,
          hard: hardCheck.text,
          ...(softText ? { soft: softText } : {}),
        })
      : '';
  return (
    <form
      className="flex flex-col gap-1"
      onSubmit={(e) => {
        e.preventDefault();
        if (!ok || !hardCheck.ok) return;
        change.mutate(
          {
            kind: 'pin',
            body: { vcpu, hard: hardCheck.text, ...(softText ? { soft: softText } : {}), persist },
          },
          {
            onSuccess: setOutcome,
            onError: (err) => notices.error(`Pin ${name}'s vCPU ${vcpu}`, err),
          },
        );
      }}
    >
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={`${id}-vcpu`} className="text-sm font-medium">
          Pin vCPU
        </label>
        <select
          id={`${id}-vcpu`}
          data-testid="resources-pin-vcpu"
          value={String(vcpu)}
          onChange={(e) => setVcpu(e.target.value === 'all' ? 'all' : Number(e.target.value))}
          className={`${inputBaseClass} w-20`}
        >
          <option value="all">all</option>
          {data.vcpus.map((v) => (
            <option key={v.vcpu} value={v.vcpu}>
              {v.vcpu}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-hard`} className="text-xs text-zinc-600 dark:text-zinc-400">
          to pCPUs (hard)
        </label>
        <input
          id={`${id}-hard`}
          data-testid="resources-pin-hard"
          value={hard}
          onChange={(e) => setHard(e.target.value)}
          aria-invalid={!hardCheck.ok}
          aria-describedby={`${id}-pin-check`}
          className={`${inputBaseClass} w-28 font-mono`}
        />
        <label htmlFor={`${id}-soft`} className="text-xs text-zinc-600 dark:text-zinc-400">
          prefer (soft)
        </label>
        <input
          id={`${id}-soft`}
          data-testid="resources-pin-soft"
          value={soft}
          placeholder="unchanged"
          onChange={(e) => setSoft(e.target.value)}
          aria-invalid={softCheck !== null && !softCheck.ok}
          aria-describedby={`${id}-pin-check`}
          className={`${inputBaseClass} w-28 font-mono`}
        />
        <ApplyControls
          name={name}
          section="pin"
          persist={persist}
          onPersist={setPersist}
          pending={change.isPending}
          command={ok ? command : null}
          label="Pin"
          pendingLabel="Pinning…"
        />
      </div>
      <FieldMessage
        id={`${id}-pin-check`}
        problem={
          !hardCheck.ok
            ? `hard: ${hardCheck.message}`
            : softCheck && !softCheck.ok
              ? `soft: ${softCheck.message}`
              : undefined
        }
        hint={`CPU lists as xl reads them: "all", "0-1,3", "all,^0" (host CPUs 0–${hostCpus - 1}). In the file: cpus= / cpus_soft=.`}
      />
      <ChangeOutcome result={outcome} testId="resources-pin-outcome" />
    </form>
  );
}
