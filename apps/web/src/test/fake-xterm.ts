/**
 * xterm.js stand-ins for jsdom (no canvas, no layout): a Terminal that records what is written and
 * lets the test type (`type()` fires onData), and no-op addons. A test says `vi.mock('@xterm/xterm')`
 * and the same for each addon; apps/web/__mocks__/@xterm/* export these.
 */
type Listener<T> = (value: T) => void;

function emitter<T>() {
  const listeners = new Set<Listener<T>>();
  return {
    event: (l: Listener<T>) => {
      listeners.add(l);
      return { dispose: () => listeners.delete(l) };
    },
    fire: (v: T) => {
      for (const l of listeners) l(v);
    },
  };
}

export class FakeTerminal {
  static instances: FakeTerminal[] = [];
  /** Everything written since the last reset, decoded as UTF-8. */
  text = '';
  resets = 0;
  disposed = false;
  element: HTMLElement | undefined;
  selection = '';
  readonly options: Record<string, unknown>;
  private readonly data = emitter<string>();
  private readonly selectionChange = emitter<void>();
  readonly onData = this.data.event;
  readonly onSelectionChange = this.selectionChange.event;

  constructor(options: Record<string, unknown> = {}) {
    this.options = { ...options };
    FakeTerminal.instances.push(this);
  }
  loadAddon(_addon: unknown): void {}
  open(parent: HTMLElement): void {
    this.element = document.createElement('div');
    this.element.className = 'xterm';
    const rows = document.createElement('div');
    rows.className = 'xterm-rows';
    this.element.appendChild(rows);
    parent.appendChild(this.element);
  }
  /** Records `data`; `callback` runs once it is "parsed" (at once here; xterm does it later). */
  write(data: string | Uint8Array, callback?: () => void): void {
    this.text += typeof data === 'string' ? data : new TextDecoder().decode(data);
    const rows = this.element?.querySelector('.xterm-rows');
    if (rows) rows.textContent = this.text;
    callback?.();
  }
  reset(): void {
    this.resets += 1;
    this.text = '';
    this.write('');
  }
  hasSelection(): boolean {
    return this.selection !== '';
  }
  getSelection(): string {
    return this.selection;
  }
  dispose(): void {
    this.disposed = true;
    this.element?.remove();
  }
  /** The person types `data` (xterm's onData: keys as the terminal encodes them). */
  type(data: string): void {
    this.data.fire(data);
  }
  /** The person selects `text` with the mouse. */
  select(text: string): void {
    this.selection = text;
    this.selectionChange.fire();
  }
}

export class FakeFitAddon {
  fits = 0;
  fit(): void {
    this.fits += 1;
  }
}

export class FakeSearchAddon {
  static queries: string[] = [];
  findNext(q: string): boolean {
    FakeSearchAddon.queries.push(`next:${q}`);
    return true;
  }
  findPrevious(q: string): boolean {
    FakeSearchAddon.queries.push(`previous:${q}`);
    return true;
  }
}

export class FakeWebLinksAddon {}
