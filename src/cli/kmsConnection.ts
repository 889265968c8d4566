// Which KMS a CLI flow command talks to, read as the AWS CLI reads it: --profile, --region and
// --endpoint-url, else AWS_PROFILE, AWS_REGION / AWS_DEFAULT_REGION (else the profile's region in the
// shared config file), AWS_ENDPOINT_URL_KMS / AWS_ENDPOINT_URL, and the SDK's default credential chain
// (environment, SSO, credential_process, shared files, container and instance roles).
// China Regions (cn-*) select the aws-cn partition and its rule set. Nothing is resolved or sent until
// the first call; credentials are never printed.
import { promises as fs } from 'node:fs';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { usageError } from '../core/errors';
import { createAwsProvider } from '../providers/aws/awsProvider';
import { parseIni, providerIdForRegion, sharedFilePaths } from '../providers/aws/credentials';
import type { KmsProvider } from '../providers/types';
import { one, type FlagSpec, type Parsed } from './args';

export const CONNECTION_FLAGS: Record<string, FlagSpec> = { profile: { value: true }, region: { value: true }, 'endpoint-url': { value: true }, provider: { value: true } };

const REGION = /^([a-z]+-){2,3}\d+$/;

export async function connect(p: Parsed, env: NodeJS.ProcessEnv = process.env): Promise<KmsProvider> {
  const provider = one(p, 'provider');
  if (provider !== undefined && provider !== 'aws' && provider !== 'aws-cn') {
    throw usageError(`--provider ${provider} cannot run the import flow yet.`, 'Use --provider aws (AWS KMS and its China Regions, or the sandbox).');
  }
  const profile = one(p, 'profile') ?? (env.AWS_PROFILE || undefined);
  const region = one(p, 'region') ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || (await profileRegion(profile ?? 'default', env)));
  if (!region) throw usageError('No AWS Region is set.', 'Give --region (for example us-east-1 or cn-north-1), or set AWS_REGION.');
  if (!REGION.test(region)) throw usageError(`"${region}" is not an AWS Region name.`, 'Give a Region such as us-east-1, or cn-north-1 for the China Regions.');
  if (provider === 'aws-cn' && providerIdForRegion(region) !== 'aws-cn') throw usageError(`--provider aws-cn needs a China Region, not ${region}.`, 'Give --region cn-north-1 or cn-northwest-1.');
  const endpoint = one(p, 'endpoint-url') ?? (env.AWS_ENDPOINT_URL_KMS || env.AWS_ENDPOINT_URL || undefined);
  if (endpoint !== undefined) {
    let u: URL | undefined;
    try {
      u = new URL(endpoint);
    } catch {
      u = undefined;
    }
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) throw usageError(`--endpoint-url "${endpoint}" is not an http(s) URL.`, 'Give it as http://127.0.0.1:PORT (the sandbox) or https://kms.REGION.amazonaws.com.');
  }
  // The SDK's notice about its future Node requirement is noise on a command line.
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return createAwsProvider({
    region,
    profile,
    endpoint,
    credentials: fromNodeProviderChain(profile ? { profile } : {}),
    label: endpoint ? `${endpoint} (${region})` : profile ? `profile ${profile} (${region})` : `AWS (${region})`,
  });
}

async function profileRegion(profile: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const text = await fs.readFile(sharedFilePaths(env).config, 'utf8').catch(() => '');
  const ini = parseIni(text);
  const section = ini.get(profile === 'default' ? 'default' : `profile ${profile}`);
  return section?.region || undefined;
}
