import { Link } from 'react-router';
import { NewConfigForm } from '@/features/configs';

/** `/configs/new`: the new guest config form. */
export function NewConfigRoute() {
  return (
    <>
      <nav aria-label="Breadcrumb" className="text-xs text-zinc-500 dark:text-zinc-400">
        <Link to="/configs" className="hover:underline">
          Config files
        </Link>{' '}
        / new
      </nav>
      <h1 className="text-lg font-semibold tracking-tight">New guest config</h1>
      <NewConfigForm />
    </>
  );
}
