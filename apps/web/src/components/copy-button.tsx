import { useState } from 'react';

/**
 * A small "copy" button that puts `text` on the clipboard and says "copied" for 1.5 s; nothing
 * where the browser allows no clipboard writes (plain http to another host than localhost).
 */
export function CopyButton({
  text,
  label,
  testId,
}: {
  text: string;
  /** Accessible name, e.g. `Copy command: xl list`. */
  label: string;
  testId?: string;
}) {
  const [copied, setCopied] = useState(false);
  const canCopy =
    typeof navigator !== 'undefined' && !!navigator.clipboard && window.isSecureContext;
  if (!canCopy) return null;
  return (
    <button
      type="button"
      data-testid={testId}
      className="rounded px-1 text-[11px] text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-sky-600 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
      aria-label={label}
      onClick={() => {
        void navigator.clipboard.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        });
      }}
    >
      {copied ? 'copied' : 'copy'}
    </button>
  );
}
