// The import summary in the browser: the bundle's README as a person wants it, with a live countdown
// to the parameters' expiry (warning under the threshold, red when expired, with a button to download
// new ones). Persists only its identity (the bundle folder as the host's id, never its path) so the
// host can rebuild it after a reload.
import '../shared/panel.css';
import { h, hostApi, initialData } from '../shared/vscode';
import { isToSummary, type FromSummary, type ProofCheck, type SummaryAction, type SummaryData, type SummaryRef } from '../../protocol/summary';
import { proofMethodLabel, providerAlgorithmLabel, providerSpecName, providerStateName } from '../../protocol/terms';

const api = hostApi<FromSummary, { identity: SummaryRef }>();
const initial = initialData<{ identity: SummaryRef }>();
if (initial?.identity) api.setState({ identity: initial.identity });

let data: SummaryData | undefined;
const app = document.getElementById('app')!;

function action(a: SummaryAction): void {
  api.post({ type: 'action', action: a, requestId: api.nextId() });
}

function button(id: string, text: string, a: SummaryAction, secondary = true): HTMLButtonElement {
  const b = h('button', { id, 'data-testid': id, class: secondary ? 'secondary' : undefined, text });
  b.addEventListener('click', () => action(a));
  return b;
}

function fmt(ms: number): string {
  const abs = Math.abs(ms);
  const d = Math.floor(abs / 86_400_000);
  const hh = Math.floor((abs % 86_400_000) / 3_600_000);
  const mm = Math.floor((abs % 3_600_000) / 60_000);
  const ss = Math.floor((abs % 60_000) / 1000);
  if (d) return `${d} d ${hh} h`;
  if (hh) return `${hh} h ${mm} min`;
  if (mm) return `${mm} min ${ss} s`;
  return `${ss} s`;
}

const countdown = h('span', { id: 'countdown', class: 'countdown', 'data-testid': 'countdown' });
const downloadBtn = button('download-parameters', 'Download new parameters', 'downloadParameters', false);

const STAGE_TEXT: Record<string, string> = {
  fresh: 'downloaded, not used yet',
  wrapped: 'wrapped, not imported yet',
  imported: 'used for an import (no longer needed)',
  proven: 'imported and proven (no longer needed)',
  'proof-failed': 'imported; the proof failed',
  expired: 'expired, not used',
};
const used = (): boolean => ['imported', 'proven', 'proof-failed'].includes(data?.bundleStage ?? '');

function tick(): void {
  if (used()) {
    // Parameters an import used are history: no countdown, no warning colour, no download button.
    countdown.textContent = 'used: no longer needed';
    countdown.dataset.level = 'used';
    downloadBtn.classList.toggle('hidden', data?.primary !== 'downloadParameters');
    return;
  }
  const validTo = data?.bundle?.parametersValidTo ? Date.parse(data.bundle.parametersValidTo) : NaN;
  if (Number.isNaN(validTo)) {
    countdown.textContent = data?.bundle ? 'validity unknown' : 'no parameters downloaded';
    countdown.dataset.level = 'none';
    downloadBtn.classList.toggle('hidden', data?.key?.origin !== 'EXTERNAL');
    return;
  }
  const left = validTo - Date.now();
  const level = left <= 0 ? 'expired' : left < (data?.warnMs ?? 3_600_000) ? 'warning' : 'ok';
  countdown.dataset.level = level;
  countdown.textContent = left <= 0 ? `expired ${fmt(left)} ago` : `expires in ${fmt(left)}`;
  downloadBtn.classList.toggle('hidden', level === 'ok');
}

function kv(label: string, value: Node | string, id?: string): HTMLElement {
  return h('div', { class: 'row' }, h('label', { text: label }), typeof value === 'string' ? h('div', { id, 'data-testid': id, class: 'mono', text: value }) : value);
}

/** A proof in its parts (Huawei): each part holds, failed, or was not part of the recorded proof. */
function checkList(checks: ProofCheck[]): HTMLElement {
  return h(
    'ul',
    { class: 'checks', id: 'proof-checks', 'data-testid': 'proof-checks' },
    ...checks.map((c) =>
      h(
        'li',
        { 'data-testid': `proof-check-${c.id}`, 'data-holds': c.holds === undefined ? 'unknown' : String(c.holds) },
        h('span', { class: `codicon codicon-${c.holds === undefined ? 'circle-large-outline' : c.holds ? 'pass' : 'error'}`, 'aria-hidden': 'true' }),
        ` ${c.label}: ${c.holds === undefined ? 'not checked' : c.holds ? 'holds' : 'failed'}`,
        h('div', { class: 'muted', text: c.detail }),
      ),
    ),
  );
}

