/** A list of shell commands, one `CommandHint` (monospace, copyable) per line, and a copy of them all. */
import { CommandHint } from '@/components/command-hint';
import { CopyButton } from '@/components/copy-button';

export function Commands({
  commands,
  label,
  testId,
}: {
  commands: readonly string[];
  /** What they do, for the copy-all button's name. */
  label: string;
  testId?: string;
}) {
  if (commands.length === 0) return null;
  return (
    <div className="flex flex-col items-start gap-1" data-testid={testId}>
      {commands.map((c) => (
        <CommandHint key={c} command={c} />
      ))}
      {commands.length > 1 ? (
        <CopyButton text={commands.join('\n')} label={`Copy all commands: ${label}`} />
      ) : null}
    </div>
  );
}
