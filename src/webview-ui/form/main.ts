// The import form in the browser: renders the FormView the host computes, sends changes back, and
// persists the user's choices (setState) so a reload keeps them. No key material ever arrives here.
import '../shared/panel.css';
import { h, hostApi, initialData } from '../shared/vscode';
import { STEP_LABELS, isToForm, proofMethodLabel, providerSpecName, type FormPatch, type FromForm, type ToForm } from '../../protocol/form';
import type { FormField, FormFinding, FormState, FormView, Option } from '../../protocol/form';

const api = hostApi<FromForm, { form: FormState }>();

let view: FormView | undefined = initialData<{ view: FormView }>()?.view;
let running = false;

function send(msg: Omit<FromForm, 'requestId'> & { type: FromForm['type'] }): void {
  api.post({ ...msg, requestId: api.nextId() } as FromForm);
}
function change(patch: FormPatch): void {
  send({ type: 'change', patch } as FromForm);
}

// ---- layout (built once; render() updates it in place so focus and typing survive) ----
const app = document.getElementById('app')!;
const el = {
  modeExisting: h('input', { type: 'radio', name: 'mode', id: 'mode-existing', value: 'existing' }),
  modeNew: h('input', { type: 'radio', name: 'mode', id: 'mode-new', value: 'new' }),
  key: h('select', { id: 'key', 'data-testid': 'key' }),
  keySpec: h('select', { id: 'key-spec', 'data-testid': 'key-spec' }),
  keySpecReasons: whyBox('key-spec'),
  keyUsage: h('select', { id: 'key-usage', 'data-testid': 'key-usage' }),
  alias: h('input', { type: 'text', id: 'alias', placeholder: 'optional, e.g. my-imported-key', 'data-testid': 'alias' }),
  wrappingKeySpec: h('select', { id: 'wrapping-key-spec', 'data-testid': 'wrapping-key-spec' }),
  wrappingKeySpecReasons: whyBox('wrapping-key-spec'),
  // Why the wrapping key spec cannot be chosen (Huawei: always RSA_2048).
  wrappingKeySpecNote: h('div', { id: 'wrapping-key-spec-note', class: 'muted hidden', 'data-testid': 'wrapping-key-spec-note' }),
  algorithm: h('select', { id: 'algorithm', 'data-testid': 'algorithm' }),
  algorithmReasons: whyBox('algorithm'),
  materialChoose: h('button', { id: 'material-choose', class: 'secondary', 'data-testid': 'material-choose', text: 'Choose file…' }),
  materialGenerate: h('button', { id: 'material-generate', class: 'secondary', 'data-testid': 'material-generate', text: 'Generate test material…' }),
  materialSummary: h('div', { id: 'material-summary', 'data-testid': 'material-summary', class: 'muted' }),
  expirationModel: h('select', { id: 'expiration-model', 'data-testid': 'expiration-model' }),
  validTo: h('input', { type: 'date', id: 'valid-to', 'data-testid': 'valid-to', required: true }),
  importType: h('select', { id: 'import-type', 'data-testid': 'import-type' }),
  // The checks: what is still needed (neutral) or "ready"; announced to screen readers as it changes.
  findings: h('ul', { class: 'findings', id: 'findings', 'data-testid': 'findings', role: 'status', 'aria-live': 'polite' }),
  newImport: h('button', { id: 'new-import', class: 'secondary', 'data-testid': 'new-import', text: 'New import' }),
  submit: h('button', { id: 'submit', 'data-testid': 'submit', text: 'Download, wrap, import and prove' }),
  cancel: h('button', { id: 'cancel', class: 'secondary hidden', 'data-testid': 'cancel', text: 'Cancel' }),
  blocker: h('div', { id: 'blocker', class: 'muted', 'data-testid': 'blocker' }),
  where: h('p', { id: 'where', class: 'muted', 'data-testid': 'where' }),
  steps: h('ol', { class: 'steps', id: 'progress', 'data-testid': 'progress' }),
  result: h('div', { id: 'result', class: 'banner ok hidden', 'data-testid': 'result' }),
  error: h('div', { id: 'error', class: 'banner error hidden', 'data-testid': 'error' }),
};
/** Per field: the one finding that belongs to it (with its fixes), announced when it appears. */
const fieldBoxes: Record<FormField, HTMLElement> = {
  key: fieldBox('key'),
  keySpec: fieldBox('key-spec'),
  alias: fieldBox('alias'),
  material: fieldBox('material'),
  wrappingKeySpec: fieldBox('wrapping-key-spec'),
  algorithm: fieldBox('algorithm'),
  validTo: fieldBox('valid-to'),
  importType: fieldBox('import-type'),
};
const rows = {
  key: row('Key', el.key, fieldBoxes.key),
  keySpec: row('Key spec', el.keySpec, fieldBoxes.keySpec, el.keySpecReasons),
  keyUsage: row('Key usage', el.keyUsage),
  alias: row('Alias', el.alias, fieldBoxes.alias),
  validTo: row('ValidTo', el.validTo, fieldBoxes.validTo),
  importType: row('ImportType', el.importType, fieldBoxes.importType),
};

