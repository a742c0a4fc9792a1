/**
 * The page's notice region: errors (role="alert") and results (role="status") that stay until the
 * person dismisses them. Features report through {@link useNotices}; nothing is swallowed.
 */
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { isApiError } from '@/lib/api-client';
import { Alert } from './alert';

export interface Notice {
  id: number;
  kind: 'error' | 'success';
  /** What was being done, e.g. "Destroy web1". */
  title: string;
  /** The server's message (xl's text for a failed start), shown as it came. */
  message: string;
  /** The server's error code, when there is one. */
  code?: string;
}

interface NoticesApi {
  notices: Notice[];
  /** Reports a failed action: `title` says what was tried, the error supplies message and code. */
  error(title: string, error: unknown): void;
  success(title: string, message?: string): void;
  dismiss(id: number): void;
}

const NoticesContext = createContext<NoticesApi | null>(null);

let nextId = 1;

export function NoticesProvider({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const dismiss = useCallback((id: number) => {
    setNotices((list) => list.filter((n) => n.id !== id));
  }, []);
  const push = useCallback((notice: Omit<Notice, 'id'>) => {
    // Keep the last few; an action repeated many times should not bury the page.
    setNotices((list) => [...list.slice(-4), { ...notice, id: nextId++ }]);
  }, []);
  const api = useMemo<NoticesApi>(
    () => ({
      notices,
      dismiss,
      error: (title, error) => {
        const message = error instanceof Error ? error.message : String(error);
        const notice: Omit<Notice, 'id'> = { kind: 'error', title, message };
        if (isApiError(error)) notice.code = error.code;
        push(notice);
      },
      success: (title, message = '') => push({ kind: 'success', title, message }),
    }),
    [notices, dismiss, push],
  );
  return <NoticesContext.Provider value={api}>{children}</NoticesContext.Provider>;
}

export function useNotices(): NoticesApi {
  const api = useContext(NoticesContext);
  if (!api) throw new Error('useNotices must be used inside <NoticesProvider>');
  return api;
}

/** Renders the current notices, newest last. */
export function NoticesRegion() {
  const { notices, dismiss } = useNotices();
  if (notices.length === 0) return null;
  return (
    <section className="flex flex-col gap-2" aria-label="Notifications">
      {notices.map((n) => (
        <Alert
          key={n.id}
          kind={n.kind}
          title={n.title}
          message={n.message}
          code={n.code}
          onDismiss={() => dismiss(n.id)}
        />
      ))}
    </section>
  );
}
