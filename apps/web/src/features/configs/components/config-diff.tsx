import { Chunk, unifiedMergeView } from '@codemirror/merge';
import { EditorState, Text } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { useEffect, useMemo, useRef } from 'react';
import { useColorScheme } from '@/lib/use-color-scheme';
import { schemeExtensions, xlBaseExtensions } from '../lib/editor-setup';

/** Number of changed regions between two texts (CodeMirror merge's chunking, line-based). */
export function countChangedChunks(original: string, modified: string): number {
  return Chunk.build(Text.of(original.split('\n')), Text.of(modified.split('\n'))).length;
}

/**
 * A read-only unified diff (CodeMirror's `unifiedMergeView`) of `modified` against `original`:
 * deleted lines in red above the inserted ones in green, unchanged stretches collapsed to three
 * lines of context. Container `data-testid="config-diff"`.
 */
export function ConfigDiff({
  original,
  modified,
  label,
}: {
  original: string;
  modified: string;
  /** What is compared, for screen readers and the caption, e.g. "on disk → your edits". */
  label: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const scheme = useColorScheme();
  const chunks = useMemo(() => countChangedChunks(original, modified), [original, modified]);

  useEffect(() => {
    const parent = container.current;
    if (!parent) return;
    const view = new EditorView({
      parent,
      state: EditorState.create({
        doc: modified,
        extensions: [
          xlBaseExtensions(),
          EditorState.readOnly.of(true),
          EditorView.editable.of(false),
          unifiedMergeView({
            original,
            mergeControls: false,
            highlightChanges: true,
            syntaxHighlightDeletions: true,
            collapseUnchanged: { margin: 3, minSize: 4 },
          }),
          schemeExtensions(scheme),
          EditorView.contentAttributes.of({ 'aria-label': `Changes: ${label}` }),
        ],
      }),
    });
    return () => view.destroy();
  }, [original, modified, scheme, label]);

  return (
    <figure className="flex flex-col gap-1.5">
      <figcaption className="text-xs text-zinc-600 dark:text-zinc-400">
        {label} —{' '}
        {chunks === 0
          ? 'no differences'
          : `${chunks} changed ${chunks === 1 ? 'region' : 'regions'}`}
      </figcaption>
      <div
        ref={container}
        data-testid="config-diff"
        className="overflow-hidden rounded-md border border-zinc-300 dark:border-zinc-700 [&_.cm-editor]:max-h-[70vh]"
      />
    </figure>
  );
}
