// Which port the built-in sandbox listens on, without vscode: the `kmsImport.sandbox.port` setting when
// it names one; otherwise the port the sandbox had last time (remembered in the extension's storage), so
// a CLI or SDK pointed at it keeps working across window reloads; a free port only the first time, or
// when the remembered one is taken.

/** Ports to try, in order (0 = any free port). */
export function sandboxPortPlan(setting: number, remembered: number | undefined): number[] {
  if (Number.isInteger(setting) && setting > 0 && setting < 65536) return [setting];
  if (remembered !== undefined && Number.isInteger(remembered) && remembered > 1023 && remembered < 65536) return [remembered, 0];
  return [0];
}

/** The endpoint's port, to remember. */
export function portOf(endpoint: string): number | undefined {
  const m = /:(\d{1,5})\/?$/.exec(endpoint);
  return m ? Number(m[1]) : undefined;
}
