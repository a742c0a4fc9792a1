/**
 * Guards of pages and parts of pages by role and grant (see `lib/access.ts`): a page the role is
 * not shown answers with a plain "not available to your account" page instead of rendering (and
 * failing on the server's 403/404); `/` sends a customer to their domains.
 */
import type { Permission } from '@xendeck/api';
import type { ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { useAccess } from '../hooks/use-access';

/** Renders `children` when the current path's page is open to the role (see `PAGE_AREAS`). */
export function RequirePageAccess({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  const access = useAccess();
  if (access.mayOpen(pathname)) return <>{children}</>;
  if (pathname === '/' || pathname === '') return <Navigate to={access.home} replace />;
  return <NotAvailable what={pathname} home={access.home} />;
}

/** Renders `children` when `permission` may be used on `domainName`, else the not-available page. */
export function RequireDomainPermission({
  permission,
  domainName,
  children,
}: {
  permission: Permission;
  domainName: string;
  children: ReactNode;
}) {
  const access = useAccess();
  if (access.can(permission, domainName)) return <>{children}</>;
  return <NotAvailable what={`${permission} of ${domainName}`} home={access.home} />;
}

/** The page shown instead of one the account may not open. */
export function NotAvailable({ what, home }: { what: string; home: string }) {
  return (
    <div className="text-sm" data-testid="not-available">
      <h1 className="mb-2 text-lg font-semibold">Not available to your account</h1>
      <p>
        <code className="font-mono">{what}</code> is not available to your account. Ask the host's
        administrator if you need it.{' '}
        <Link to={home} className="text-sky-700 underline dark:text-sky-400">
          Back to {home === '/' ? 'the overview' : 'your domains'}
        </Link>
      </p>
    </div>
  );
}
