// The KMS operations the sandbox serves, with AWS's state machine, import rules and errors
// (kms-api.md §1, §3, §5): one typed table from operation name to handler, assembled from the operation
// families in ops/ (keys, import, crypto). A request is served only if its operation is a key of OPERATIONS
// (model.ts), else AWS's UnknownOperationException; its body is parsed (SerializationException if it is not
// JSON) and validated against the operation's shape into Req<Op> (validate.ts) before the handler runs.
// Outputs are plain JSON objects (blobs as base64 strings, timestamps as epoch seconds).
import { KmsError } from './errors';
import { OPERATIONS, isOperation, type OperationName } from './model';
import { ServiceCore, type Handler, type Handlers, type Result } from './ops/core';
import { CRYPTO_OPERATIONS } from './ops/crypto';
import { IMPORT_OPERATIONS } from './ops/import';
import { KEY_OPERATIONS } from './ops/keys';
import { seedKeys } from './ops/seed';
import { validateInput } from './validate';

export type { ServiceOptions } from './ops/core';

/** Every operation of OPERATIONS has exactly one handler (a missing one fails the type check). */
const HANDLERS: Handlers = { ...KEY_OPERATIONS, ...IMPORT_OPERATIONS, ...CRYPTO_OPERATIONS };

export class KmsService extends ServiceCore {
  /** Serves one request: `op` from X-Amz-Target, `body` the raw JSON body, `region` from the SigV4 scope. */
  async call(op: string, body: Buffer, region: string): Promise<Result> {
    if (!isOperation(op)) throw new KmsError('UnknownOperationException', `The KMS sandbox does not implement the operation ${op}.`);
    let input: unknown;
    try {
      input = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      throw new KmsError('SerializationException', 'The request body is not valid JSON.');
    }
    return this.run(op, input, region);
  }

  private run<Op extends OperationName>(op: Op, input: unknown, region: string): Result | Promise<Result> {
    const handler: Handler<Op> = HANDLERS[op];
    return handler(this, validateInput(input, OPERATIONS[op]), region);
  }

  /** Seeding (admin): creates keys directly; asymmetric seeded keys of one call share one generated key pair. */
  seed(n: number, o: Parameters<typeof seedKeys>[2]): Promise<string[]> {
    return seedKeys(this, n, o);
  }
}