function whyBox(id: string): HTMLDetailsElement {
  return h('details', { class: 'why hidden', id: `${id}-why`, 'data-testid': `${id}-why` }, h('summary', { text: 'Why not the others?' }), h('ul', { class: 'reasons' }));
}
function fieldBox(id: string): HTMLElement {
  return h('div', { class: 'field-findings', id: `${id}-findings`, 'data-testid': `${id}-findings`, 'aria-live': 'polite' });
}

function row(label: string, ...controls: HTMLElement[]): HTMLElement {
  const id = controls[0].id;
  // The control is described by its finding and its "why not" reasons (aria-describedby).
  const described = controls.slice(1).map((c) => c.id).filter(Boolean);
  if (described.length) controls[0].setAttribute('aria-describedby', described.join(' '));
  return h('div', { class: 'row', id: `row-${id}` }, h('label', { for: id, text: label }), h('div', { class: 'field' }, ...controls));
}

app.append(
  h('h1', { text: 'Import key material' }),
  el.where,
  h('p', { class: 'muted', text: 'Every choice is checked against the KMS import rules as you make it. Your key material stays on this machine until it is wrapped.' }),
  h('h2', { text: 'Key' }),
  h('div', { class: 'row' }, h('label', { text: 'Target' }), h('div', {}, h('label', { class: 'radio' }, el.modeExisting, 'Existing key'), h('label', { class: 'radio' }, el.modeNew, 'Create a new key'))),
  rows.key,
  rows.keySpec,
  rows.keyUsage,
  rows.alias,
  h('h2', { text: 'Key material' }),
  h('div', { class: 'row' }, h('label', { text: 'File' }), h('div', { class: 'field' }, el.materialChoose, el.materialGenerate, el.materialSummary, fieldBoxes.material)),
  h('h2', { text: 'Wrapping' }),
  row('Wrapping key spec', el.wrappingKeySpec, fieldBoxes.wrappingKeySpec, el.wrappingKeySpecReasons, el.wrappingKeySpecNote),
  row('Wrapping algorithm', el.algorithm, fieldBoxes.algorithm, el.algorithmReasons),
  h('h2', { text: 'Import options' }),
  row('Expiration', el.expirationModel),
  rows.validTo,
  rows.importType,
  h('h2', { text: 'Checks' }),
  el.findings,
  h('div', { class: 'actions' }, el.submit, el.cancel, el.newImport, el.blocker),
  el.steps,
  el.result,
  el.error,
);

fillOptions(el.importType, [
  { value: 'DEFAULT', label: 'Default (as KMS decides)', disabled: false },
  { value: 'NEW_KEY_MATERIAL', label: 'NEW_KEY_MATERIAL (rotation)', disabled: false },
  { value: 'EXISTING_KEY_MATERIAL', label: 'EXISTING_KEY_MATERIAL (re-import)', disabled: false },
]);

function fillOptions(select: HTMLSelectElement, options: Array<Option<string>>, value?: string, placeholder?: string): void {
  const sig = JSON.stringify([options.map((o) => [o.value, o.label, o.disabled, o.recommended]), placeholder]);
  if (select.dataset.sig !== sig) {
    select.replaceChildren(
      ...(placeholder ? [h('option', { value: '', text: placeholder })] : []),
      // A disabled option is greyed out; its reason is its tooltip and in "Why not the others?".
      ...options.map((o) => h('option', { value: o.value, disabled: o.disabled, title: o.reason, 'data-testid': `option-${o.value}`, text: `${o.label}${o.recommended && !o.disabled ? ' (recommended)' : ''}` })),
    );
    select.dataset.sig = sig;
  }
  select.value = value ?? '';
}

