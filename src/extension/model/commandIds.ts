// Every command the extension contributes, in one place (no vscode import: the tests read it in plain Node).
export const COMMANDS = {
  createKey: 'kmsImport.createKey',
  downloadParameters: 'kmsImport.downloadParameters',
  wrapMaterial: 'kmsImport.wrapMaterial',
  wrapFile: 'kmsImport.wrapFile',
  importMaterial: 'kmsImport.importMaterial',
  verifyKey: 'kmsImport.verifyKey',
  deleteMaterial: 'kmsImport.deleteMaterial',
  importNewMaterial: 'kmsImport.importNewMaterial',
  showSummary: 'kmsImport.showSummary',
  generateMaterial: 'kmsImport.generateMaterial',
  openBundle: 'kmsImport.openBundle',
  refresh: 'kmsImport.refresh',
  refreshNode: 'kmsImport.refreshNode',
  startSandbox: 'kmsImport.startSandbox',
  stopSandbox: 'kmsImport.stopSandbox',
  startSandboxChina: 'kmsImport.startSandboxChina',
  chooseSandboxRegion: 'kmsImport.chooseSandboxRegion',
  copyKeyArn: 'kmsImport.copyKeyArn',
  filterPending: 'kmsImport.filterPendingImport',
  filterExternal: 'kmsImport.filterExternal',
  filterAll: 'kmsImport.filterAll',
  filterPendingChecked: 'kmsImport.filterPendingImportChecked',
  filterExternalChecked: 'kmsImport.filterExternalChecked',
  filterAllChecked: 'kmsImport.filterAllChecked',
  chooseProfile: 'kmsImport.chooseProfile',
  ssoLogin: 'kmsImport.ssoLogin',
  showLog: 'kmsImport.showLog',
  wrapInHsm: 'kmsImport.wrapInHsm',
  showCloudHsmSteps: 'kmsImport.showCloudHsmSteps',
  addHuaweiAccount: 'kmsImport.addHuaweiAccount',
  editHuaweiAccount: 'kmsImport.editHuaweiAccount',
  removeHuaweiAccount: 'kmsImport.removeHuaweiAccount',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

export const VIEW_CONTAINER_ID = 'kmsImport';
export const KEYS_VIEW_ID = 'kmsImport.keys';
export const FORM_VIEW_TYPE = 'kmsImport.importForm';
export const SUMMARY_VIEW_TYPE = 'kmsImport.summary';
