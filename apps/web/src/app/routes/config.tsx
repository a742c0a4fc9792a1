import { Link, useParams } from 'react-router';
import { ConfigView } from '@/features/configs';

/** `/configs/:name`: one config file with tabs Settings, Edit, History (`?tab=`). */
export function ConfigRoute() {
  const { name = '' } = useParams();
  return (
    <>
      <nav aria-label="Breadcrumb" className="text-xs text-zinc-500 dark:text-zinc-400">
        <Link to="/configs" className="hover:underline">
          Config files
        </Link>{' '}
        / <span className="font-mono">{name}</span>
      </nav>
      <h1 className="text-lg font-semibold tracking-tight">
        Config <span className="font-mono">{name}</span>
      </h1>
      <ConfigView name={name} />
    </>
  );
}
