/**
 * The CodeMirror 6 pieces shared by the config editor, the read-only viewer and the diff: xl
 * highlighting, line numbers, `\n` as the only line separator (so a CR inside a comment survives an
 * edit byte for byte), and light/dark themes matching the app's zinc palette.
 */
import { syntaxHighlighting } from '@codemirror/language';
import { EditorState, type Extension } from '@codemirror/state';
import {
  EditorView,
  highlightActiveLineGutter,
  highlightSpecialChars,
  lineNumbers,
} from '@codemirror/view';
import { xlHighlightDark, xlHighlightLight, xlLanguage } from './xl-language';

const base = {
  '&': { fontSize: '13px', height: '100%' },
  '.cm-scroller': {
    fontFamily:
      'ui-monospace, SFMono-Regular, Menlo, Monaco, Consolas, "Liberation Mono", monospace',
    lineHeight: '1.55',
  },
  '.cm-content': { padding: '6px 0' },
  '&.cm-focused': { outline: 'none' },
  '.cm-gutters': { borderRight: '1px solid', minWidth: '3ch' },
  '.cm-lineNumbers .cm-gutterElement': { padding: '0 8px 0 10px' },
  '.cm-collapsedLines': {
    fontFamily: 'ui-sans-serif, system-ui, sans-serif',
    fontSize: '12px',
    textDecoration: 'underline dotted',
  },
  // The merge view frames this marker with U+299A, which many system fonts lack (a box appears).
  '.cm-collapsedLines:before, .cm-collapsedLines:after': { content: 'none' },
};

const lightTheme = EditorView.theme(
  {
    ...base,
    '&': { ...base['&'], backgroundColor: '#ffffff', color: '#18181b' },
    '.cm-gutters': {
      ...base['.cm-gutters'],
      backgroundColor: '#fafafa',
      color: '#a1a1aa',
      borderColor: '#e4e4e7',
    },
    '.cm-activeLine': { backgroundColor: '#f4f4f580' },
    '.cm-activeLineGutter': { backgroundColor: '#f4f4f5', color: '#52525b' },
    '.cm-cursor': { borderLeftColor: '#18181b' },
    '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': { backgroundColor: '#bae6fd' },
  },
  { dark: false },
);

const darkTheme = EditorView.theme(
  {
    ...base,
    '&': { ...base['&'], backgroundColor: '#18181b', color: '#e4e4e7' },
    '.cm-gutters': {
      ...base['.cm-gutters'],
      backgroundColor: '#111113',
      color: '#71717a',
      borderColor: '#27272a',
    },
    '.cm-activeLine': { backgroundColor: '#27272a66' },
    '.cm-activeLineGutter': { backgroundColor: '#27272a', color: '#d4d4d8' },
    '.cm-cursor': { borderLeftColor: '#e4e4e7' },
    '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': { backgroundColor: '#0c4a6e' },
    '.cm-tooltip': { backgroundColor: '#27272a', color: '#e4e4e7', border: '1px solid #3f3f46' },
    '.cm-panels': { backgroundColor: '#18181b', color: '#e4e4e7' },
    '.cm-changedLine': { backgroundColor: '#05966922 !important' },
    '.cm-deletedChunk': { backgroundColor: '#dc262622 !important' },
    '.cm-collapsedLines': { backgroundColor: '#27272a', color: '#a1a1aa' },
  },
  { dark: true },
);

/** Theme and highlight colours for a colour scheme. */
export function schemeExtensions(scheme: 'dark' | 'light'): Extension {
  return scheme === 'dark'
    ? [darkTheme, syntaxHighlighting(xlHighlightDark)]
    : [lightTheme, syntaxHighlighting(xlHighlightLight)];
}

/** What every xl text view has, editable or not. */
export function xlBaseExtensions(): Extension {
  return [
    EditorState.lineSeparator.of('\n'),
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    xlLanguage,
  ];
}
