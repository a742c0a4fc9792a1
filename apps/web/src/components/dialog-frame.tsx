/**
 * The frame of the app's Radix dialogs: the portal, the dimmed overlay and the centred panel
 * (width `widthClass`, scrolling when taller than the window). Put it inside a `Dialog.Root`,
 * with the title, description and body as children.
 */
import * as Dialog from '@radix-ui/react-dialog';
import type { ReactNode } from 'react';

export function DialogFrame({
  widthClass = 'w-[min(30rem,calc(100vw-2rem))]',
  className = '',
  children,
}: {
  /** Tailwind width of the panel. */
  widthClass?: string;
  /** Extra classes of the panel (e.g. `flex flex-col` for a body that scrolls by itself). */
  className?: string;
  children: ReactNode;
}) {
  return (
    <Dialog.Portal>
      <Dialog.Overlay className="fixed inset-0 z-40 bg-zinc-950/50 backdrop-blur-[1px]" />
      <Dialog.Content
        className={`fixed top-1/2 left-1/2 z-50 max-h-[calc(100vh-2rem)] -translate-x-1/2 -translate-y-1/2 overflow-auto rounded-lg border border-zinc-200 bg-white p-5 text-zinc-900 shadow-xl focus:outline-none dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 ${widthClass} ${className}`}
      >
        {children}
      </Dialog.Content>
    </Dialog.Portal>
  );
}
