// The fuzzing loop, run in a worker thread so the test can stop it on a hang or when it runs out of memory and keep
// the input that did it. Posts 'start' before each input (with the input) and 'done' after it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { generateMaterial } from '../../src/core/generate';
import { writeZip } from '../../src/core/zip';
import { buildMaterialCorpus } from './badCorpus';
import { buildBundleSeeds, caseToJson, mutate, mutateJson, Rng, runCase, runOnDisk, type FuzzCase, type Verdict } from './fuzz';
import { openssl } from './openssl';

const { seed, count, budgetMs } = workerData as { seed: number; count: number; budgetMs: number };
const post = (m: unknown) => parentPort!.postMessage(m);

function pem(label: string, der: Buffer): Buffer {
  return Buffer.from(`-----BEGIN ${label}-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END ${label}-----\n`);
}

async function main() {
  const scratch = mkdtempSync(join(tmpdir(), 'kms-import-fuzz-'));
  try {
    // Seeds: the bad-input corpus, good materials in several formats, and bundles in every layout.
    const material: Buffer[] = buildMaterialCorpus().map((f) => f.data).filter((d) => d.length <= 64 * 1024);
    for (const spec of ['SYMMETRIC_DEFAULT', 'HMAC_384', 'RSA_2048', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_SECG_P256K1'] as const) {
      const m = generateMaterial(spec);
      material.push(m);
      if (m[0] === 0x30) material.push(pem('PRIVATE KEY', m));
      else material.push(Buffer.from(m.toString('hex')), Buffer.from(m.toString('base64')));
    }
    const ecPem = openssl(['genpkey', '-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
    material.push(openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-passout', 'pass:right', '-outform', 'der'], ecPem));
    material.push(openssl(['pkey', '-traditional'], ecPem));
    material.push(Buffer.from(JSON.stringify({ kty: 'oct', k: Buffer.alloc(32, 7).toString('base64url') })));
    const bundles = await buildBundleSeeds(scratch);
    post({ type: 'ready', seeds: material.length + bundles.folders.length + bundles.singles.length + bundles.readmes.length });

    const rng = new Rng(seed);
    const started = Date.now();
    const cases = function* (): Generator<FuzzCase> {
      // Every seed once as it is, then mutations.
      for (const input of material) yield { target: 'material', variant: 0, input };
      for (const files of bundles.folders) yield { target: 'bundle-folder', files };
      for (const s of bundles.singles) yield { target: 'bundle-file', name: s.name, input: s.data };
      for (const input of bundles.readmes) yield { target: 'readme', input };
      for (;;) {
        const r = rng.next();
        if (r < 0.55) {
          const base = rng.pick(material);
          const text = base.toString('latin1');
          let input: Buffer;
          const block = /-----BEGIN ([A-Z0-9 ]+)-----\n([\s\S]+?)-----END/.exec(text);
          if (block && rng.int(2)) input = pem(block[1], mutate(rng, Buffer.from(block[2].replace(/\s+/g, ''), 'base64'), material));
          else if (text.trimStart().startsWith('{')) input = mutateJson(rng, base, material);
          else input = mutate(rng, base, material);
          yield { target: 'material', variant: rng.int(3), input };
        } else if (r < 0.75) {
          yield { target: 'bundle-folder', files: mutateFolder(rng, rng.pick(bundles.folders)) };
        } else if (r < 0.9) {
          const s = rng.pick(bundles.singles);
          let input: Buffer;
          if (s.name.endsWith('.json')) input = rng.int(3) ? mutateJson(rng, s.data, [s.data]) : mutate(rng, s.data, [s.data]);
          else if (rng.int(2)) input = mutate(rng, s.data, bundles.singles.map((x) => x.data));
          else {
            const prefix = rng.pick(['', 'Import_Parameters_x/', 'a/b/', '__MACOSX/', '.hidden/']);
            input = writeZip(mutateFolder(rng, rng.pick(bundles.folders)).map(([name, data]) => ({ name: prefix + name, data })));
          }
          yield { target: 'bundle-file', name: s.name, input };
        } else {
          yield { target: 'readme', input: mutate(rng, rng.pick(bundles.readmes), bundles.readmes) };
        }
      }
    };
    let ran = 0;
    const tally = { answer: 0, refusal: 0, failed: 0 };
    const byTarget: Record<string, { answer: number; refusal: number; failed: number }> = {};
    for (const c of cases()) {
      if (ran >= count || Date.now() - started > budgetMs) break;
      post({ type: 'start', i: ran, json: caseToJson(c, '') });
      const t = Date.now();
      let v: Verdict = runCase(c);
      // Every 25th bundle also goes through the file system, where both readers must agree with the contents.
      if (v.ok && c.target.startsWith('bundle') && ran % 25 === 0) v = await runOnDisk(c, join(scratch, `disk-${ran}`));
      const t2 = (byTarget[c.target] ??= { answer: 0, refusal: 0, failed: 0 });
      if (v.ok) {
        tally[v.outcome]++;
        t2[v.outcome]++;
      } else {
        tally.failed++;
        t2.failed++;
      }
      post({ type: 'done', i: ran, ms: Date.now() - t, verdict: v });
      ran++;
    }
    post({ type: 'end', ran, ...tally, byTarget, elapsedMs: Date.now() - started });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function mutateFolder(rng: Rng, files: Array<[string, Buffer]>): Array<[string, Buffer]> {
  const out = files.map(([n, d]) => [n, d] as [string, Buffer]);
  const ops = rng.int(2) + 1;
  for (let k = 0; k < ops && out.length; k++) {
    const i = rng.int(out.length);
    const [name, data] = out[i];
    switch (rng.int(6)) {
      case 0:
      case 1:
        out[i] = [name, name.endsWith('.json') && rng.int(4) ? mutateJson(rng, data, files.map((f) => f[1])) : mutate(rng, data, files.map((f) => f[1]))];
        break;
      case 2:
        out.splice(i, 1);
        break;
      case 3:
        out.push([rng.int(2) ? name.toLowerCase() : name.toUpperCase(), rng.int(2) ? data : mutate(rng, data, [data])]);
        break;
      case 4:
        out[i] = [rng.pick(['kms-import.json', 'ImportToken.bin', 'WrappingPublicKey.bin', 'README.txt', 'PublicKey.b64', 'params.json', `wrappingKey_x_${rng.int(9)}`, `importToken_x_${rng.int(9)}`]), data];
        break;
      default:
        out.push([rng.pick(['README.txt', 'notes.json', 'ImportToken.b64', 'importToken_y_1', `README_x_${rng.int(9)}.txt`]), rng.bytes(rng.int(200))]);
    }
  }
  // A folder cannot hold one name twice.
  return [...new Map(out).entries()];
}

main().catch((e) => {
  post({ type: 'fatal', message: (e as Error)?.stack ?? String(e) });
});
