import { Button } from '@/components/button';
import type { MetricsRange } from '../lib/contract';

/** The ranges offered, with the button names e2e uses. */
export const RANGE_CHOICES: readonly { range: MetricsRange; label: string; title: string }[] = [
  { range: '10m', label: '10 min', title: 'Last 10 minutes, live (one point a second)' },
  { range: '1h', label: '1 h', title: 'Last hour (averages, with the maximum as a band)' },
  { range: '24h', label: '24 h', title: 'Last 24 hours (averages, with the maximum as a band)' },
  { range: '30d', label: '30 days', title: 'Last 30 days (averages, with the maximum as a band)' },
];

/** A row of toggle buttons (`aria-pressed`) choosing a metrics range. */
export function RangePicker({
  value,
  onChange,
}: {
  value: MetricsRange;
  onChange: (range: MetricsRange) => void;
}) {
  return (
    <fieldset className="flex items-center gap-1">
      <legend className="sr-only">Time range</legend>
      {RANGE_CHOICES.map((c) => (
        <Button
          key={c.range}
          size="sm"
          aria-pressed={c.range === value}
          title={c.title}
          onClick={() => onChange(c.range)}
        >
          {c.label}
        </Button>
      ))}
    </fieldset>
  );
}
