// A small, strict argument parser: known flags only, repeatable flags collected, clear usage errors.
import { usageError } from '../core/errors';

export interface FlagSpec {
  /** Flag takes a value. */
  value?: boolean;
  /** Flag may be given several times (values collected; extra positionals after it are added too). */
  multiple?: boolean;
}

export interface Parsed {
  flags: Map<string, string[]>;
  bools: Set<string>;
  positionals: string[];
}

export function parseArgs(argv: string[], spec: Record<string, FlagSpec>, command: string): Parsed {
  const flags = new Map<string, string[]>();
  const bools = new Set<string>();
  const positionals: string[] = [];
  let lastMultiple: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      const s = spec[name];
      if (!s) throw usageError(`Unknown option --${name} for "kms-import ${command}".`, `Run "kms-import ${command} --help" for the options.`);
      if (s.value) {
        const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined || (eq < 0 && v.startsWith('--'))) throw usageError(`--${name} needs a value.`, `Give it as --${name} VALUE.`);
        const list = flags.get(name) ?? [];
        if (list.length && !s.multiple) throw usageError(`--${name} was given twice.`, `Give --${name} once.`);
        list.push(v);
        flags.set(name, list);
        lastMultiple = s.multiple ? name : undefined;
      } else {
        bools.add(name);
        lastMultiple = undefined;
      }
      continue;
    }
    if (lastMultiple) flags.get(lastMultiple)!.push(a);
    else positionals.push(a);
  }
  return { flags, bools, positionals };
}

export function one(p: Parsed, name: string): string | undefined {
  return p.flags.get(name)?.[0];
}
