// Which KMS a CLI flow command talks to, read as the AWS CLI reads it: --profile, --region and
// --endpoint-url, else AWS_PROFILE, AWS_REGION / AWS_DEFAULT_REGION (else the profile's region in the
// shared config file), AWS_ENDPOINT_URL_KMS / AWS_ENDPOINT_URL, and the SDK's default credential chain
// (environment, SSO, credential_process, shared files, container and instance roles).
// China Regions (cn-*) select the aws-cn partition and its rule set. Nothing is resolved or sent until
// the first call; credentials are never printed.
// Huawei Cloud KMS only with an explicit --provider huawei (never guessed from the environment): --region
// (else HUAWEICLOUD_SDK_REGION), --project-id (else HUAWEICLOUD_SDK_PROJECT_ID), --endpoint-url (else
// HUAWEICLOUD_KMS_ENDPOINT, else https://kms.REGION.myhuaweicloud.com), the AK/SK (and security token) from
// HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK / HUAWEICLOUD_SDK_SECURITY_TOKEN; a missing one is a usage error
// that names the variable to set.
import { promises as fs } from 'node:fs';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { usageError } from '../core/errors';
import { createAwsProvider } from '../providers/aws/awsProvider';
import { createHuaweiProvider } from '../providers/huawei/huaweiProvider';
import { parseIni, providerIdForRegion, sharedFilePaths } from '../providers/aws/credentials';
import type { KmsProvider } from '../providers/types';
import { one, type FlagSpec, type Parsed } from './args';

export const CONNECTION_FLAGS: Record<string, FlagSpec> = { profile: { value: true }, region: { value: true }, 'endpoint-url': { value: true }, provider: { value: true }, 'project-id': { value: true } };

const REGION = /^([a-z]+-){2,3}\d+$/;

export async function connect(p: Parsed, env: NodeJS.ProcessEnv = process.env): Promise<KmsProvider> {
  const provider = one(p, 'provider');
  if (provider === 'huawei') return connectHuawei(p, env);
  if (provider !== undefined && provider !== 'aws' && provider !== 'aws-cn') {
    throw usageError(`--provider ${provider} is not known.`, 'Use --provider aws (AWS KMS and its China Regions, or the sandbox), aws-cn, or huawei (Huawei Cloud KMS).');
  }
  if (one(p, 'project-id') !== undefined) throw usageError('--project-id goes with --provider huawei.', 'Give --provider huawei for Huawei Cloud KMS, or leave --project-id out for AWS.');
  const profile = one(p, 'profile') ?? (env.AWS_PROFILE || undefined);
  const region = one(p, 'region') ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || (await profileRegion(profile ?? 'default', env)));
  if (!region) throw usageError('No AWS Region is set.', 'Give --region (for example us-east-1 or cn-north-1), or set AWS_REGION.');
  if (!REGION.test(region)) throw usageError(`"${region}" is not an AWS Region name.`, 'Give a Region such as us-east-1, or cn-north-1 for the China Regions.');
  if (provider === 'aws-cn' && providerIdForRegion(region) !== 'aws-cn') throw usageError(`--provider aws-cn needs a China Region, not ${region}.`, 'Give --region cn-north-1 or cn-northwest-1.');
  const endpoint = one(p, 'endpoint-url') ?? (env.AWS_ENDPOINT_URL_KMS || env.AWS_ENDPOINT_URL || undefined);
  if (endpoint !== undefined) checkEndpoint(endpoint, 'https://kms.REGION.amazonaws.com');
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

function checkEndpoint(endpoint: string, example: string): void {
  let u: URL | undefined;
  try {
    u = new URL(endpoint);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) throw usageError(`--endpoint-url "${endpoint}" is not an http(s) URL.`, `Give it as http://127.0.0.1:PORT (the sandbox) or ${example}.`);
}

/** Huawei's region names: cn-north-4, ap-southeast-1, eu-west-101, la-south-2 … */
const HUAWEI_REGION = /^[a-z]{2}-[a-z]+-\d+$/;
const HUAWEI_PROJECT_ID = /^[A-Za-z0-9_-]{1,64}$/;

function connectHuawei(p: Parsed, env: NodeJS.ProcessEnv): KmsProvider {
  if (one(p, 'profile') !== undefined) throw usageError('--profile is an AWS profile; Huawei Cloud KMS does not read AWS profiles.', 'Leave --profile out with --provider huawei; set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK instead.');
  const region = one(p, 'region') ?? (env.HUAWEICLOUD_SDK_REGION || undefined);
  if (!region) throw usageError('No Huawei Cloud region is set.', 'Give --region (for example cn-north-4 or ap-southeast-1), or set HUAWEICLOUD_SDK_REGION.');
  if (!HUAWEI_REGION.test(region)) throw usageError(`"${region}" is not a Huawei Cloud region name.`, 'Give a region such as cn-north-4, cn-east-3 or ap-southeast-1 (the region of your project).');
  const projectId = one(p, 'project-id') ?? (env.HUAWEICLOUD_SDK_PROJECT_ID || undefined);
  if (!projectId) throw usageError('No Huawei Cloud project id is set.', `Give --project-id (the project of region ${region}, in the console under My Credentials > API Credentials), or set HUAWEICLOUD_SDK_PROJECT_ID.`);
  if (!HUAWEI_PROJECT_ID.test(projectId)) throw usageError(`The project id "${projectId.slice(0, 70)}" is not a Huawei Cloud project id.`, 'Give the 32-character project id of the region (My Credentials > API Credentials).');
  const missing = ['HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK'].filter((n) => !env[n]);
  if (missing.length) throw usageError(`No Huawei Cloud credentials: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set.`, `Set ${missing.join(' and ')} to your access key${missing.length > 1 ? ' and secret key' : missing[0].endsWith('SK') ? "'s secret key" : ' id'} (and HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary credentials); \`kms-import sandbox\` prints them for the sandbox.`);
  const endpoint = one(p, 'endpoint-url') ?? (env.HUAWEICLOUD_KMS_ENDPOINT || undefined);
  if (endpoint !== undefined) checkEndpoint(endpoint, `https://kms.${region}.myhuaweicloud.com`);
  return createHuaweiProvider({
    region,
    projectId,
    endpoint,
    credentials: { accessKey: env.HUAWEICLOUD_SDK_AK!, secretKey: env.HUAWEICLOUD_SDK_SK!, securityToken: env.HUAWEICLOUD_SDK_SECURITY_TOKEN || undefined },
    label: endpoint ? `${endpoint} (Huawei Cloud KMS, ${region})` : `Huawei Cloud KMS (${region})`,
  });
}
