// Request validation as the KMS front end does it: types (SerializationException), then required
// members, lengths, ranges, enums and patterns (ValidationException in AWS's
// "N validation error(s) detected: Value … at '…' failed to satisfy constraint: …" style).
// Blobs are decoded from base64 and timestamps from epoch seconds here, so a request that passes has
// exactly the type Decoded<shape> says (shapes.ts) and handlers read it without casts.
import { KmsError, validation } from './errors';
import type { Decoded, Shape, StructShape } from './shapes';

const MAX_EPOCH_SECONDS = 8.64e12;
const camel = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function show(v: unknown, shape: Shape): string {
  if ((shape.t === 'blob' || (shape.t === 'string' && shape.sensitive))) return "'***Sensitive Data Redacted***'";
  if (typeof v === 'string') return `'${v.length > 100 ? v.slice(0, 100) + '…' : v}'`;
  return `'${String(v)}'`;
}

/** Validates and decodes `input` against a struct shape. Throws the first type error or all constraint errors. */
export function validateInput<S extends StructShape>(input: unknown, shape: S): Decoded<S> {
  const errors: string[] = [];
  const out = walk(input, shape, '', errors);
  if (errors.length) {
    const n = errors.length;
    throw validation(`${n} validation error${n > 1 ? 's' : ''} detected: ${errors.join('; ')}`);
  }
  // The one place the decoded type is asserted: walk() has checked every member against the shape
  // (required ones present, each of its type and within its constraints) and decoded blobs and timestamps.
  return out as Decoded<S>;
}

function typeErr(path: string, want: string): KmsError {
  return new KmsError('SerializationException', `Expected ${want} for member '${path || 'input'}'.`);
}

function walk(v: unknown, shape: Shape, path: string, errors: string[]): unknown {
  const at = (constraint: string, value: unknown) => errors.push(`Value ${value === null ? 'null' : show(value, shape)} at '${path}' failed to satisfy constraint: ${constraint}`);
  switch (shape.t) {
    case 'struct': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw typeErr(path, 'a JSON object');
      const o = v as Record<string, unknown>;
      const res: Record<string, unknown> = {};
      for (const req of shape.required ?? []) {
        if (o[req] === undefined || o[req] === null) errors.push(`Value null at '${path ? path + '.' : ''}${camel(req)}' failed to satisfy constraint: Member must not be null`);
      }
      for (const [name, sub] of Object.entries(shape.members)) {
        if (o[name] === undefined || o[name] === null) continue;
        res[name] = walk(o[name], sub, `${path ? path + '.' : ''}${camel(name)}`, errors);
      }
      return res;
    }
    case 'string': {
      if (typeof v !== 'string') throw typeErr(path, 'a string');
      if (shape.min !== undefined && v.length < shape.min) at(`Member must have length greater than or equal to ${shape.min}`, v);
      else if (shape.max !== undefined && v.length > shape.max) at(`Member must have length less than or equal to ${shape.max}`, v);
      else if (shape.pattern && !new RegExp(shape.pattern, 'u').test(v)) at(`Member must satisfy regular expression pattern: ${shape.pattern}`, v);
      return v;
    }
    case 'enum': {
      if (typeof v !== 'string') throw typeErr(path, 'a string');
      const values = shape.values;
      if (!values.includes(v)) at(`Member must satisfy enum value set: [${values.join(', ')}]`, v);
      return v;
    }
    case 'blob': {
      if (typeof v !== 'string' || !B64.test(v)) throw typeErr(path, 'a base64-encoded blob');
      const b = Buffer.from(v, 'base64');
      if (shape.min !== undefined && b.length < shape.min) at(`Member must have length greater than or equal to ${shape.min}`, b);
      else if (shape.max !== undefined && b.length > shape.max) at(`Member must have length less than or equal to ${shape.max}`, b);
      return b;
    }
    case 'int': {
      if (typeof v !== 'number' || !Number.isInteger(v)) throw typeErr(path, 'an integer');
      if (shape.min !== undefined && v < shape.min) at(`Member must have value greater than or equal to ${shape.min}`, v);
      else if (shape.max !== undefined && v > shape.max) at(`Member must have value less than or equal to ${shape.max}`, v);
      return v;
    }
    case 'bool':
      if (typeof v !== 'boolean') throw typeErr(path, 'a boolean');
      return v;
    case 'timestamp': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(v) ? Number(v) : NaN;
      if (!Number.isFinite(n)) throw typeErr(path, 'a timestamp (epoch seconds)');
      // A JavaScript Date holds ±8.64e15 ms; beyond that no date can be computed or shown (ValidTo: 1e300).
      if (Math.abs(n) > MAX_EPOCH_SECONDS) {
        at(`Member must be a timestamp between -${MAX_EPOCH_SECONDS} and ${MAX_EPOCH_SECONDS} epoch seconds`, v);
        return undefined;
      }
      return Math.round(n * 1000);
    }
    case 'list': {
      if (!Array.isArray(v)) throw typeErr(path, 'a JSON array');
      if (shape.min !== undefined && v.length < shape.min) at(`Member must have length greater than or equal to ${shape.min}`, `[${v.length} items]`);
      if (shape.max !== undefined && v.length > shape.max) at(`Member must have length less than or equal to ${shape.max}`, `[${v.length} items]`);
      return v.map((item, i) => walk(item, shape.member, `${path}.${i + 1}.member`, errors));
    }
    case 'map': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw typeErr(path, 'a JSON object');
      const res: Record<string, unknown> = {};
      for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
        walk(k, shape.key, `${path}.key`, errors);
        res[k] = walk(val, shape.value, `${path}.value`, errors);
      }
      return res;
    }
  }
}
