/**
 * The domain page's **Network** tab: the running domain's vifs (`xl network-list`: devid, dom0
 * vif name, bridge, MAC, ip=, model, rate), **Add vif** (bridge from the host's bridges, MAC —
 * generated in 00:16:3e by the server when empty —, NIC model for HVM, rate, also write to the
 * config) and **Remove** (confirm, optionally also from the config), each with its `xl` twin.
 *
 * Test ids: `network-panel`, `network-not-running`, `vif-row-<devid>`, `vif-remove-<devid>`,
 * `vif-remove-persist`, `vif-add-form`, `vif-add-persist`, `vif-outcome`, `vif-error`.
 */
import {
  type Domain,
  type DomainVif,
  type LiveChangeResult,
  NIC_MODELS,
  vifAttachRequestSchema,
} from '@xendeck/api';
import { vifSpecPieces, xlCommand } from '@xendeck/xl-config';
import { type FormEvent, useState } from 'react';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { CommandHint } from '@/components/command-hint';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { Panel, QueryState } from '@/components/panel';
import { tdClass, thClass } from '@/components/table';
import { useAccess } from '@/features/auth';
import { WhenRunning } from '@/features/domains';
import { ChangeOutcome, FieldMessage, PersistCheckbox } from '@/features/resources';
import type { ApiError } from '@/lib/api-client';
import { useBridges } from '../api/get-bridges';
import { useDomainVifs } from '../api/get-domain-vifs';
import { useAttachVif, useDetachVif } from '../api/vif-operations';
import { formatVifRate } from './rate';

export function DomainNetworkPanel({ name }: { name: string }) {
  return (
    <WhenRunning
      name={name}
      testId="network-not-running"
      notRunning={
        <>
          <span className="font-mono">{name}</span> is not running. vifs are attached to a running
          domain; for the next start, edit <span className="font-mono">vif = [...]</span> of{' '}
          <span className="font-mono">{name}.cfg</span> under the Config tab.
        </>
      }
    >
      {(domain) => <NetworkView domain={domain} />}
    </WhenRunning>
  );
}

