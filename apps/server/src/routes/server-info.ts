/**
 * `GET /api/v1/server-info`: what the login page may know before anyone logs in — whether this is
 * still the first run (the generated admin password was not changed yet: `users/bootstrap.ts`
 * isFirstRun, i.e. `<stateDir>/initial-admin-password` exists) and the TLS certificate's
 * SHA-256 fingerprint when Xendeck serves HTTPS itself (`http/tls.ts`), so a first visitor can
 * compare it with what the browser shows before trusting a self-signed certificate.
 */
import type { ServerInfo } from '@xendeck/api';
import type { AppContext } from '../context.js';
import type { TlsIdentity } from '../http/tls.js';
import { isFirstRun } from '../users/bootstrap.js';
import type { RouteDef } from './types.js';

/**
 * The route; `tls` is the identity main.ts serves with (undefined over plain HTTP, and in tests
 * that build the app without a server: then `tls` is null).
 */
export function serverInfoRoutes(
  ctx: AppContext,
  tls: Pick<TlsIdentity, 'fingerprintSha256' | 'selfSigned'> | undefined,
): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/server-info',
      access: 'public',
      summary:
        'Public, for the login page: {firstRun, tls: {fingerprintSha256, selfSigned} | null}; nothing else about the host',
      handler: (_req, res) => {
        const body: ServerInfo = {
          firstRun: isFirstRun(ctx.config.stateDir),
          tls: tls
            ? { fingerprintSha256: tls.fingerprintSha256, selfSigned: tls.selfSigned }
            : null,
        };
        res.json(body);
      },
    },
  ];
}
