import type { Document } from 'bson';

/** Server error codes the engine answers with, named as MongoDB names them (`codeName`). */
export const ErrorCode = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  PathNotViable: 28,
  IndexNotFound: 27,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  DollarPrefixedFieldName: 52,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CannotCreateIndex: 67,
  InvalidPipelineOperator: 168,
  UnsupportedOpQueryCommand: 352,
  NotImplemented: 238,
  DuplicateKey: 11000,
  UnrecognizedPipelineStage: 40324,
  MissingField: 40414,
  UnknownField: 40415,
} as const;

/** Codes MongoDB raises from a source location rather than a named code. */
const LOCATION_CODES: ReadonlySet<number> = new Set([ErrorCode.UnrecognizedPipelineStage, ErrorCode.MissingField, ErrorCode.UnknownField]);

const CODE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(ErrorCode).map(([name, code]) => [code, LOCATION_CODES.has(code) ? `Location${code}` : name]),
);

/** An error that becomes `{ ok: 0, errmsg, code, codeName }` (or a write error) in the reply. */
export class CommandError extends Error {
  readonly codeName: string;

  constructor(
    readonly code: number,
    message: string,
    readonly extra: Document = {},
  ) {
    super(message);
    this.name = 'CommandError';
    this.codeName = CODE_NAMES[code] ?? 'UnknownError';
  }

  /** The fields MongoDB puts in a failed command reply (besides `ok: 0`). */
  toReplyFields(): Document {
    return { errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }

  /** The element of `writeErrors` for the statement at `index`. */
  toWriteError(index: number): Document {
    return { index, code: this.code, errmsg: this.message, ...this.extra };
  }
}

export class DuplicateKeyError extends CommandError {
  constructor(namespace: string, indexName: string, keyPattern: Document, keyValue: Document, keyText: string) {
    super(ErrorCode.DuplicateKey, `E11000 duplicate key error collection: ${namespace} index: ${indexName} dup key: ${keyText}`, {
      keyPattern,
      keyValue,
    });
  }
}

export function commandNotFound(name: string): CommandError {
  return new CommandError(ErrorCode.CommandNotFound, `no such command: '${name}'`);
}

/**
 * mingo reports unsupported operators and bad expressions as plain errors; the client should see
 * the same codes a MongoDB server would give, with the operator named in the message.
 */
export function toCommandError(err: unknown): CommandError {
  if (err instanceof CommandError) return err;
  const message = err instanceof Error ? err.message : String(err);
  let m: RegExpMatchArray | null;
  if ((m = message.match(/unknown (?:top level |query )?operator:? '?(\$\w+)'?/i))) {
    return new CommandError(ErrorCode.BadValue, `unknown operator: ${m[1]}`);
  }
  if ((m = message.match(/Unknown update operator: '(\$\w+)'/))) {
    return new CommandError(
      ErrorCode.FailedToParse,
      `Unknown modifier: ${m[1]}. Expected a valid update modifier or pipeline-style update specified as an array`,
    );
  }
  if ((m = message.match(/unregistered pipeline operator (\$\w+)/)) || (m = message.match(/Unknown pipeline operator: '(\$\w+)'/))) {
    return new CommandError(ErrorCode.UnrecognizedPipelineStage, `Unrecognized pipeline stage name: '${m[1]}'`);
  }
  if ((m = message.match(/(?:accumulator|operator|expression) '?(\$\w+)'? is not registered/))) {
    return new CommandError(ErrorCode.InvalidPipelineOperator, `Unrecognized expression '${m[1]}'`);
  }
  if ((m = message.match(/would modify the immutable field '([^']+)'/))) {
    return new CommandError(
      ErrorCode.ImmutableField,
      `Performing an update on the path '${m[1]}' would modify the immutable field '${m[1]}'`,
    );
  }
  if ((m = message.match(/updating the path '([^']+)' would create a conflict at '([^']+)'/i))) {
    return new CommandError(ErrorCode.ConflictingUpdateOperators, `Updating the path '${m[1]}' would create a conflict at '${m[2]}'`);
  }
  if ((m = message.match(/(\$where|\$function|\$accumulator)\b.*scriptEnabled/))) {
    return new CommandError(
      ErrorCode.NotImplemented,
      `${m[1]} is not supported by the embedded engine (server-side JavaScript is disabled)`,
    );
  }
  return new CommandError(ErrorCode.BadValue, message);
}
