import { CopyButton } from './copy-button';

/**
 * Shows the `xl` command equivalent to an action, in monospace, selectable in one click, with a
 * Copy button where the browser allows clipboard writes (HTTPS or localhost).
 */
export function CommandHint({ command, className = '' }: { command: string; className?: string }) {
  return (
    <span
      className={`inline-flex max-w-full items-center gap-1 rounded border border-zinc-200 bg-zinc-100 py-0.5 pr-0.5 pl-1.5 font-mono text-xs text-zinc-700 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-300 ${className}`}
    >
      <span className="text-zinc-400 select-none dark:text-zinc-500">#</span>
      <code className="truncate select-all" title={command}>
        {command}
      </code>
      <CopyButton text={command} label={`Copy command: ${command}`} />
    </span>
  );
}
