import { type TokenKind, tokenize } from '@xendeck/xl-config';
import { Fragment } from 'react';

/** Colours per token kind, close to the config editor's (features/configs/lib/xl-language.ts). */
const TOKEN_CLASS: Partial<Record<TokenKind, string>> = {
  comment: 'text-zinc-500 italic dark:text-zinc-500',
  ident: 'text-sky-800 dark:text-sky-300',
  string: 'text-emerald-800 dark:text-emerald-300',
  number: 'text-amber-800 dark:text-amber-300',
  assign: 'text-zinc-500',
  add: 'text-zinc-500',
  error: 'text-red-700 underline decoration-wavy dark:text-red-300',
};

/**
 * An xl config text, read-only, coloured with xl-config's own lexer (`tokenize`, the same grammar
 * as libxlutil's scanner) — no editor needed for a preview. The text is exactly `text`
 * (`textContent` equals it), so it can be compared with what the server writes.
 */
export function XlText({ text, testId }: { text: string; testId?: string }) {
  const tokens = tokenize(text);
  return (
    <pre
      data-testid={testId}
      className="overflow-x-auto rounded-md border border-zinc-200 bg-zinc-50 p-3 font-mono text-[13px] leading-relaxed text-zinc-800 dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-200"
    >
      {tokens.map((t) => {
        const cls = TOKEN_CLASS[t.kind];
        const part = text.slice(t.start, t.end);
        return cls ? (
          <span key={t.start} className={cls}>
            {part}
          </span>
        ) : (
          <Fragment key={t.start}>{part}</Fragment>
        );
      })}
    </pre>
  );
}
