import { useEffect } from 'react';
import { useBlocker } from 'react-router';
import { ConfirmDialog } from '@/components/confirm-dialog';

/**
 * Warns before unsaved edits are lost: the browser's own prompt when the tab is closed or
 * reloaded (`beforeunload`), and a dialog when a link would leave the page (react-router's
 * `useBlocker`; switching tabs of the same page, which only changes the query, is not blocked).
 * Needs a data router (`createBrowserRouter` / `createMemoryRouter`).
 */
export function UnsavedEditsGuard({ dirty, path }: { dirty: boolean; path: string }) {
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      dirty && currentLocation.pathname !== nextLocation.pathname,
  );

  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);

  return (
    <ConfirmDialog
      open={blocker.state === 'blocked'}
      onOpenChange={(open) => {
        if (!open && blocker.state === 'blocked') blocker.reset();
      }}
      title="Leave with unsaved edits?"
      confirmLabel="Leave"
      confirmVariant="danger"
      cancelLabel="Stay"
      onConfirm={() => blocker.state === 'blocked' && blocker.proceed()}
    >
      <p>
        Your edits to <span className="font-mono">{path}</span> are not saved. Leaving discards
        them.
      </p>
    </ConfirmDialog>
  );
}