/** Reasons on demand: a collapsed "Why not the others?" with the grouped reasons (the host limits them). */
function fillReasons(box: HTMLElement, lines: string[]): void {
  box.classList.toggle('hidden', !lines.length);
  const list = box.querySelector('ul')!;
  const sig = JSON.stringify(lines);
  if (list.dataset.sig === sig) return;
  list.dataset.sig = sig;
  list.replaceChildren(...lines.map((t) => h('li', { class: 'reason', text: t })));
}

function fixButton(f: FormFinding, i: number): HTMLButtonElement {
  const fix = f.fixes[i];
  const b = h('button', { class: i === 0 ? '' : 'secondary', 'data-testid': `fix-${f.code}-${i}`, text: fix.label });
  b.addEventListener('click', () => {
    if (fix.patch) change(fix.patch);
    else if (fix.command) send({ type: fix.command } as FromForm);
  });
  return b;
}

function renderField(box: HTMLElement, list: FormFinding[]): void {
  box.replaceChildren(
    ...list.map((f) =>
      h(
        'div',
        { class: 'finding', 'data-severity': f.severity, 'data-testid': `finding-${f.code}`, title: f.source },
        h('span', { class: `codicon codicon-${f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'info'}`, 'aria-hidden': 'true' }),
        h('span', { text: f.message }),
        ...(f.fixes.length ? [h('div', { class: 'fixes' }, ...f.fixes.map((_, i) => fixButton(f, i)))] : [h('div', { class: 'fix', text: f.fix })]),
      ),
    ),
  );
}

