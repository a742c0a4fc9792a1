import { useState } from 'react';

/**
 * A SHA-256 shortened to its first 12 hex digits (the whole in the title and the copy), with a
 * Copy button where the browser allows clipboard writes; "computing…" while the server hashes.
 */
export function Sha256Cell({ sha256 }: { sha256: string | null }) {
  const [copied, setCopied] = useState(false);
  if (sha256 === null) {
    return (
      <span className="text-xs text-zinc-500 italic dark:text-zinc-400" data-testid="iso-sha256">
        computing…
      </span>
    );
  }
  const canCopy =
    typeof navigator !== 'undefined' && !!navigator.clipboard && window.isSecureContext;
  return (
    <span className="inline-flex items-center gap-1">
      <code
        className="font-mono text-xs"
        title={sha256}
        data-testid="iso-sha256"
        data-sha256={sha256}
      >
        {sha256.slice(0, 12)}…
      </code>
      {canCopy ? (
        <button
          type="button"
          data-testid="iso-copy-sha256"
          className="rounded px-1 text-[11px] text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-sky-600 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
          aria-label={`Copy SHA-256 ${sha256}`}
          onClick={() => {
            void navigator.clipboard.writeText(sha256).then(() => {
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