function NetworkView({ domain }: { domain: Domain }) {
  const vifs = useDomainVifs(domain.name, domain.domid);
  // Adding and removing vifs runs hotplug scripts in dom0: admins only (features/auth).
  const mayChange = useAccess().sees('host-settings');
  const [outcome, setOutcome] = useState<LiveChangeResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const report = {
    done: (r: LiveChangeResult) => {
      setError(null);
      setOutcome(r);
    },
    failed: (e: ApiError) => {
      setOutcome(null);
      setError(e);
    },
  };
  return (
    <div data-testid="network-panel" className="flex flex-col gap-4 pt-2">
      <Panel title="vifs" labelledBy="network-vifs-heading">
        {!vifs.data ? (
          <QueryState isPending={vifs.isPending} error={vifs.error} what="vifs" />
        ) : vifs.data.vifs.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            No network interfaces. Add one below.
          </p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-sm">
              <thead>
                <tr className="border-b border-zinc-200 dark:border-zinc-800">
                  <th className={thClass}>devid</th>
                  <th className={thClass}>dom0 port</th>
                  <th className={thClass}>Bridge</th>
                  <th className={thClass}>MAC</th>
                  <th className={thClass}>ip=</th>
                  <th className={thClass}>Model</th>
                  <th className={thClass}>Rate</th>
                  <th className={thClass}>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {vifs.data.vifs.map((v) => (
                  <VifRow
                    key={v.devid}
                    name={domain.name}
                    vif={v}
                    report={report}
                    mayRemove={mayChange}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div className="mt-2 flex flex-col gap-1">
          <ChangeOutcome result={outcome} testId="vif-outcome" />
          {error ? (
            <div data-testid="vif-error">
              <Alert
                kind="error"
                title="The change failed"
                message={error.message}
                code={error.code}
              />
            </div>
          ) : null}
        </div>
      </Panel>
      {mayChange ? (
        <Panel title="Add vif" labelledBy="network-add-heading">
          <AddVifForm domain={domain} report={report} />
        </Panel>
      ) : null}
    </div>
  );
}

interface Report {
  done: (r: LiveChangeResult) => void;
  failed: (e: ApiError) => void;
}

function VifRow({
  name,
  vif: v,
  report,
  mayRemove,
}: {
  name: string;
  vif: DomainVif;
  report: Report;
  mayRemove: boolean;
}) {
  const detach = useDetachVif(name);
  const [persist, setPersist] = useState(false);
  const command = xlCommand({ action: 'network-detach', name, device: v.devid });
  return (
    <tr
      data-testid={`vif-row-${v.devid}`}
      className="border-b border-zinc-100 last:border-0 dark:border-zinc-900"
    >
      <td className={`${tdClass} tabular-nums`}>{v.devid}</td>
      <td className={`${tdClass} font-mono text-xs`}>
        {v.vifName}
        {v.type === 'ioemu' ? <span className="text-zinc-500"> (+{v.vifName}-emu)</span> : null}
      </td>
      <td className={`${tdClass} font-mono text-xs`}>{v.bridge ?? '—'}</td>
      <td className={`${tdClass} font-mono text-xs`}>{v.mac}</td>
      <td className={`${tdClass} font-mono text-xs`}>{v.ip ?? '—'}</td>
      <td className={`${tdClass} font-mono text-xs`}>{v.model ?? '—'}</td>
      <td className={`${tdClass} text-xs`}>{formatVifRate(v.rateBytesPerSec)}</td>
      <td className={`${tdClass} text-right`}>
        {mayRemove ? (
          <ConfirmDialog
            title={`Remove vif ${v.devid} of ${name}?`}
            confirmLabel="Remove"
            confirmVariant="danger"
            onConfirm={() =>
              detach.mutate(
                { devid: v.devid, persist },
                { onSuccess: report.done, onError: (e) => report.failed(e as ApiError) },
              )
            }
            trigger={
              <Button
                size="sm"
                variant="ghost"
                data-testid={`vif-remove-${v.devid}`}
                disabled={detach.isPending}
              >
                Remove
              </Button>
            }
          >
            <p>
              The guest loses <span className="font-mono">{v.mac}</span> on{' '}
              <span className="font-mono">{v.bridge ?? '?'}</span> now (its driver sees the device
              go away).
            </p>
            <CommandHint command={command} />
            <span data-testid="vif-remove-persist">
              <PersistCheckbox
                name={name}
                checked={persist}
                onChange={setPersist}
                testId="vif-remove-persist-box"
              />
            </span>
          </ConfirmDialog>
        ) : null}
      </td>
    </tr>
  );
}

function AddVifForm({ domain, report }: { domain: Domain; report: Report }) {
  const bridges = useBridges();
  const attach = useAttachVif(domain.name);
  const names = bridges.data?.bridges.map((b) => b.name) ?? [];
  const [bridge, setBridge] = useState('');
  const [mac, setMac] = useState('');
  const [model, setModel] = useState('');
  const [rate, setRate] = useState('');
  const [persist, setPersist] = useState(false);
  const hvm = domain.type === 'hvm';
  const chosenBridge = bridge || names[0] || '';
  const body = {
    bridge: chosenBridge,
    ...(mac.trim() ? { mac: mac.trim() } : {}),
    ...(hvm && model ? { model } : {}),
    ...(rate.trim() ? { rate: rate.trim() } : {}),
    persist,
  };
  const check = vifAttachRequestSchema.safeParse(body);
  const problem = (field: string) =>
    check.success ? undefined : check.error.issues.find((i) => i.path[0] === field)?.message;
  const pieces = check.success
    ? vifSpecPieces({
        ...(body.mac ? { mac: body.mac.toLowerCase() } : {}),
        bridge: chosenBridge,
        ...(body.rate ? { rate: body.rate } : {}),
        ...(body.model ? { model: body.model } : {}),
      })
    : [];
  const command = xlCommand({ action: 'network-attach', name: domain.name, spec: pieces });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!check.success) return;
    attach.mutate(body, {
      onSuccess: (r) => {
        report.done(r);
        setMac('');
      },
      onError: (err) => report.failed(err as ApiError),
    });
  };

  return (
    <form data-testid="vif-add-form" onSubmit={submit} className="flex flex-col gap-3" noValidate>
      <div className="flex flex-wrap gap-4">
        <SelectField
          label="Bridge"
          id="vif-bridge"
          value={chosenBridge}
          onChange={setBridge}
          options={names.map((n) => [n, n])}
          problem={problem('bridge')}
          hint="dom0's bridges"
        />
        <TextField
          label="MAC"
          id="vif-mac"
          value={mac}
          onChange={setMac}
          placeholder="00:16:3e:…"
          problem={problem('mac')}
          hint="empty: a new 00:16:3e MAC"
        />
        {hvm ? (
          <SelectField
            label="NIC model"
            id="vif-model"
            value={model}
            onChange={setModel}
            options={[
              ['', 'default (rtl8139)'],
              ...NIC_MODELS.map((m): [string, string] => [m, m]),
            ]}
            problem={problem('model')}
            hint="emulated, HVM"
          />
        ) : null}
        <TextField
          label="Rate limit"
          id="vif-rate"
          value={rate}
          onChange={setRate}
          placeholder="e.g. 10Mb/s"
          problem={problem('rate')}
          hint="empty: unlimited"
        />
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant="primary" disabled={!check.success || attach.isPending}>
          {attach.isPending ? 'Adding…' : 'Add vif'}
        </Button>
        <span data-testid="vif-add-persist">
          <PersistCheckbox
            name={domain.name}
            checked={persist}
            onChange={setPersist}
            testId="vif-add-persist-box"
          />
        </span>
        <CommandHint command={command} />
      </div>
    </form>
  );
}

const inputClass =
  'h-8 rounded border border-zinc-300 bg-white px-2 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-950';
const labelClass = 'flex flex-col gap-1 text-xs text-zinc-700 dark:text-zinc-300';

interface FieldProps {
  label: string;
  id: string;
  value: string;
  onChange: (value: string) => void;
  problem: string | undefined;
  hint: string;
}

/** A labelled text input with its message (the check's problem, else the hint). */
function TextField({
  label,
  id,
  value,
  onChange,
  problem,
  hint,
  placeholder,
}: FieldProps & { placeholder: string }) {
  return (
    <label className={labelClass}>
      {label}
      <input
        className={inputClass}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        aria-describedby={`${id}-msg`}
        aria-invalid={problem ? true : undefined}
      />
      <FieldMessage id={`${id}-msg`} problem={problem} hint={hint} />
    </label>
  );
}

/** A labelled select of `[value, text]` options with its message. */
function SelectField({
  label,
  id,
  value,
  onChange,
  problem,
  hint,
  options,
}: FieldProps & { options: [string, string][] }) {
  return (
    <label className={labelClass}>
      {label}
      <select
        className={inputClass}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        disabled={!options.length}
        aria-describedby={`${id}-msg`}
      >
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
      <FieldMessage id={`${id}-msg`} problem={problem} hint={hint} />
    </label>
  );
}
