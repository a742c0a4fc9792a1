/** One line per role for the users page (what the role is given; the rule itself is @xendeck/api `access.ts`). */
import type { Role } from '@xendeck/api';

export const ROLE_HINTS: Record<Role, string> = {
  admin: 'Everything: host settings, users, storage, config files, every domain.',
  operator: 'Every domain and its operations; no host settings, users, storage or config text.',
  customer: 'Only the domains granted to them, with the permissions of each grant.',
};
