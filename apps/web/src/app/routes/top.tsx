import { XlTop } from '@/features/metrics';

/** `/top`: `xl top` — xentop's live table of every domain, sortable by any column. */
export function TopRoute() {
  return (
    <>
      <h1 className="text-lg font-semibold tracking-tight">
        <span className="font-mono">xl top</span>
      </h1>
      <XlTop />
    </>
  );
}
