// Request-shape primitives of the KMS service model (kms-api.md §1): each constructor returns plain data
// that validate.ts walks, typed precisely enough that Decoded<S> derives, from the same data, the type a
// request has once validated (strings, enum values as literal unions, blobs as Buffers, timestamps as epoch
// milliseconds, required members present, the others optional). Imports nothing, so model.ts and
// validate.ts both depend on it and never on each other's values.

export type Shape =
  | { readonly t: 'string'; readonly min?: number; readonly max?: number; readonly pattern?: string; readonly sensitive?: boolean }
  | { readonly t: 'enum'; readonly name: string; readonly values: readonly string[] }
  | { readonly t: 'blob'; readonly min?: number; readonly max?: number; readonly sensitive?: boolean }
  | { readonly t: 'int'; readonly min?: number; readonly max?: number }
  | { readonly t: 'bool' }
  | { readonly t: 'timestamp' }
  | { readonly t: 'list'; readonly member: Shape; readonly min?: number; readonly max?: number }
  | { readonly t: 'map'; readonly key: Shape; readonly value: Shape }
  | StructShape;

export interface StructShape<M extends Readonly<Record<string, Shape>> = Readonly<Record<string, Shape>>, R extends string = string> {
  readonly t: 'struct';
  readonly members: M;
  readonly required: readonly R[];
}

export const str = (min?: number, max?: number, pattern?: string) => ({ t: 'string', min, max, pattern }) as const;
/** An enum member; its values (an `as const` tuple) become the decoded type's literal union. */
export const enm = <const V extends readonly string[]>(name: string, values: V) => ({ t: 'enum', name, values }) as const;
export const blob = (min?: number, max?: number, sensitive = false) => ({ t: 'blob', min, max, sensitive }) as const;
export const int = (min?: number, max?: number) => ({ t: 'int', min, max }) as const;
export const bool = { t: 'bool' } as const;
export const ts = { t: 'timestamp' } as const;
export const list = <const M extends Shape>(member: M, min?: number, max?: number) => ({ t: 'list', member, min, max }) as const;
export const map = <const K extends Shape, const V extends Shape>(key: K, value: V) => ({ t: 'map', key, value }) as const;
/** A structure; members not listed in `required` are optional. */
export function struct<const M extends Readonly<Record<string, Shape>>>(members: M): StructShape<M, never>;
export function struct<const M extends Readonly<Record<string, Shape>>, const R extends keyof M & string>(members: M, required: readonly R[]): StructShape<M, R>;
export function struct(members: Readonly<Record<string, Shape>>, required: readonly string[] = []): StructShape {
  return { t: 'struct', members, required };
}

/** The type of a value of shape S after validation and decoding (validate.ts makes it so). */
export type Decoded<S> = S extends { t: 'string' }
  ? string
  : S extends { t: 'enum'; values: readonly (infer V)[] }
    ? V
    : S extends { t: 'blob' }
      ? Buffer
      : S extends { t: 'int' }
        ? number
        : S extends { t: 'bool' }
          ? boolean
          : S extends { t: 'timestamp' }
            ? number
            : S extends { t: 'list'; member: infer M }
              ? Decoded<M>[]
              : S extends { t: 'map'; value: infer V }
                ? Record<string, Decoded<V>>
                : S extends StructShape<infer M, infer R>
                  ? DecodedStruct<M, R>
                  : never;

type DecodedStruct<M, R> = Flat<{ [K in keyof M as K extends R ? K : never]: Decoded<M[K]> } & { [K in keyof M as K extends R ? never : K]?: Decoded<M[K]> }>;
type Flat<T> = { [K in keyof T]: T[K] };
