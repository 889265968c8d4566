// The same flow steps, driven the way each caller drives them — the form's Submit (runImportFlow with a new
// key), the explorer (check, wrap into the bundle folder, then upload as is and prove: runWrappedImport) and
// the CLI (`kms-import import --key-id … --bundle … --material …` as a process) — over the same scenarios:
// a proven import, expired parameters refused before upload, and parameters of another key refused.
// Each caller must end in the same step events and the same outcome; none may reach the KMS another way.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readBundle } from '../../src/core/bundle';
import { generateMaterial } from '../../src/core/generate';
import { parseMaterial } from '../../src/core/material';
import { parseWrappingPublicKey } from '../../src/core/publicKey';
import type { KeySpec } from '../../src/core/specs';
import { wrapKeyMaterial } from '../../src/core/wrap';
import { runDownloadParameters, runWrappedImport } from '../../src/flow/compositions';
import { describeFailure } from '../../src/flow/failure';
import { runImportFlow } from '../../src/flow/importFlow';
import { checkBeforeWrap, materialFacts } from '../../src/flow/steps/wrap';
import { STEP_LABELS, type StepEvent } from '../../src/flow/types';
import type { KmsProvider } from '../../src/providers/types';
import { runCliAsync } from '../support/cli';
import { startRig, type Rig } from './flow-support';

let rig: Rig;
let provider: KmsProvider;
let tmp: string;

