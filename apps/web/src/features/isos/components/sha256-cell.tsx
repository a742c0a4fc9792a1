import { CopyButton } from '@/components/copy-button';

/**
 * A SHA-256 shortened to its first 12 hex digits (the whole in the title and the copy), with a
 * Copy button where the browser allows clipboard writes; "computing…" while the server hashes.
 */
export function Sha256Cell({ sha256 }: { sha256: string | null }) {
  if (sha256 === null) {
    return (
      <span className="text-xs text-zinc-500 italic dark:text-zinc-400" data-testid="iso-sha256">
        computing…
      </span>
    );
  }
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
      <CopyButton text={sha256} label={`Copy SHA-256 ${sha256}`} testId="iso-copy-sha256" />
    </span>
  );
}
