import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { linter, lintGutter } from '@codemirror/lint';
import { Compartment, EditorState } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLine, keymap } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import { useColorScheme } from '@/lib/use-color-scheme';
import { schemeExtensions, xlBaseExtensions } from '../lib/editor-setup';
import { xlLintSource } from '../lib/xl-lint';

/** How long the linter waits after the last keystroke, ms. */
export const LINT_DELAY_MS = 300;

/**
 * A CodeMirror 6 editor for an xl config text: xl highlighting, line numbers, undo history, and
 * inline diagnostics from `@xendeck/xl-config` (debounced by {@link LINT_DELAY_MS}). Controlled:
 * `value` replaces the document when it differs from it (a reload, a quick edit); every edit is
 * reported through `onChange` with the whole text. `readOnly` gives a viewer (no lint, no cursor).
 */
export function XlEditor({
  value,
  onChange,
  readOnly = false,
  label,
  testId,
}: {
  value: string;
  onChange?: (text: string) => void;
  readOnly?: boolean;
  /** Accessible name of the text area, e.g. "Config file /etc/xen/web1.cfg". */
  label: string;
  /** `data-testid` of the container (the CodeMirror root is inside it). */
  testId?: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const themeCompartment = useRef(new Compartment());
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const scheme = useColorScheme();
  const schemeRef = useRef(scheme);
  schemeRef.current = scheme;

  // Created once per mount (and when switching between editor and viewer); later value and theme
  // changes are dispatched into the existing view so the cursor and undo history survive.
  // biome-ignore lint/correctness/useExhaustiveDependencies: value and label are applied by the effects below
  useEffect(() => {
    const parent = container.current;
    if (!parent) return;
    const editing = readOnly
      ? [EditorState.readOnly.of(true), EditorView.editable.of(false)]
      : [
          history(),
          drawSelection(),
          highlightActiveLine(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          linter((view) => xlLintSource(view.state.doc.toString()), { delay: LINT_DELAY_MS }),
          lintGutter(),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChangeRef.current?.(update.state.doc.toString());
          }),
        ];
    const view = new EditorView({
      parent,
      state: EditorState.create({
        doc: value,
        extensions: [
          xlBaseExtensions(),
          editing,
          themeCompartment.current.of(schemeExtensions(schemeRef.current)),
          EditorView.contentAttributes.of({ 'aria-label': label }),
        ],
      }),
    });
    viewRef.current = view;
    return () => {
      view.destroy();
      viewRef.current = null;
    };
  }, [readOnly]);

  useEffect(() => {
    const view = viewRef.current;
    if (!view) return;
    const current = view.state.doc.toString();
    if (current !== value) {
      view.dispatch({ changes: { from: 0, to: current.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    viewRef.current?.dispatch({
      effects: themeCompartment.current.reconfigure(schemeExtensions(scheme)),
    });
  }, [scheme]);

  return (
    <div
      ref={container}
      data-testid={testId}
      className="overflow-hidden rounded-md border border-zinc-300 dark:border-zinc-700 [&_.cm-editor]:max-h-[70vh]"
    />
  );
}
