import { describe, expect, it } from 'vitest';
import { accessFor, pageArea } from './access';

const admin = accessFor({
  username: 'root',
  role: 'admin',
  totpEnabled: false,
  backend: 'simulated',
});
const operator = accessFor({
  username: 'op',
  role: 'operator',
  totpEnabled: false,
  backend: 'simulated',
});
const customer = accessFor({
  username: 'alice',
  role: 'customer',
  totpEnabled: false,
  backend: 'simulated',
  grants: [
    { domain: 'web1', permissions: ['view', 'power'] },
    { domain: 'db1', permissions: ['console'] },
  ],
});

describe('accessFor', () => {
  it('admins see every page and may do everything on every domain', () => {
    for (const path of ['/', '/users', '/storage', '/configs/web1', '/guests/new', '/account']) {
      expect(admin.mayOpen(path), path).toBe(true);
    }
    expect(admin.can('power', 'anything')).toBe(true);
    expect(admin.home).toBe('/');
  });

  it('operators: every domain, but no users, storage, config text or host settings', () => {
    expect(operator.can('console', 'web9')).toBe(true);
    expect(operator.mayOpen('/domains')).toBe(true);
    expect(operator.mayOpen('/top')).toBe(true);
    for (const path of [
      '/users',
      '/storage',
      '/configs',
      '/configs/web1',
      '/guests/new',
      '/saved',
    ]) {
      expect(operator.mayOpen(path), path).toBe(false);
    }
    expect(operator.sees('host-settings')).toBe(false);
    expect(operator.sees('host')).toBe(true);
  });

  it('customers: only their granted domains and permissions (view implied by any grant)', () => {
    expect(customer.can('view', 'web1')).toBe(true);
    expect(customer.can('power', 'web1')).toBe(true);
    expect(customer.can('console', 'web1')).toBe(false);
    expect(customer.can('view', 'db1')).toBe(true);
    expect(customer.can('power', 'db1')).toBe(false);
    expect(customer.can('view', 'other')).toBe(false);
    expect(customer.may({ permission: 'console' }, 'db1')).toBe(true);
    expect(customer.may({ area: 'host' }, 'db1')).toBe(false);
    expect(customer.mayOpen('/domains/web1')).toBe(true);
    expect(customer.mayOpen('/account')).toBe(true);
    expect(customer.mayOpen('/audit')).toBe(true);
    expect(customer.mayOpen('/')).toBe(false);
    expect(customer.mayOpen('/tasks')).toBe(false);
    expect(customer.home).toBe('/domains');
  });

  it('nobody logged in: every check answers false', () => {
    const none = accessFor(null);
    expect(none.can('view', 'web1')).toBe(false);
    expect(none.mayOpen('/domains')).toBe(false);
  });

  it('a page not listed is for admins and operators only', () => {
    expect(pageArea('/something-new')).toBe('host');
    expect(customer.mayOpen('/something-new')).toBe(false);
  });
});