function render(): void {
  if (!view) return;
  const v = view;
  const st = v.state;
  api.setState({ form: st });
  const t = v.terms;
  el.where.textContent = v.where ? `Account: ${v.where} (${t.providerLabel} rules)` : '';
  el.where.dataset.provider = v.provider;
  el.modeExisting.checked = st.mode === 'existing';
  el.modeNew.checked = st.mode === 'new';
  rows.key.classList.toggle('hidden', st.mode !== 'existing');
  rows.alias.classList.toggle('hidden', st.mode !== 'new');
  rows.keyUsage.classList.toggle('hidden', st.mode !== 'new');
  fillOptions(el.key, v.keys.map((k) => ({ value: k.keyId, label: `${k.label} — ${providerSpecName(v.provider, k.keySpec)}, ${k.keyState}`, disabled: false })), st.keyId, v.keys.length ? 'Choose a key…' : t.noKeys);
  const spec = st.mode === 'existing' ? v.keys.find((k) => k.keyId === st.keyId)?.keySpec : st.keySpec;
  fillOptions(el.keySpec, v.keySpecOptions, spec, 'Choose a key spec…');
  el.keySpec.disabled = st.mode === 'existing';
  fillReasons(el.keySpecReasons, v.whyNot.keySpec);
  fillOptions(el.keyUsage, v.keyUsageOptions, st.keyUsage);
  if (document.activeElement !== el.alias) el.alias.value = st.alias ?? '';
  el.alias.placeholder = t.aliasPlaceholder;
  fillOptions(el.wrappingKeySpec, v.wrappingKeySpecOptions, st.wrappingKeySpec);
  el.wrappingKeySpecNote.textContent = t.wrappingKeySpecNote ?? '';
  el.wrappingKeySpecNote.classList.toggle('hidden', !t.wrappingKeySpecNote);
  fillReasons(el.wrappingKeySpecReasons, v.whyNot.wrappingKeySpec);
  fillOptions(el.algorithm, v.algorithmOptions, st.algorithm);
  fillReasons(el.algorithmReasons, v.whyNot.algorithm);
  fillOptions(
    el.expirationModel,
    [
      { value: 'KEY_MATERIAL_DOES_NOT_EXPIRE', label: t.neverExpires, disabled: false },
      { value: 'KEY_MATERIAL_EXPIRES', label: t.expiresOn, disabled: false },
    ],
    st.expirationModel,
  );
  rows.validTo.querySelector('label')!.textContent = t.expiryName;
  rows.validTo.classList.toggle('hidden', st.expirationModel !== 'KEY_MATERIAL_EXPIRES');
  // AWS-only: ImportType (rotation, re-import) is not shown for a provider without it.
  rows.importType.classList.toggle('hidden', !t.importType);
  el.validTo.min = v.validToBounds.min;
  el.validTo.max = v.validToBounds.max;
  if (document.activeElement !== el.validTo) el.validTo.value = st.validTo ?? '';
  el.importType.value = st.importType;
  el.importType.disabled = !v.importTypeEnabled;
  el.materialSummary.replaceChildren(
    v.material
      ? h('span', {}, h('span', { class: 'codicon codicon-file' }), ` ${v.material.fileName}: ${v.material.description}${v.material.publicKeyFingerprint ? ` · public key ${v.material.publicKeyFingerprint}` : ''}`)
      : v.materialError
        ? h('span', { text: 'This file cannot be used (see below).' })
        : h('span', { text: 'No file chosen. The file is read on your machine only; this form never sees its bytes.' }),
  );
  for (const [field, box] of Object.entries(fieldBoxes) as Array<[FormField, HTMLElement]>) renderField(box, v.problems.filter((f) => f.field === field));
  // The checks: neutral "still needed" items, else a count of the problems marked on the fields.
  const errors = v.problems.filter((f) => f.severity === 'error').length;
  el.findings.replaceChildren(
    ...v.todo.map((t) => h('li', { class: 'todo', 'data-testid': `todo-${t.code}` }, h('span', { class: 'codicon codicon-circle-large-outline', 'aria-hidden': 'true' }), ` ${t.text}`)),
    ...(errors ? [h('li', { class: 'todo', 'data-testid': 'checks-problems', text: `${errors === 1 ? 'One problem is' : `${errors} problems are`} marked on the fields above.` })] : []),
  );
  if (!v.todo.length && !errors) el.findings.append(h('li', { class: 'todo', 'data-testid': 'finding-none' }, h('span', { class: 'codicon codicon-pass', 'aria-hidden': 'true' }), ' Ready: every check passes.'));
  el.submit.disabled = running || !v.canSubmit;
  el.submit.textContent = st.mode === 'new' ? 'Create key, download parameters, wrap, import and prove' : 'Download parameters, wrap, import and prove';
  el.blocker.textContent = running || v.canSubmit ? '' : v.todo.length ? 'Complete the checklist above to continue.' : 'Fix the marked problem to continue.';
  el.newImport.classList.toggle('hidden', running);
  el.cancel.classList.toggle('hidden', !running);
  for (const c of [el.key, el.keySpec, el.keyUsage, el.alias, el.wrappingKeySpec, el.algorithm, el.expirationModel, el.validTo, el.importType, el.materialChoose, el.materialGenerate, el.modeExisting, el.modeNew]) {
    if (running) c.setAttribute('disabled', '');
    else if (!(c === el.keySpec && st.mode === 'existing') && !(c === el.importType && !v.importTypeEnabled) && !(c === el.wrappingKeySpec && t.wrappingKeySpecFixed)) c.removeAttribute('disabled');
    if (c === el.wrappingKeySpec && t.wrappingKeySpecFixed) c.setAttribute('disabled', '');
  }
}

function onProgress(m: Extract<ToForm, { type: 'progress' }>): void {
  let li = el.steps.querySelector<HTMLLIElement>(`li[data-step="${m.step}"]`);
  if (!li) {
    li = h('li', { 'data-step': m.step, 'data-testid': `step-${m.step}` });
    el.steps.append(li);
  }
  li.dataset.status = m.status;
  const icon = m.status === 'running' ? 'loading codicon-modifier-spin' : m.status === 'done' ? 'pass' : m.status === 'failed' ? 'error' : m.status === 'cancelled' ? 'circle-slash' : 'dash';
  li.replaceChildren(h('span', { class: `codicon codicon-${icon}` }), ` ${STEP_LABELS[m.step]}${m.detail ? ` — ${m.detail}` : ''}`);
}

