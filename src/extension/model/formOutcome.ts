// What the import form showed of its last run (each step's progress, then the result or the error), kept by
// the host so a form that was hidden — and so torn down by VS Code (no retainContextWhenHidden) — shows the same
// thing when it is shown again: the webview is rebuilt from the host's messages, so the host replays them.
// A new run or a new import forgets the old one. Holds no key material (the messages never carry any).
// Pure; tested in plain Node (test/extension/formOutcome.test.ts).
import type { ToForm } from '../../protocol/form';

type Kept = Extract<ToForm, { type: 'progress' | 'result' | 'error' }>;

export class FormOutcome {
  private kept: Kept[] = [];

  /** A run starts (or the form is reset): the previous run's messages are forgotten. */
  clear(): void {
    this.kept = [];
  }

  /** Remembers a message of the current run (progress, result or error) and returns it, to be posted. */
  record<M extends Kept>(m: M): M {
    if (m.type === 'progress') {
      // One line per step: only its latest status is replayed.
      const i = this.kept.findIndex((k) => k.type === 'progress' && k.step === m.step);
      if (i >= 0) this.kept[i] = m;
      else this.kept.push(m);
    } else {
      this.kept.push(m);
    }
    return m;
  }

  /**
   * What a webview that just said "ready" needs, in order: the messages queued while it was hidden that are not
   * part of the outcome, `running` when a run is still going, then the outcome (after the view).
   */
  replay(queued: ToForm[], running: boolean): { before: ToForm[]; after: ToForm[] } {
    const outcome = new Set<ToForm>(this.kept);
    const before = queued.filter((q) => !outcome.has(q) && !(q.type === 'progress' || q.type === 'result' || q.type === 'error' || q.type === 'running'));
    const after: ToForm[] = [...(running ? [{ type: 'running', running: true } as const] : []), ...this.kept];
    return { before, after };
  }
}
