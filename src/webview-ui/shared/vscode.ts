// The webview's seam to the host: acquireVsCodeApi once, request ids, persisted UI state.
declare function acquireVsCodeApi(): { postMessage(msg: unknown): void; getState(): unknown; setState(state: unknown): void };

export interface HostApi<Out, State> {
  post(msg: Out): number;
  nextId(): number;
  getState(): State | undefined;
  setState(state: State): void;
}

export function hostApi<Out, State>(): HostApi<Out, State> {
  const api = acquireVsCodeApi();
  let seq = 0;
  return {
    post: (msg: Out) => {
      api.postMessage(msg);
      return seq;
    },
    nextId: () => ++seq,
    getState: () => (api.getState() as State | undefined) ?? undefined,
    setState: (state: State) => api.setState(state),
  };
}

/** The first state, embedded by the host in data-initial (no round trip for the first paint). */
export function initialData<T>(): T | undefined {
  const el = document.getElementById('app');
  try {
    return el?.dataset.initial ? (JSON.parse(el.dataset.initial) as T) : undefined;
  } catch {
    return undefined;
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean | undefined> = {}, ...children: Array<Node | string | undefined>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== undefined) el.append(c);
  return el;
}
