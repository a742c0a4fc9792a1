/**
 * The **CD** menu of the VNC toolbar (HVM domains, and a domain that is not running, whose config
 * may still be switched to boot from disk): the CD in each drive now (name or Empty), Insert or
 * Change… (the ISO library dialog), Eject, and "Eject and boot from disk…" (the config diff
 * dialog). Drives come from `GET /domains/:name/cdrom`, refreshed when the menu opens.
 *
 * Test ids: `cdrom-menu-button`; per drive `cdrom-drive-<vdev>`, `cdrom-insert-<vdev>`,
 * `cdrom-eject-<vdev>`; `cdrom-boot-from-disk`. A failed eject is reported in the page's notices.
 * Nothing (and no request) for a person without the `reinstall` permission on the domain.
 */
import type { CdromDrive, Domain } from '@xendeck/api';
import { useState } from 'react';
import { useNotices } from '@/components/notices';
import { useAccess } from '@/features/auth';
import { useChangeCdrom } from '../../api/change-cdrom';
import { useCdrom } from '../../api/get-cdrom';
import { MENU_ITEM_CLASS, ToolbarMenu } from '../toolbar-menu';
import { BootFromDiskDialog } from './boot-from-disk-dialog';
import { InsertIsoDialog } from './insert-iso-dialog';

/** What a drive holds, as the menu and the button say it: the ISO's name, its path, or Empty. */
export function cdLabel(drive: Pick<CdromDrive, 'iso' | 'target'>): string {
  return drive.iso ?? drive.target ?? 'Empty';
}

/** The button's text: `CD: <what is in the first drive>`, or `CD` when unknown. */
function buttonLabel(drives: CdromDrive[] | undefined): string {
  const first = drives?.[0];
  if (!first) return 'CD';
  return `CD: ${cdLabel(first)}${drives.length > 1 ? ` (+${drives.length - 1})` : ''}`;
}

export function CdromMenu({ name, domain }: { name: string; domain: Domain | undefined }) {
  const mayReinstall = useAccess().can('reinstall', name);
  return mayReinstall ? <CdromMenuBody name={name} domain={domain} /> : null;
}

function CdromMenuBody({ name, domain }: { name: string; domain: Domain | undefined }) {
  const running = domain !== undefined;
  const cdrom = useCdrom(name, domain?.domid);
  const change = useChangeCdrom(name);
  const notices = useNotices();
  const [insertInto, setInsertInto] = useState<CdromDrive | null>(null);
  const [bootOpen, setBootOpen] = useState(false);
  const drives = running ? cdrom.data?.drives : undefined;

  return (
    <>
      <ToolbarMenu
        label={buttonLabel(drives)}
        menuLabel="CD-ROM"
        widthClass="w-72"
        buttonTestId="cdrom-menu-button"
        title="CD-ROM drives: insert, change or eject an ISO; boot from the disk after installing"
        onOpen={() => {
          if (running) void cdrom.refetch();
        }}
      >
        {(close) => (
          <>
            {!running ? (
              <p className="px-3 py-1 text-[11px] text-zinc-500 dark:text-zinc-400">
                The domain is not running: CDs can be changed while it runs.
              </p>
            ) : cdrom.isError ? (
              <p role="alert" className="px-3 py-1 text-[11px] text-red-700 dark:text-red-400">
                {cdrom.error.message}
              </p>
            ) : cdrom.isPending ? (
              <p className="px-3 py-1 text-[11px] text-zinc-500">Reading the drives…</p>
            ) : drives?.length === 0 ? (
              <p className="px-3 py-1 text-[11px] text-zinc-500 dark:text-zinc-400">
                No CD-ROM drive in this domain (add one to its config, e.g.{' '}
                <code>'vdev=hdc, devtype=cdrom'</code>, and start it again).
              </p>
            ) : (
              drives?.map((d) => (
                <div key={d.vdev} className="py-0.5">
                  <p
                    data-testid={`cdrom-drive-${d.vdev}`}
                    className="truncate px-3 py-0.5 text-[11px] text-zinc-500 dark:text-zinc-400"
                    title={d.target ?? undefined}
                  >
                    <span className="font-mono">{d.vdev}</span>:{' '}
                    <span className="font-medium text-zinc-800 dark:text-zinc-100">
                      {cdLabel(d)}
                    </span>
                  </p>
                  <button
                    type="button"
                    role="menuitem"
                    data-testid={`cdrom-insert-${d.vdev}`}
                    className={MENU_ITEM_CLASS}
                    onClick={() => {
                      setInsertInto(d);
                      close();
                    }}
                  >
                    {d.target ? 'Change…' : 'Insert…'}
                  </button>
                  <button
                    type="button"
                    role="menuitem"
                    data-testid={`cdrom-eject-${d.vdev}`}
                    className={MENU_ITEM_CLASS}
                    disabled={!d.target || change.isPending}
                    onClick={() => {
                      close();
                      change.mutate(
                        { vdev: d.vdev, action: 'eject' },
                        {
                          onError: (err) =>
                            notices.error(`Eject the CD in ${d.vdev} of ${name}`, err),
                        },
                      );
                    }}
                  >
                    Eject
                  </button>
                </div>
              ))
            )}
            <hr className="my-1 border-zinc-200 dark:border-zinc-700" />
            <button
              type="button"
              role="menuitem"
              data-testid="cdrom-boot-from-disk"
              className={MENU_ITEM_CLASS}
              onClick={() => {
                setBootOpen(true);
                close();
              }}
            >
              Eject and boot from disk…
            </button>
          </>
        )}
      </ToolbarMenu>
      {insertInto ? (
        <InsertIsoDialog
          name={name}
          drive={insertInto}
          open
          onOpenChange={(open) => {
            if (!open) setInsertInto(null);
          }}
        />
      ) : null}
      {bootOpen ? (
        <BootFromDiskDialog name={name} domain={domain} open onOpenChange={setBootOpen} />
      ) : null}
    </>
  );
}
