import type { Host } from '@xendeck/api';

/** The always-visible notice that the server runs on the simulated backend, not on real Xen. */
export function SimulatedBanner({ backend }: { backend: Host['backend'] | undefined }) {
  if (backend !== 'simulated') return null;
  return (
    <div
      data-testid="simulated-banner"
      role="note"
      className="border-b border-amber-300 bg-amber-100 px-4 py-1.5 text-center text-xs font-medium text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
    >
      Simulated host — this server runs Xendeck's in-memory simulated backend, not libxl. Domains,
      memory and actions here are not real.
    </div>
  );
}
