import type { IsoList } from '@xendeck/api';
import { tdClass, thClass } from '@/components/table';
import { UsedBy } from '@/features/storage';
import { DeleteIsoDialog } from './delete-iso-dialog';
import { formatIsoSize } from './iso-size';
import { Sha256Cell } from './sha256-cell';

/**
 * The library's ISOs: name, size, modified (local time), SHA-256 (shortened, copyable), used by
 * (links to the configs and domains), Delete. Each row is `iso-row-<name>`.
 */
export function IsosTable({ list, mayDelete }: { list: IsoList; mayDelete: boolean }) {
  if (list.isos.length === 0) {
    return (
      <p className="p-4 text-sm text-zinc-500" data-testid="isos-empty">
        No ISOs in <span className="font-mono">{list.directory}</span> yet: drop one above.
      </p>
    );
  }
  return (
    <table className="w-full text-sm">
      <caption className="sr-only">ISOs in {list.directory}</caption>
      <thead>
        <tr className="border-b border-zinc-200 dark:border-zinc-800">
          <th scope="col" className={thClass}>
            Name
          </th>
          <th scope="col" className={`${thClass} text-right`}>
            Size
          </th>
          <th scope="col" className={thClass}>
            Modified
          </th>
          <th scope="col" className={thClass}>
            SHA-256
          </th>
          <th scope="col" className={thClass}>
            Used by
          </th>
          <th scope="col" className={thClass}>
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {list.isos.map((iso) => (
          <tr
            key={iso.name}
            data-testid={`iso-row-${iso.name}`}
            className="border-b border-zinc-100 align-top dark:border-zinc-800/60"
          >
            <td className={`${tdClass} font-mono whitespace-nowrap`}>{iso.name}</td>
            <td
              className={`${tdClass} text-right whitespace-nowrap tabular-nums`}
              title={`${iso.sizeBytes} bytes`}
              data-testid="iso-size"
            >
              {formatIsoSize(iso.sizeBytes)}
            </td>
            <td className={`${tdClass} whitespace-nowrap tabular-nums`}>
              {new Date(iso.modified).toLocaleString()}
            </td>
            <td className={tdClass}>
              <Sha256Cell sha256={iso.sha256} />
            </td>
            <td className={tdClass}>
              <UsedBy users={iso.usedBy} />
            </td>
            <td className={`${tdClass} text-right`}>
              {mayDelete ? (
                <DeleteIsoDialog
                  name={iso.name}
                  path={`${list.directory}/${iso.name}`}
                  users={iso.usedBy}
                />
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
