/** Class names shared by the app's data tables (header cell, body cell, row). */
export const thClass = 'px-3 py-2 text-left text-xs font-medium text-zinc-500 dark:text-zinc-400';
export const tdClass = 'px-3 py-1.5';
