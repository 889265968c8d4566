// kms-import demo: the README's quick-start "main job". Starts the local KMS sandbox in this process
// and runs the whole import flow against it for a few key types — create key, download parameters
// into a bundle folder, check, wrap, import, prove — printing every step. Exit 0 only if every proof holds.
// The test material is generated in memory and zeroed after use; it is never written to disk.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { usageError } from '../core/errors';
import { makeFreshDir } from '../core/fsutil';
import { generateMaterial } from '../core/generate';
import { parseMaterial } from '../core/material';
import { KEY_SPECS, isKeySpec, type KeySpec } from '../core/specs';
import { runImportFlow } from '../flow/importFlow';
import { STEP_LABELS, isImportFlowError, type ImportFlowResult, type StepEvent } from '../flow/types';
import { createAwsProvider } from '../providers/aws/awsProvider';
import { startSandbox } from '../sandbox/index';
import { one, parseArgs } from './args';
import { importResultJson, type ImportResultJson } from '../flow/resultJson';

export const DEMO_KEY_SPECS: KeySpec[] = ['SYMMETRIC_DEFAULT', 'HMAC_256', 'RSA_2048', 'ECC_NIST_P256'];

const DEMO_USAGE = `kms-import demo [--key-specs SPEC,SPEC…] [--out DIR] [--json]

Starts the local KMS sandbox and imports freshly generated test material into one new key per key spec
(default: ${DEMO_KEY_SPECS.join(', ')}), printing each step: create key, download parameters into a
bundle folder, check, wrap, import, prove. Exit code 0 only if every proof holds.
`;

interface DemoRow {
  keySpec: KeySpec;
  ok: boolean;
  result?: ImportFlowResult;
  error?: { step: string; code: string; message: string; fix: string };
}

export async function runDemoCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(DEMO_USAGE);
    return 0;
  }
  const p = parseArgs(argv, { 'key-specs': { value: true }, out: { value: true }, json: {} }, 'demo');
  if (p.positionals.length) throw usageError(`Unexpected argument "${p.positionals[0]}".`, 'Run "kms-import demo --help".');
  const json = p.bools.has('json');
  const specs = (one(p, 'key-specs')?.split(',').map((s) => s.trim()).filter(Boolean) ?? DEMO_KEY_SPECS) as string[];
  for (const s of specs) {
    if (!isKeySpec(s)) throw usageError(`Unknown key spec "${s}".`, `Use key specs such as ${DEMO_KEY_SPECS.join(', ')}.`);
    if (KEY_SPECS[s].importability !== 'importable' || KEY_SPECS[s].chinaOnly) throw usageError(`The demo cannot import ${s}.`, 'Choose symmetric, HMAC, RSA or ECC_NIST/SECG key specs.');
  }
  const outRoot = path.resolve(one(p, 'out') ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'kms-import-demo-'))));
  await fs.mkdir(outRoot, { recursive: true, mode: 0o700 });

  const say = (line = '') => {
    if (!json) process.stdout.write(line + '\n');
  };
  // The SDK's notice about its future Node requirement is noise in a local demo.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const sandbox = await startSandbox({ port: 0 });
  const provider = createAwsProvider({ region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.credentials, label: 'Sandbox' });
  const rows: DemoRow[] = [];
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    say('KMS Key Import — the whole import flow against the local sandbox');
    say(`Sandbox:  ${sandbox.endpoint} (Region ${sandbox.region})`);
    say(`Bundles:  ${outRoot}`);
    say();
    let n = 0;
    for (const spec of specs as KeySpec[]) {
      n++;
      say(`[${n}/${specs.length}] ${spec}`);
      // A folder of its own: run again with the same --out, the earlier bundles stay and these go beside them (-2).
      const bundle = await makeFreshDir(outRoot, `${String(n).padStart(2, '0')}-${spec}`);
      const raw = generateMaterial(spec);
      const material = parseMaterial(raw);
      raw.fill(0);
      try {
        const result = await runImportFlow({
          provider,
          material,
          target: { create: { keySpec: spec, keyUsage: KEY_SPECS[spec].usages[0], description: `kms-import demo ${spec}` } },
          bundleDir: bundle.dir,
          signal: controller.signal,
          onStep: (e) => {
            if (e.status !== 'running') say(stepLine(e));
          },
        });
        rows.push({ keySpec: spec, ok: result.ok, result });
        say(`  ${result.ok ? 'PROVEN' : 'NOT PROVEN'}: ${result.keyArn}${result.keyMaterialId ? ` (key material ${result.keyMaterialId.slice(0, 16)}…)` : ''}`);
      } catch (e) {
        if (!isImportFlowError(e)) throw e;
        rows.push({ keySpec: spec, ok: false, error: { step: e.step, code: e.extra.provider?.name ?? e.code, message: e.message, fix: e.fix } });
        say(`  FAILED at ${STEP_LABELS[e.step]}: ${e.message}`);
        say(`  Fix: ${e.fix}`);
        if (e.cancelled) break;
      } finally {
        await bundle.release();
      }
      say();
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
    provider.dispose();
    await sandbox.close();
  }
  const proven = rows.filter((r) => r.ok).length;
  const allOk = proven === specs.length;
  if (json) {
    process.stdout.write(JSON.stringify({ ok: allOk, bundles: outRoot, results: rows.map((r) => ({ keySpec: r.keySpec, ok: r.ok, ...(r.result ? summarize(r.result) : {}), ...(r.error ? { error: r.error } : {}) })) }, null, 2) + '\n');
  } else {
    say(`${allOk ? 'OK' : 'FAILED'}: ${proven} of ${specs.length} imports proven. Parameter bundles are in ${outRoot}.`);
  }
  return allOk ? 0 : 1;
}

const MARK: Record<StepEvent['status'], string> = { running: '…', done: '✓', skipped: '-', failed: '✗', cancelled: '✗' };

function stepLine(e: StepEvent): string {
  return `  ${MARK[e.status]} ${STEP_LABELS[e.id].padEnd(20)} ${e.detail ?? ''}`.trimEnd();
}

/** The demo's report of one import: where it went, how it was wrapped, the proof and the steps. */
function summarize(r: ImportFlowResult): Partial<ImportResultJson> {
  const { keyArn, keyMaterialId, bundleDir, wrappingAlgorithm, wrappingKeySpec, proof, steps } = importResultJson(r);
  return { keyArn, keyMaterialId, bundleDir, wrappingAlgorithm, wrappingKeySpec, proof, steps };
}