function render(): void {
  if (!data) {
    app.replaceChildren(h('p', { class: 'muted', text: 'Loading the summary…' }));
    return;
  }
  const d = data;
  const k = d.key;
  const b = d.bundle;
  const title = k?.alias ?? k?.keyId ?? d.identity.keyId;
  const proof = d.proof;
  const t = d.terms;
  const huawei = d.provider === 'huawei';
  app.replaceChildren(
    h('h1', { text: `Import summary: ${title}` }),
    h('p', { class: 'muted', id: 'where', 'data-testid': 'where', 'data-provider': d.provider, text: `${d.accountLabel} · ${d.identity.region} · ${t.providerLabel}` }),
    h('div', { class: 'banner', id: 'next-step', 'data-testid': 'next-step', 'data-primary': d.primary ?? 'none' }, h('span', { class: 'codicon codicon-arrow-right' }), ` Next: ${d.nextStep}`),
    h('h2', { text: 'Key' }),
    ...(k
      ? [
          // Huawei keys have no ARN: the key ID is the identifier.
          ...(t.showArn ? [kv('Key ARN', k.arn, 'key-arn')] : []),
          kv(huawei ? 'Key ID' : 'Key id', k.keyId, 'key-id'),
          kv('Key spec · usage', `${providerSpecName(d.provider, k.keySpec)} · ${k.keyUsage}`, 'key-spec'),
          kv('State', providerStateName(d.provider, k.keyState), 'key-state'),
          kv('Origin', huawei ? k.origin.toLowerCase() : k.origin, 'key-origin'),
          kv('Key material', `${k.materialLabel}${k.validTo ? ` (${t.materialExpiry} ${k.validTo})` : ''}`, 'material-expiry'),
          ...(k.currentKeyMaterialId ? [kv('Current key material id', k.currentKeyMaterialId, 'key-material-id')] : []),
        ]
      : [h('div', { class: 'banner error', id: 'key-error', 'data-testid': 'key-error', text: d.keyError ?? 'The key could not be described.' })]),
    h('h2', { text: huawei ? 'Import items (wrapping key and import token)' : 'Import parameters' }),
    ...(b
      ? [
          kv('Folder', b.dir, 'bundle-dir'),
          ...(d.bundleStage ? [kv('Stage', STAGE_TEXT[d.bundleStage] ?? d.bundleStage, 'bundle-stage')] : []),
          kv('Wrapping key spec', b.wrappingKeySpec ?? 'unknown', 'wrapping-key-spec'),
          kv('Wrapping algorithm', b.wrappingAlgorithm ? providerAlgorithmLabel(d.provider, b.wrappingAlgorithm) : 'unknown', 'wrapping-algorithm'),
          kv(t.parametersExpiry, b.parametersValidTo ?? 'unknown', 'params-valid-to'),
          h('div', { class: 'row' }, h('label', { text: 'Time left' }), h('div', {}, countdown, ' ', downloadBtn)),
          h('h2', { text: 'Files' }),
          h(
            'table',
            { id: 'files', 'data-testid': 'files' },
            h('thead', {}, h('tr', {}, h('th', { text: 'File' }), h('th', { text: 'Role' }), h('th', { text: 'Size' }), h('th', { text: 'Fingerprint' }))),
            h('tbody', {}, ...b.files.map((f) => h('tr', { 'data-testid': `file-${f.name}`, 'data-role': f.role }, h('td', { class: 'mono', text: f.name }), h('td', { text: huawei && f.role === 'wrapping public key' ? 'wrapping key' : f.role }), h('td', { text: f.size === undefined ? '' : `${f.size} B` }), h('td', { class: 'mono', text: f.fingerprint ?? '' })))),
          ),
        ]
      : [h('p', { class: 'muted', id: 'no-bundle', text: d.bundleError ? `The parameter bundle could not be read: ${d.bundleError}` : 'No parameters downloaded for this key in this workspace yet.' }), h('div', {}, countdown, ' ', downloadBtn)]),
    h('h2', { text: 'Proof' }),
    proof
      ? h(
          'div',
          { id: 'proof', 'data-testid': 'proof', 'data-holds': String(proof.holds), class: `banner ${proof.holds ? 'ok' : 'error'}` },
          h('span', { class: `codicon codicon-${proof.holds ? 'pass' : 'error'}` }),
          h('strong', { text: proof.holds ? ' The proof holds' : ' The proof failed' }),
          proof.checks ? checkList(proof.checks) : h('div', { text: `${proofMethodLabel(d.provider, proof.method)}: ${proof.detail}` }),
          ...(proof.keyMaterialId ? [h('div', { class: 'mono', text: `Key material id: ${proof.keyMaterialId}` })] : []),
          h('div', { class: 'muted', text: `Recorded ${proof.importedAt}` }),
        )
      : h('p', { id: 'proof', 'data-testid': 'proof', 'data-holds': 'unknown', class: 'muted', text: b ? 'No proof recorded for an import with these parameters.' : 'No proof recorded yet. Run Verify Imported Key with your material to prove the import.' }),
    h(
      'div',
      { class: 'actions' },
      // One primary button: the action the next step names; the others are secondary.
      button('import-material', 'Import key material…', 'importMaterial', d.primary !== 'importMaterial'),
      ...(k && k.keyState !== 'PendingImport' && k.origin === 'EXTERNAL' ? [button('verify', 'Verify…', 'verify', d.primary !== 'verify')] : []),
      button('refresh', 'Refresh', 'refresh'),
      ...(b ? [button('reveal-bundle', 'Reveal folder', 'revealBundle')] : []),
      ...(k ? [button('copy-arn', t.copyId, 'copyArn')] : []),
    ),
  );
  tick();
}

window.addEventListener('message', (e: MessageEvent) => {
  const m: unknown = e.data;
  if (!isToSummary(m)) return;
  if (m.type === 'data') {
    data = m.data;
    api.setState({ identity: m.data.identity });
    render();
  }
});

render();
setInterval(tick, 1000);
api.post({ type: 'ready', requestId: api.nextId() });
