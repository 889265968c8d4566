// Tree node types (plain data; the provider turns them into TreeItems).
import type { KeyInfo } from '../../providers/types';
import type { AccountRef } from '../model/treeModel';

export interface AccountNode {
  type: 'account';
  id: string;
  account: AccountRef;
}
export interface RegionNode {
  type: 'region';
  id: string;
  account: AccountRef;
  region: string;
}
export interface KeyNode {
  type: 'key';
  id: string;
  account: AccountRef;
  region: string;
  key: KeyInfo;
}
export interface MessageNode {
  type: 'message';
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  icon: string;
  iconColor?: string;
  command?: { command: string; title: string; arguments?: unknown[] };
  contextValue: string;
}
export type TreeNode = AccountNode | RegionNode | KeyNode | MessageNode;

export function isKeyNode(x: unknown): x is KeyNode {
  return !!x && typeof x === 'object' && (x as KeyNode).type === 'key' && typeof (x as KeyNode).key?.keyId === 'string';
}
export function isRegionNode(x: unknown): x is RegionNode {
  return !!x && typeof x === 'object' && (x as RegionNode).type === 'region' && typeof (x as RegionNode).region === 'string';
}
export function isAccountNode(x: unknown): x is AccountNode {
  return !!x && typeof x === 'object' && (x as AccountNode).type === 'account';
}
