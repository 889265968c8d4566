// Reads the AWS shared config and credentials files into account references — names and default
// regions only, never secrets, and no credential resolution (that happens in the AWS chunk on first use).
import type { AccountRef } from './treeModel';

/** Minimal INI parse: section → key → value (comments and blank lines skipped). */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (sec) {
      current = new Map();
      out.set(sec[1], current);
      continue;
    }
    const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (kv && current && !/^\s/.test(raw)) current.set(kv[1].trim().toLowerCase(), kv[2].trim());
  }
  return out;
}

/** Profiles from ~/.aws/config ("[profile x]", "[default]") and ~/.aws/credentials ("[x]"), merged. */
export function parseAwsProfiles(configText: string, credentialsText: string): AccountRef[] {
  const profiles = new Map<string, { region?: string; sso?: boolean; process?: boolean }>();
  for (const [section, values] of parseIni(configText)) {
    let name: string | undefined;
    if (section === 'default') name = 'default';
    else if (section.startsWith('profile ')) name = section.slice('profile '.length).trim();
    if (!name) continue; // sso-session, services…
    profiles.set(name, {
      region: values.get('region'),
      sso: values.has('sso_session') || values.has('sso_start_url'),
      process: values.has('credential_process'),
    });
  }
  for (const [section, values] of parseIni(credentialsText)) {
    const prev = profiles.get(section) ?? {};
    profiles.set(section, { ...prev, region: prev.region ?? values.get('region'), process: prev.process || values.has('credential_process') });
  }
  return [...profiles.entries()]
    .sort(([a], [b]) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)))
    .map(([name, p]) => ({
      id: `profile:${name}`,
      kind: 'profile' as const,
      label: `profile ${name}`,
      profile: name,
      defaultRegion: p.region,
      sso: p.sso || undefined,
      credentialProcess: p.process || undefined,
    }));
}

/** The environment-credentials account, when AWS_ACCESS_KEY_ID is set (the secret itself is never read here). */
export function envAccount(env: NodeJS.ProcessEnv): AccountRef | undefined {
  if (!env.AWS_ACCESS_KEY_ID) return undefined;
  return { id: 'env', kind: 'env', label: 'Environment credentials', defaultRegion: env.AWS_REGION ?? env.AWS_DEFAULT_REGION };
}
