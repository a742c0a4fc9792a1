/** "Used by": the configs and running domains naming a disk, each a link to its page. */
import type { DiskUser } from '@xendeck/api';
import { Link } from 'react-router';

/** `config web1` / `domain web1 (domid 3)`, the words the server's 409 message uses too. */
export function userLabel(u: DiskUser): string {
  return u.kind === 'config' ? `config ${u.name}` : `domain ${u.name} (domid ${u.domid})`;
}

export function UsedBy({ users }: { users: DiskUser[] }) {
  if (users.length === 0) return <span className="text-zinc-400 dark:text-zinc-500">—</span>;
  return (
    <ul className="flex flex-col gap-0.5" data-testid="used-by">
      {users.map((u) => (
        <li
          key={`${u.kind}:${u.name}:${u.kind === 'domain' ? u.domid : ''}`}
          className="whitespace-nowrap"
        >
          <Link
            className="text-sky-700 hover:underline dark:text-sky-400"
            to={
              u.kind === 'config'
                ? `/configs/${encodeURIComponent(u.name)}`
                : `/domains/${encodeURIComponent(u.name)}`
            }
          >
            {userLabel(u)}
          </Link>
        </li>
      ))}
    </ul>
  );
}