before(async () => {
  rig = await startRig();
  provider = rig.provider();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'flow-callers-'));
});
after(async () => {
  await rig.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

interface Outcome {
  /** The step events that are not 'running', as "id:status". */
  steps: string[];
  ok: boolean;
  proofHolds?: boolean;
  code?: string;
  exitCode: number;
}

type Scenario = 'proven' | 'expired' | 'other-key';
type Caller = (spec: KeySpec, file: string, keyId: string, bundleDir: string) => Promise<Outcome>;

const finished = (events: Array<Pick<StepEvent, 'id' | 'status'>>) => events.filter((e) => e.status !== 'running').map((e) => `${e.id}:${e.status}`);

async function viaFlow(fn: (onStep: (e: StepEvent) => void) => Promise<{ ok: boolean; proof: { holds: boolean } }>): Promise<Outcome> {
  const events: StepEvent[] = [];
  try {
    const r = await fn((e) => {
      assert.ok(STEP_LABELS[e.id], 'every event is one of the six steps');
      events.push(e);
    });
    return { steps: finished(events), ok: r.ok, proofHolds: r.proof.holds, exitCode: r.ok ? 0 : 3 };
  } catch (e) {
    const f = describeFailure(e);
    return { steps: finished(events), ok: false, code: f.code, exitCode: f.exitCode };
  }
}

const CALLERS: Record<string, Caller> = {
  // The form's Submit for an existing key with a bundle the user picked: runImportFlow.
  form: async (_spec, file, keyId, bundleDir) => {
    const bundle = await readBundle(bundleDir);
    const m = parseMaterial(readFileSync(file));
    return viaFlow((onStep) => runImportFlow({ provider, material: m, target: { keyId }, parameters: bundle, wrappingAlgorithm: bundle.wrappingAlgorithm, wrappingKeySpec: bundle.wrappingKeySpec, onStep }));
  },
  // The explorer: "Wrap for KMS Import…" (check, wrap, write next to the bundle), then "Import Key Material" on
  // the folder: the wrapped file uploaded as is, proven with the file it came from.
  explorer: async (spec, file, keyId, bundleDir) => {
    const bundle = await readBundle(bundleDir);
    const m = parseMaterial(readFileSync(file));
    try {
      checkBeforeWrap({ provider: provider.id, keySpec: spec, wrappingKeySpec: bundle.wrappingKeySpec, algorithm: bundle.wrappingAlgorithm!, material: materialFacts(m) });
      const wrapped = wrapKeyMaterial(m.bytes, parseWrappingPublicKey(bundle.publicKey, bundle.wrappingKeySpec), bundle.wrappingAlgorithm!);
      return await viaFlow((onStep) => runWrappedImport({ provider, keyId, bundle, wrapped, proofInput: m, onStep }));
    } finally {
      m.dispose();
    }
  },
  // The CLI, as a process.
  cli: async (_spec, file, keyId, bundleDir) => {
    const s = rig.sandbox;
    const r = await runCliAsync(['import', '--key-id', keyId, '--bundle', bundleDir, '--material', file, '--json'], {
      env: { AWS_ACCESS_KEY_ID: s.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s.credentials.secretAccessKey, AWS_REGION: s.region, AWS_ENDPOINT_URL_KMS: s.endpoint, AWS_PROFILE: '', AWS_CONFIG_FILE: path.join(tmp, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(tmp, 'none') },
    });
    const j = JSON.parse(r.stdout) as { ok: boolean; steps?: Array<{ id: keyof typeof STEP_LABELS; status: StepEvent['status'] }>; proof?: { holds: boolean }; error?: { code: string } };
    return { steps: j.steps ? finished(j.steps) : [], ok: j.ok, proofHolds: j.proof?.holds, code: j.error?.code, exitCode: r.status };
  },
};

async function setUp(scenario: Scenario, spec: KeySpec, name: string): Promise<{ keyId: string; bundleDir: string; file: string }> {
  const key = await provider.createKey({ keySpec: spec, keyUsage: spec.startsWith('HMAC') ? 'GENERATE_VERIFY_MAC' : spec.startsWith('RSA') || spec.startsWith('ECC') ? 'SIGN_VERIFY' : 'ENCRYPT_DECRYPT' });
  const target = scenario === 'other-key' ? await provider.createKey({ keySpec: spec, keyUsage: key.keyUsage }) : key;
  const bundleDir = path.join(tmp, name);
  if (scenario === 'expired') rig.sandbox.admin.setClockOffset(-25 * 3600_000);
  try {
    await runDownloadParameters({ provider, keyId: target.keyId, bundleDir });
  } finally {
    rig.sandbox.admin.setClockOffset(0);
  }
  const file = path.join(tmp, `${name}.key`);
  const raw = generateMaterial(spec);
  await fs.writeFile(file, raw, { mode: 0o600 });
  raw.fill(0);
  return { keyId: key.keyId, bundleDir, file };
}

const EXPECTED: Record<Scenario, Pick<Outcome, 'steps' | 'ok' | 'exitCode'> & { code?: string }> = {
  proven: { ok: true, exitCode: 0, steps: ['create-key:skipped', 'download-parameters:skipped', 'check:done', 'wrap:done', 'import:done', 'prove:done'] },
  expired: { ok: false, exitCode: 3, code: 'PARAMETERS_EXPIRED', steps: ['create-key:skipped', 'download-parameters:skipped', 'check:done', 'wrap:done', 'import:failed'] },
  'other-key': { ok: false, exitCode: 3, code: 'BUNDLE_OTHER_KEY', steps: ['create-key:skipped', 'download-parameters:failed'] },
};

describe('every caller drives the same steps', () => {
  for (const scenario of ['proven', 'expired', 'other-key'] as const) {
    for (const [caller, run] of Object.entries(CALLERS)) {
      test(`${scenario} via the ${caller}`, async () => {
        const spec: KeySpec = scenario === 'proven' ? 'HMAC_256' : 'SYMMETRIC_DEFAULT';
        const { keyId, bundleDir, file } = await setUp(scenario, spec, `${scenario}-${caller}`);
        const imports = rig.sandbox.admin.requestCount('ImportKeyMaterial');
        const out = await run(spec, file, keyId, bundleDir);
        const want = EXPECTED[scenario];
        // The explorer's check and wrap ran before the upload composition, so its events start at the key.
        const steps = caller === 'explorer' ? want.steps.filter((s) => !s.startsWith('check:') && !s.startsWith('wrap:')) : want.steps;
        assert.deepEqual(out.steps, steps);
        assert.equal(out.ok, want.ok);
        assert.equal(out.exitCode, want.exitCode);
        if (want.code) assert.equal(out.code, want.code);
        if (scenario === 'proven') assert.equal(out.proofHolds, true);
        assert.equal(rig.sandbox.admin.requestCount('ImportKeyMaterial') - imports, scenario === 'proven' ? 1 : 0, 'one upload when proven, none when refused');
      });
    }
  }
});
