import { useState } from 'react';

/**
 * Shows the `xl` command equivalent to an action, in monospace, selectable in one click, with a
 * Copy button where the browser allows clipboard writes (HTTPS or localhost).
 */
export function CommandHint({ command, className = '' }: { command: string; className?: string }) {
  const [copied, setCopied] = useState(false);
  const canCopy =
    typeof navigator !== 'undefined' && !!navigator.clipboard && window.isSecureContext;
  return (
    <span
      className={`inline-flex max-w-full items-center gap-1 rounded border border-zinc-200 bg-zinc-100 py-0.5 pr-0.5 pl-1.5 font-mono text-xs text-zinc-700 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-300 ${className}`}
    >
      <span className="text-zinc-400 select-none dark:text-zinc-500">#</span>
      <code className="truncate select-all" title={command}>
        {command}
      </code>
      {canCopy ? (
        <button
          type="button"
          className="rounded px-1 text-[11px] text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-sky-600 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
          aria-label={`Copy command: ${command}`}
          onClick={() => {
            void navigator.clipboard.writeText(command).then(() => {
              setCopied(true);
              setTimeout(() => setCopied(false), 1500);
            });
          }}
        >
          {copied ? 'copied' : 'copy'}
        </button>
      ) : null}
    </span>
  );
}
