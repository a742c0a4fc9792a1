/**
 * The login page's first-run note, from `GET /api/v1/server-info`: where the generated admin
 * password is (until it is changed) and the SHA-256 fingerprint of the TLS certificate Xendeck
 * serves, to compare with the one the browser shows before typing a password. Nothing when the
 * server says neither applies (or cannot be asked).
 */
import { Fragment } from 'react';
import { useServerInfo } from '../api/server-info';

/** Where the server writes the generated admin password on a dom0 (root-only file, `XENDECK_STATE_DIR`). */
export const INITIAL_ADMIN_PASSWORD_PATH = '/var/lib/xendeck/initial-admin-password';

export function FirstRunNote() {
  const info = useServerInfo();
  if (!info.data) return null;
  const { firstRun, tls } = info.data;
  if (!firstRun && !tls) return null;
  return (
    <section
      aria-label="First run"
      data-testid="first-run-note"
      className="mt-5 flex flex-col gap-2 rounded-md border border-zinc-200 bg-zinc-50 p-3 text-xs text-zinc-700 dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-300"
    >
      {firstRun ? (
        <p>
          <span className="font-medium text-zinc-900 dark:text-zinc-100">First start.</span> Log in
          as <span className="font-mono">admin</span> with the generated password, readable by root
          on the host (in <span className="font-mono">XENDECK_STATE_DIR</span> when set):
          <code className="my-1 block overflow-x-auto font-mono text-[11px] whitespace-nowrap text-zinc-900 dark:text-zinc-100">
            cat {INITIAL_ADMIN_PASSWORD_PATH}
          </code>
          Change it under Account once logged in.
        </p>
      ) : null}
      {tls ? (
        <div>
          <p>
            {tls.selfSigned
              ? 'This host serves a self-signed certificate. Check that its SHA-256 fingerprint, as your browser shows it (the padlock → certificate), is:'
              : 'SHA-256 fingerprint of the certificate this host serves:'}
          </p>
          <p
            className="mt-1 font-mono text-[11px] leading-snug text-zinc-900 dark:text-zinc-100"
            data-testid="tls-fingerprint"
          >
            <Breakable fingerprint={tls.fingerprintSha256} />
          </p>
          {tls.selfSigned ? (
            <p className="mt-1">
              If it differs, someone is between you and the host: do not log in.
            </p>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

/** A colon-separated fingerprint that wraps only after a colon, never inside a byte. */
function Breakable({ fingerprint }: { fingerprint: string }) {
  const bytes = fingerprint.split(':');
  return bytes.map((b, i) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: the bytes of one fingerprint, in order.
    <Fragment key={i}>
      {b}
      {i < bytes.length - 1 ? ':' : ''}
      <wbr />
    </Fragment>
  ));
}
