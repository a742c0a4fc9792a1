/**
 * The credit2 scheduler parameters of a running domain (`xl sched-credit2 -d`): weight (1–65535,
 * 256 by default; twice the weight, twice the CPU under contention) and cap (percent of one pCPU,
 * 0 = none, up to 100 × vCPUs), with "Also write to <name>.cfg" (`cpu_weight =`, `cap =`) and the
 * `xl` command beside the button.
 *
 * Test ids: `resources-weight`, `resources-cap`, `resources-sched-apply`,
 * `resources-sched-persist`, `resources-sched-outcome`.
 */
import {
  CREDIT2_WEIGHT_MAX,
  CREDIT2_WEIGHT_MIN,
  type Domain,
  type DomainSched,
  type LiveChangeResult,
} from '@xendeck/api';
import { xlCommand } from '@xendeck/xl-config';
import { useId, useState } from 'react';
import { inputBaseClass } from '@/components/form-field';
import { useNotices } from '@/components/notices';
import { QueryState } from '@/components/panel';
import { useChangeResources } from '../api/change-resources';
import { useSched } from '../api/get-sched';
import { checkWholeNumber } from '../lib/checks';
import { ApplyControls, ChangeOutcome, FieldMessage } from './change-parts';

export function SchedSection({ domain }: { domain: Domain }) {
  const sched = useSched(domain.name, domain.domid);
  if (!sched.data) {
    return (
      <QueryState isPending={sched.isPending} error={sched.error} what="scheduler parameters" />
    );
  }
  return <SchedForm sched={sched.data} />;
}

function SchedForm({ sched }: { sched: DomainSched }) {
  const { name } = sched;
  const id = useId();
  const notices = useNotices();
  const change = useChangeResources(name);
  const [weightDraft, setWeight] = useState<string | null>(null);
  const [capDraft, setCap] = useState<string | null>(null);
  const [persist, setPersist] = useState(false);
  const [outcome, setOutcome] = useState<LiveChangeResult | null>(null);
  const weight = checkWholeNumber(
    weightDraft ?? String(sched.weight),
    CREDIT2_WEIGHT_MIN,
    CREDIT2_WEIGHT_MAX,
    'The weight',
  );
  const cap = checkWholeNumber(capDraft ?? String(sched.cap), 0, sched.maxCap, 'The cap (%)');
  const ok = weight.ok && cap.ok;
  const command =
    weight.ok && cap.ok
      ? xlCommand({ action: 'sched-credit2', name, weight: weight.value, cap: cap.value })
      : '';
  return (
    <form
      className="flex flex-col gap-1"
      onSubmit={(e) => {
        e.preventDefault();
        if (!weight.ok || !cap.ok) return;
        change.mutate(
          { kind: 'sched', body: { weight: weight.value, cap: cap.value, persist } },
          {
            onSuccess: (r) => {
              setOutcome(r);
              setWeight(null);
              setCap(null);
            },
            onError: (err) => notices.error(`Set ${name}'s credit2 weight and cap`, err),
          },
        );
      }}
    >
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={`${id}-weight`} className="text-sm font-medium">
          Weight
        </label>
        <input
          id={`${id}-weight`}
          data-testid="resources-weight"
          type="number"
          inputMode="numeric"
          value={weightDraft ?? String(sched.weight)}
          onChange={(e) => setWeight(e.target.value)}
          aria-invalid={!weight.ok}
          aria-describedby={`${id}-sched-check`}
          className={`${inputBaseClass} w-24 tabular-nums`}
        />
        <label htmlFor={`${id}-cap`} className="text-sm font-medium">
          Cap (%)
        </label>
        <input
          id={`${id}-cap`}
          data-testid="resources-cap"
          type="number"
          inputMode="numeric"
          value={capDraft ?? String(sched.cap)}
          onChange={(e) => setCap(e.target.value)}
          aria-invalid={!cap.ok}
          aria-describedby={`${id}-sched-check`}
          className={`${inputBaseClass} w-20 tabular-nums`}
        />
        <ApplyControls
          name={name}
          section="sched"
          persist={persist}
          onPersist={setPersist}
          pending={change.isPending}
          command={ok ? command : null}
        />
      </div>
      <FieldMessage
        id={`${id}-sched-check`}
        problem={!weight.ok ? weight.message : !cap.ok ? cap.message : undefined}
        hint={`Weight 1–65535 (default 256): a share under contention. Cap 0–${sched.maxCap} % of one pCPU, 0 = no cap. In the file: cpu_weight=, cap=.`}
      />
      <ChangeOutcome result={outcome} testId="resources-sched-outcome" />
    </form>
  );
}
