import { serialize, type Document } from 'bson';
import type { Socket } from 'node:net';
import { dispatchCommand, type DispatchLogger } from '../commands/command-dispatcher';
import type { CommandContext } from '../commands/command-context';
import { ErrorCode } from '../errors';
import {
  decodeMessage,
  encodeOpMsg,
  encodeOpReply,
  MessageFramer,
  MsgFlag,
  OpCode,
  ProtocolError,
  ReplyFlag,
  type InboundMessage,
} from '../wire/wire-protocol';

/** Commands a legacy OP_QUERY may carry: the driver's first handshake, nothing else (as in MongoDB 6+). */
const OP_QUERY_COMMANDS = new Set(['hello', 'isMaster', 'ismaster']);

let nextRequestId = 1;

/** MongoDB's error code 14031, OutOfDiskSpace. */
const OUT_OF_DISK_SPACE = 14031;

export interface ConnectionDeps {
  connectionId: number;
  context: (db: string) => CommandContext;
  /**
   * Resolves when every change made so far is durable, so that no answer shows a change that is
   * not: null without a data directory, or for a command (named) whose answer shows no data.
   */
  durable: (command: string) => Promise<void> | null;
  logger: DispatchLogger & { error(obj: object, msg?: string): void };
}

/**
 * One client socket. Messages are handled strictly in arrival order; a write's reply is sent only
 * after the journal has it on disk, and never for a `moreToCome` (fire-and-forget) request.
 */
export class ClientConnection {
  private readonly framer = new MessageFramer();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: Socket,
    private readonly deps: ConnectionDeps,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  private onData(chunk: Buffer): void {
    let messages: Buffer[];
    try {
      messages = this.framer.push(chunk);
    } catch (err) {
      this.fail(err);
      return;
    }
    for (const raw of messages) {
      this.queue = this.queue.then(() => this.handle(raw)).catch((err) => this.fail(err));
    }
  }

  private fail(err: unknown): void {
    const level = err instanceof ProtocolError ? 'warn' : 'error';
    this.deps.logger[level](
      { connectionId: this.deps.connectionId, err: String(err) },
      'embedded engine: closing connection after a protocol error',
    );
    this.socket.destroy();
  }

  private async handle(raw: Buffer): Promise<void> {
    if (this.socket.destroyed) return;
    const message = decodeMessage(raw);
    const reply = message.opCode === OpCode.QUERY ? this.handleQuery(message) : await this.handleMsg(message);
    if (reply && !this.socket.destroyed) this.socket.write(reply);
  }

  private async handleMsg(message: Extract<InboundMessage, { opCode: typeof OpCode.MSG }>): Promise<Buffer | null> {
    const { command } = message;
    const db = command.$db;
    let body: Uint8Array;
    if (typeof db !== 'string' || db.length === 0) {
      body = serialize({ ok: 0, errmsg: 'OP_MSG requests require a $db argument', code: 40571, codeName: 'Location40571' });
    } else {
      body = dispatchCommand(command, this.deps.context(db), this.deps.logger);
      const pending = this.deps.durable(Object.keys(command)[0] ?? '');
      if (pending) {
        try {
          await pending;
        } catch (err) {
          // A change applied in memory is written once the disk takes it, but until then neither
          // the write that made it nor a read that would show it may be answered as if it were kept.
          const full = ['ENOSPC', 'EDQUOT'].includes((err as NodeJS.ErrnoException).code ?? '');
          body = serialize({
            ok: 0,
            errmsg: `the journal cannot be written (${err instanceof Error ? err.message : String(err)}): changes are not durable, so nothing is acknowledged`,
            // MongoDB's own code for a full disk, so a client can tell it from other failures.
            ...(full
              ? { code: OUT_OF_DISK_SPACE, codeName: 'OutOfDiskSpace' }
              : { code: ErrorCode.InternalError, codeName: 'InternalError' }),
          });
        }
      }
    }
    if (message.flags & MsgFlag.moreToCome) return null;
    return encodeOpMsg(nextRequestId++, message.header.requestId, body);
  }

  private handleQuery(message: Extract<InboundMessage, { opCode: typeof OpCode.QUERY }>): Buffer {
    const [db, ...rest] = message.fullCollectionName.split('.');
    // Drivers may wrap the command as { $query: {...} } for legacy servers.
    const command: Document = message.query.$query && typeof message.query.$query === 'object' ? message.query.$query : message.query;
    const name = Object.keys(command)[0] ?? '';
    if (rest.join('.') !== '$cmd' || !OP_QUERY_COMMANDS.has(name)) {
      const error = {
        $err: `Unsupported OP_QUERY command: ${name}. The client driver may require an upgrade.`,
        code: ErrorCode.UnsupportedOpQueryCommand,
        ok: 0,
      };
      return encodeOpReply(nextRequestId++, message.header.requestId, [serialize(error)], ReplyFlag.queryFailure);
    }
    const body = dispatchCommand(command, this.deps.context(db), this.deps.logger);
    return encodeOpReply(nextRequestId++, message.header.requestId, [body]);
  }
}
