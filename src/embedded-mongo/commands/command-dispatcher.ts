import { serialize, type Document } from 'bson';
import { aggregateCommands } from './aggregate-command';
import { catalogCommands } from './catalog-commands';
import { assertKnownFields, assertReadConcern } from './command-fields';
import { RawReply, type CommandContext, type CommandHandler } from './command-context';
import { handshakeCommands } from './handshake-commands';
import { readCommands } from './read-commands';
import { writeCommands } from './write-commands';
import { CommandError, commandNotFound, ErrorCode, toCommandError } from '../errors';

export interface DispatchLogger {
  warn(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

const COMMANDS: Record<string, CommandHandler> = {
  ...handshakeCommands,
  ...readCommands,
  ...writeCommands,
  ...aggregateCommands,
  ...catalogCommands,
};

export function commandName(cmd: Document): string {
  return Object.keys(cmd)[0] ?? '';
}

/**
 * Runs one command and encodes its reply. Every failure becomes a MongoDB-shaped error reply
 * (`ok: 0`, `errmsg`, `code`, `codeName`); nothing is dropped silently.
 */
export function dispatchCommand(cmd: Document, ctx: CommandContext, logger?: DispatchLogger): Uint8Array {
  const name = commandName(cmd);
  try {
    const handler = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!handler) throw commandNotFound(name);
    if (cmd.startTransaction === true || cmd.autocommit === false) {
      throw new CommandError(ErrorCode.IllegalOperation, 'Transaction numbers are only allowed on a replica set member or mongos');
    }
    assertKnownFields(name, cmd);
    assertReadConcern(cmd);
    const result = handler(cmd, ctx);
    if (result instanceof RawReply) return result.bytes;
    if (result.ok === undefined) result.ok = 1;
    return serialize(result);
  } catch (err) {
    const error = toCommandError(err);
    if (!(err instanceof CommandError) && !(err instanceof Error && err.constructor.name === 'MingoError')) {
      logger?.warn({ command: name, err: err instanceof Error ? err.stack : String(err) }, 'embedded engine: unexpected error in command');
    } else {
      logger?.debug?.({ command: name, code: error.code, errmsg: error.message }, 'embedded engine: command failed');
    }
    return serialize({ ok: 0, ...error.toReplyFields() });
  }
}