window.addEventListener('message', (e: MessageEvent) => {
  const m: unknown = e.data;
  if (!isToForm(m)) return; // the host is the only sender; anything else is ignored
  switch (m.type) {
    case 'view':
      view = m.view;
      render();
      break;
    case 'progress':
      onProgress(m);
      break;
    case 'running':
      running = m.running;
      if (running) {
        el.steps.replaceChildren();
        el.result.classList.add('hidden');
        el.error.classList.add('hidden');
      }
      render();
      break;
    case 'result': {
      const r = m.result;
      el.result.classList.remove('hidden');
      el.result.classList.toggle('ok', r.ok);
      el.result.classList.toggle('error', !r.ok);
      el.result.dataset.ok = String(r.ok);
      el.result.dataset.proof = r.proof.holds ? 'holds' : 'failed';
      const open = h('button', { id: 'open-summary', class: 'secondary', 'data-testid': 'open-summary', text: 'Show import summary' });
      open.addEventListener('click', () => send({ type: 'openSummary' }));
      el.result.replaceChildren(
        h('strong', { text: r.ok ? 'Imported and proven.' : 'Imported, but the proof did not hold.' }),
        h('div', {}, `${view?.terms.keyIdName ?? 'Key ARN'}: `, h('code', { id: 'result-arn', text: r.keyArn })),
        h('div', { id: 'result-proof', text: `Proof (${proofMethodLabel(view?.provider ?? 'aws', r.proof.method)}): ${r.proof.detail}` }),
        ...(r.keyMaterialId ? [h('div', {}, 'Key material id: ', h('code', { text: r.keyMaterialId }))] : []),
        h('div', { class: 'actions' }, open),
      );
      break;
    }
    case 'error': {
      const x = m.error;
      el.error.classList.remove('hidden');
      el.error.dataset.nextStep = x.nextStep ?? 'none';
      const children: Node[] = [h('strong', { id: 'error-title', text: x.title }), h('div', { id: 'error-cause', 'data-testid': 'error-cause', text: x.cause }), h('div', { id: 'error-action', 'data-testid': 'error-action', class: 'muted', text: x.action })];
      if (x.nextStep === 'download-parameters') {
        const b = h('button', { id: 'error-download-parameters', 'data-testid': 'error-download-parameters', text: 'Download new parameters and try again' });
        b.addEventListener('click', () => send({ type: 'downloadParameters' }));
        children.push(h('div', { class: 'actions' }, b));
      } else if (x.nextStep === 'choose-material') {
        const b = h('button', { id: 'error-choose-material', class: 'secondary', 'data-testid': 'error-choose-material', text: 'Choose another file…' });
        b.addEventListener('click', () => send({ type: 'chooseMaterial' }));
        children.push(h('div', { class: 'actions' }, b));
      }
      el.error.replaceChildren(...children);
      break;
    }
    case 'reset':
      el.steps.replaceChildren();
      for (const b of [el.result, el.error]) {
        b.classList.add('hidden');
        b.replaceChildren();
      }
      break;
    case 'reply':
      if (!m.ok && m.error) {
        el.error.classList.remove('hidden');
        el.error.replaceChildren(h('strong', { text: 'Something went wrong' }), h('div', { 'data-testid': 'error-cause', text: m.error }));
      }
      break;
  }
});

// ---- events ----
el.modeExisting.addEventListener('change', () => change({ mode: 'existing' }));
el.modeNew.addEventListener('change', () => change({ mode: 'new' }));
el.key.addEventListener('change', () => change({ keyId: el.key.value || undefined }));
el.keySpec.addEventListener('change', () => change({ keySpec: (el.keySpec.value || undefined) as FormPatch['keySpec'] }));
el.keyUsage.addEventListener('change', () => change({ keyUsage: el.keyUsage.value as FormPatch['keyUsage'] }));
el.alias.addEventListener('change', () => change({ alias: el.alias.value }));
el.wrappingKeySpec.addEventListener('change', () => change({ wrappingKeySpec: el.wrappingKeySpec.value as FormPatch['wrappingKeySpec'] }));
el.algorithm.addEventListener('change', () => change({ algorithm: el.algorithm.value as FormPatch['algorithm'] }));
el.expirationModel.addEventListener('change', () => change({ expirationModel: el.expirationModel.value as FormPatch['expirationModel'] }));
el.validTo.addEventListener('change', () => change({ validTo: el.validTo.value }));
el.importType.addEventListener('change', () => change({ importType: el.importType.value as FormPatch['importType'] }));
el.materialChoose.addEventListener('click', () => send({ type: 'chooseMaterial' }));
el.materialGenerate.addEventListener('click', () => send({ type: 'generateMaterial' }));
el.submit.addEventListener('click', () => send({ type: 'submit' }));
el.cancel.addEventListener('click', () => send({ type: 'cancel' }));
el.newImport.addEventListener('click', () => send({ type: 'newImport' }));

render();
// Ready handshake: the host posts nothing before this; the persisted choices go along.
send({ type: 'ready', state: api.getState()?.form } as FromForm);
