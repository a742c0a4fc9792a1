import { useSyncExternalStore } from 'react';

const QUERY = '(prefers-color-scheme: dark)';

function subscribe(onChange: () => void): () => void {
  if (typeof window === 'undefined' || !window.matchMedia) return () => {};
  const mql = window.matchMedia(QUERY);
  mql.addEventListener('change', onChange);
  return () => mql.removeEventListener('change', onChange);
}

/**
 * `'dark'` or `'light'`, following the system setting as the app's Tailwind `dark:` classes do
 * (they use the `prefers-color-scheme` media query). For widgets styled in JS, e.g. CodeMirror.
 */
export function useColorScheme(): 'dark' | 'light' {
  return useSyncExternalStore(
    subscribe,
    () => (window.matchMedia?.(QUERY).matches ? 'dark' : 'light'),
    () => 'light',
  );
}
