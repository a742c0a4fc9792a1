import { CommandHint } from '@/components/command-hint';
import type { GuestPreviewResult } from '../../lib/wizard-preview';
import { XlText } from '../xl-text';

/**
 * Step 7: the exact `.cfg` the server will write and the equivalent commands, both from
 * xl-config's `guestPreview` of the request the Create button sends (the server runs the same
 * function). The first line's time is when the file is written.
 */
export function ReviewStep({ preview }: { preview: GuestPreviewResult }) {
  if ('error' in preview) {
    return (
      <p
        role="alert"
        className="text-sm text-red-700 dark:text-red-300"
        data-testid="preview-error"
      >
        Cannot write this yet: {preview.error}
      </p>
    );
  }
  return (
    <div className="flex flex-col gap-4">
      <section aria-labelledby="review-cfg" className="flex flex-col gap-1.5">
        <h3 id="review-cfg" className="text-sm font-semibold">
          <span className="font-mono">{preview.configPath}</span>
        </h3>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          Written atomically, never over an existing file, and kept in the config’s history; its
          first line gets the time of writing.
        </p>
        <XlText text={preview.configText} testId="guest-config-preview" />
      </section>
      <section aria-labelledby="review-commands" className="flex flex-col gap-1.5">
        <h3 id="review-commands" className="text-sm font-semibold">
          Equivalent commands
        </h3>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          What Xendeck does, in the order it does it, for reference (it runs them itself, as
          argument lists, and undoes a new volume if a later step fails).
        </p>
        <ol className="flex flex-col gap-1" data-testid="guest-commands">
          {preview.commands.map((c) => (
            <li key={c}>
              <CommandHint command={c} />
            </li>
          ))}
          {preview.commands.length === 0 ? (
            <li className="text-sm text-zinc-500">Only the config file is written.</li>
          ) : null}
        </ol>
      </section>
    </div>
  );
}
