// Makes a real PKCS#11 HSM available for the `hsm` test tier: SoftHSM2 (Debian `softhsm2`) and OpenSC's
// pkcs11-tool (`opensc`). `node scripts/hsm-tools.mjs ensure` installs them with apt-get when missing
// (as root, or through sudo without a password) and prints where the module is; exit 1 with the reason
// when it cannot. `node scripts/hsm-tools.mjs where` only prints the module path (exit 1 if absent).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const SOFTHSM_MODULE_CANDIDATES = [
  process.env.KMS_IMPORT_SOFTHSM_MODULE,
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
  '/opt/homebrew/lib/softhsm/libsofthsm2.so',
].filter(Boolean);

export function softhsmModule() {
  return SOFTHSM_MODULE_CANDIDATES.find((p) => existsSync(p));
}
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

function ensure() {
  if (softhsmModule() && has('softhsm2-util') && has('pkcs11-tool')) return true;
  if (process.platform !== 'linux' || !has('apt-get')) {
    console.error('SoftHSM2 and OpenSC are missing and this is not a Debian/Ubuntu machine: install softhsm2 and opensc with your package manager (brew install softhsm opensc on macOS).');
    return false;
  }
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = root ? [] : ['sudo', '-n'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  console.log('installing softhsm2 and opensc (apt-get)…');
  const run = (args) => spawnSync(sudo[0] ?? args[0], [...sudo.slice(1), ...(sudo.length ? args : args.slice(1))], { stdio: 'inherit', env }).status === 0;
  if (!run(['apt-get', 'install', '-y', '--no-install-recommends', 'softhsm2', 'opensc'])) {
    if (!run(['apt-get', 'update']) || !run(['apt-get', 'install', '-y', '--no-install-recommends', 'softhsm2', 'opensc'])) {
      console.error(`apt-get could not install softhsm2 and opensc${root ? '' : ' (not root, and sudo -n was refused)'}.`);
      return false;
    }
  }
  return Boolean(softhsmModule());
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cmd = process.argv[2] ?? 'ensure';
  if (cmd === 'where') {
    const m = softhsmModule();
    if (m) console.log(m);
    process.exit(m ? 0 : 1);
  }
  const ok = ensure();
  if (ok) console.log(`SoftHSM2 module: ${softhsmModule()}`);
  process.exit(ok ? 0 : 1);
}
