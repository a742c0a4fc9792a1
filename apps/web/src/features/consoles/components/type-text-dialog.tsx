/**
 * **Type text**: text typed into the guest as keystrokes (QEMU's VNC has no clipboard; installers
 * want long passwords and product keys). Multiline (newline = Enter), a delay per character, a
 * progress bar and a Stop button. The keys come from `textToKeystrokes` (US layout, Shift for
 * upper case and symbols); sending is `typeKeystrokes` through the caller's `send`.
 */
import * as Dialog from '@radix-ui/react-dialog';
import { useEffect, useRef, useState } from 'react';
import { Button } from '@/components/button';
import { type SendKey, textToKeystrokes, typeKeystrokes } from '../lib/keysyms';

/** Default wait between two characters, ms: fast enough, slow enough for a BIOS or an installer. */
export const DEFAULT_TYPE_DELAY_MS = 30;

export function TypeTextDialog({
  send,
  disabled,
  onDone,
}: {
  /** Sends one key event to the guest (`rfb.sendKey`). */
  send: SendKey;
  /** The console is not connected or is view only. */
  disabled: boolean;
  /** After typing ends (done or stopped), e.g. to give the keyboard back to the screen. */
  onDone?: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [delayMs, setDelayMs] = useState(DEFAULT_TYPE_DELAY_MS);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [typing, setTyping] = useState(false);
  const abortRef = useRef<AbortController | null>(null);
  const strokes = textToKeystrokes(text);

  // The console went away (disconnected, view only): stop typing into nothing.
  useEffect(() => {
    if (disabled) abortRef.current?.abort();
  }, [disabled]);
  const untypeable = strokes.filter((s) => s.code === null).length;

  const start = async () => {
    const controller = new AbortController();
    abortRef.current = controller;
    setTyping(true);
    setProgress({ done: 0, total: strokes.length });
    const done = await typeKeystrokes(strokes, send, {
      delayMs,
      signal: controller.signal,
      onProgress: (d, total) => setProgress({ done: d, total }),
    });
    setTyping(false);
    abortRef.current = null;
    if (done === strokes.length) {
      setOpen(false);
      setProgress(null);
    }
    onDone?.();
  };

  return (
    <Dialog.Root
      open={open}
      onOpenChange={(next) => {
        if (!next) abortRef.current?.abort();
        setOpen(next);
        if (!next) setProgress(null);
      }}
    >
      <Dialog.Trigger asChild>
        <Button size="sm" disabled={disabled} title="Type text into the guest as keystrokes">
          Type text
        </Button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-zinc-950/50 backdrop-blur-[1px]" />
        <Dialog.Content className="fixed top-1/2 left-1/2 z-50 flex w-[min(34rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-5 text-zinc-900 shadow-xl focus:outline-none dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100">
          <Dialog.Title className="text-base font-semibold">Type text</Dialog.Title>
          <Dialog.Description className="text-sm text-zinc-600 dark:text-zinc-300">
            Sent to the guest as keystrokes on a US keyboard layout, one character at a time; a new
            line presses Enter.
          </Dialog.Description>
          <textarea
            aria-label="Text to type"
            value={text}
            onChange={(e) => setText(e.target.value)}
            disabled={typing}
            rows={6}
            spellCheck={false}
            className="rounded-md border border-zinc-300 bg-white p-2 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-950"
          />
          <div className="flex flex-wrap items-center gap-3 text-xs text-zinc-600 dark:text-zinc-300">
            <label className="flex items-center gap-1.5">
              Delay per character
              <input
                type="number"
                min={0}
                max={1000}
                step={5}
                value={delayMs}
                disabled={typing}
                onChange={(e) =>
                  setDelayMs(Math.max(0, Math.min(1000, Number(e.target.value) || 0)))
                }
                className="h-7 w-16 rounded-md border border-zinc-300 bg-white px-1.5 text-right dark:border-zinc-700 dark:bg-zinc-950"
              />
              ms
            </label>
            <span>
              {strokes.length} {strokes.length === 1 ? 'key' : 'keys'}
              {untypeable > 0
                ? `, ${untypeable} not on a US keyboard (sent as keysyms; the guest may not get them)`
                : ''}
            </span>
          </div>
          {progress ? (
            <div className="flex items-center gap-2 text-xs">
              <progress
                aria-label="Typing progress"
                value={progress.done}
                max={Math.max(1, progress.total)}
                className="h-2 flex-1"
              />
              <span className="tabular-nums">
                {progress.done} / {progress.total}
              </span>
            </div>
          ) : null}
          <div className="flex justify-end gap-2">
            {typing ? (
              <Button variant="danger-outline" onClick={() => abortRef.current?.abort()}>
                Stop
              </Button>
            ) : (
              <Dialog.Close asChild>
                <Button>Close</Button>
              </Dialog.Close>
            )}
            <Button
              variant="primary"
              disabled={typing || disabled || strokes.length === 0}
              onClick={() => void start()}
            >
              Type
            </Button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
