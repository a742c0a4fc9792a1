/**
 * What routes and websocket handlers share: configuration, stores, the hypervisor, logging, the
 * registry of open websockets. Also the API path prefix (here so that modules `app.ts` imports can
 * build their paths from it without importing `app.ts`).
 */
import type { Hypervisor } from '@xendeck/hypervisor';
import type { Storage } from '@xendeck/storage';
import type { Logger } from 'pino';
import type { Audit } from './audit.js';
import type { Grants } from './auth/grants.js';
import type { Sessions } from './auth/sessions.js';
import type { LoginThrottle } from './auth/throttle.js';
import type { ApiTokens } from './auth/tokens.js';
import type { Users } from './auth/users.js';
import type { Config } from './config.js';
import type { Db } from './db.js';
import type { TaskRegistry } from './tasks/registry.js';
import type { Totp } from './users/totp.js';
import type { WsConnections } from './ws/connections.js';

/** Prefix of every REST and websocket route under the API. */
export const API_PREFIX = '/api/v1';

export interface AppContext {
  config: Config;
  db: Db;
  hypervisor: Hypervisor;
  /** Volume groups and logical volumes (`@xendeck/storage`): LVM next to real Xen, in memory when simulated. */
  storage: Storage;
  logger: Logger;
  users: Users;
  /** Customers' per-domain grants (`auth/grants.ts`). */
  grants: Grants;
  sessions: Sessions;
  /** API tokens (`auth/tokens.ts`): `Authorization: Bearer xdk_…`, acting as their user. */
  tokens: ApiTokens;
  /** TOTP second factor: enrolment, login and code checks (`users/totp.ts`). */
  totp: Totp;
  throttle: LoginThrottle;
  audit: Audit;
  /** Every open websocket by session: closed at logout, expiry, user removal; capped. */
  connections: WsConnections;
  /**
   * Re-reads the domain list after one of Xendeck's own operations, so event clients hear of it
   * at once (`hypervisor.refresh()`; failures are logged, not thrown).
   */
  refreshSoon: () => void;
  /** Long operations running in the background (`tasks/registry.ts`), stored and broadcast. */
  tasks: TaskRegistry;
}
