import { deserialize, type Document } from 'bson';
import { crc32c } from './crc32c';

/** MongoDB wire protocol opcodes the engine reads or writes. */
export const OpCode = {
  REPLY: 1,
  QUERY: 2004,
  COMPRESSED: 2012,
  MSG: 2013,
} as const;

/** OP_MSG flagBits. */
export const MsgFlag = {
  checksumPresent: 1 << 0,
  moreToCome: 1 << 1,
  exhaustAllowed: 1 << 16,
} as const;

/** OP_REPLY responseFlags. */
export const ReplyFlag = { queryFailure: 1 << 1, awaitCapable: 1 << 3 } as const;

export const HEADER_SIZE = 16;
export const MAX_MESSAGE_SIZE_BYTES = 48_000_000;

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export interface MessageHeader {
  messageLength: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

/** An OP_MSG; kind-1 document sequences are folded into `command` under their identifier. */
export interface OpMsgRequest {
  opCode: typeof OpCode.MSG;
  header: MessageHeader;
  flags: number;
  command: Document;
}

/** A legacy OP_QUERY; drivers only send it for the first hello/isMaster on `admin.$cmd`. */
export interface OpQueryRequest {
  opCode: typeof OpCode.QUERY;
  header: MessageHeader;
  flags: number;
  fullCollectionName: string;
  numberToSkip: number;
  numberToReturn: number;
  query: Document;
}

export type InboundMessage = OpMsgRequest | OpQueryRequest;

export function readHeader(buf: Buffer): MessageHeader {
  return {
    messageLength: buf.readInt32LE(0),
    requestId: buf.readInt32LE(4),
    responseTo: buf.readInt32LE(8),
    opCode: buf.readInt32LE(12),
  };
}

const UTF8_UNCHECKED = { validation: { utf8: false as const } };

function readDocument(buf: Buffer, offset: number, end: number): { doc: Document; next: number } {
  if (offset + 5 > end) throw new ProtocolError('truncated BSON document');
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new ProtocolError(`invalid BSON document size ${size}`);
  // UTF-8 is not re-validated: drivers encode JavaScript strings, which are always valid.
  // Binary values come out as views of `buf`; the store copies them (document-compaction.ts).
  return { doc: deserialize(buf.subarray(offset, offset + size), UTF8_UNCHECKED), next: offset + size };
}

function readCString(buf: Buffer, offset: number, end: number): { value: string; next: number } {
  const zero = buf.indexOf(0, offset);
  if (zero < 0 || zero >= end) throw new ProtocolError('unterminated C string');
  return { value: buf.toString('utf8', offset, zero), next: zero + 1 };
}

function decodeOpMsg(buf: Buffer, header: MessageHeader): OpMsgRequest {
  const flags = buf.readUInt32LE(HEADER_SIZE);
  let end = buf.length;
  if (flags & MsgFlag.checksumPresent) {
    end -= 4;
    const expected = buf.readUInt32LE(end);
    if (crc32c(buf, 0, end) !== expected) throw new ProtocolError('OP_MSG checksum mismatch');
  }
  let offset = HEADER_SIZE + 4;
  let command: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (offset < end) {
    const kind = buf[offset++];
    if (kind === 0) {
      if (command) throw new ProtocolError('OP_MSG has more than one body section');
      const read = readDocument(buf, offset, end);
      command = read.doc;
      offset = read.next;
    } else if (kind === 1) {
      const size = buf.readInt32LE(offset);
      const sectionEnd = offset + size;
      if (size < 5 || sectionEnd > end) throw new ProtocolError(`invalid document sequence size ${size}`);
      const id = readCString(buf, offset + 4, sectionEnd);
      const docs: Document[] = [];
      let pos = id.next;
      while (pos < sectionEnd) {
        const read = readDocument(buf, pos, sectionEnd);
        docs.push(read.doc);
        pos = read.next;
      }
      sequences.push([id.value, docs]);
      offset = sectionEnd;
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!command) throw new ProtocolError('OP_MSG without a body section');
  for (const [id, docs] of sequences) {
    if (id in command) throw new ProtocolError(`duplicate field '${id}' in OP_MSG body and document sequence`);
    command[id] = docs;
  }
  return { opCode: OpCode.MSG, header, flags, command };
}

function decodeOpQuery(buf: Buffer, header: MessageHeader): OpQueryRequest {
  const flags = buf.readInt32LE(HEADER_SIZE);
  const name = readCString(buf, HEADER_SIZE + 4, buf.length);
  const numberToSkip = buf.readInt32LE(name.next);
  const numberToReturn = buf.readInt32LE(name.next + 4);
  const { doc } = readDocument(buf, name.next + 8, buf.length);
  return { opCode: OpCode.QUERY, header, flags, fullCollectionName: name.value, numberToSkip, numberToReturn, query: doc };
}

/** Decodes one complete message (header included). */
export function decodeMessage(buf: Buffer): InboundMessage {
  if (buf.length < HEADER_SIZE) throw new ProtocolError('message shorter than its header');
  const header = readHeader(buf);
  if (header.messageLength !== buf.length) throw new ProtocolError('message length does not match header');
  switch (header.opCode) {
    case OpCode.MSG:
      return decodeOpMsg(buf, header);
    case OpCode.QUERY:
      return decodeOpQuery(buf, header);
    default:
      throw new ProtocolError(`unsupported opCode ${header.opCode}`);
  }
}

function writeHeader(buf: Buffer, requestId: number, responseTo: number, opCode: number): void {
  buf.writeInt32LE(buf.length, 0);
  buf.writeInt32LE(requestId, 4);
  buf.writeInt32LE(responseTo, 8);
  buf.writeInt32LE(opCode, 12);
}

/** OP_MSG with a single kind-0 section holding the already-serialized `body`. */
export function encodeOpMsg(requestId: number, responseTo: number, body: Uint8Array, flags = 0): Buffer {
  const out = Buffer.allocUnsafe(HEADER_SIZE + 4 + 1 + body.length);
  writeHeader(out, requestId, responseTo, OpCode.MSG);
  out.writeUInt32LE(flags, HEADER_SIZE);
  out[HEADER_SIZE + 4] = 0;
  out.set(body, HEADER_SIZE + 5);
  return out;
}

/** OP_REPLY carrying `docs` (already serialized), the answer to an OP_QUERY. */
export function encodeOpReply(requestId: number, responseTo: number, docs: Uint8Array[], responseFlags = 0): Buffer {
  const size = HEADER_SIZE + 20 + docs.reduce((n, d) => n + d.length, 0);
  const out = Buffer.allocUnsafe(size);
  writeHeader(out, requestId, responseTo, OpCode.REPLY);
  out.writeInt32LE(responseFlags, HEADER_SIZE);
  out.writeBigInt64LE(0n, HEADER_SIZE + 4);
  out.writeInt32LE(0, HEADER_SIZE + 12);
  out.writeInt32LE(docs.length, HEADER_SIZE + 16);
  let offset = HEADER_SIZE + 20;
  for (const d of docs) {
    out.set(d, offset);
    offset += d.length;
  }
  return out;
}

/**
 * Cuts a TCP byte stream into whole messages. Chunks are only concatenated once a message is
 * complete, so a 48 MB insert arriving in 64 KB pieces is copied once, not once per piece.
 */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxMessageSize = MAX_MESSAGE_SIZE_BYTES) {}

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      if (this.chunks[0].length < 4) this.chunks = [Buffer.concat(this.chunks)];
      const length = this.chunks[0].readInt32LE(0);
      if (length < HEADER_SIZE || length > this.maxMessageSize) {
        throw new ProtocolError(`invalid message length ${length}`);
      }
      if (this.buffered < length) break;
      const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      messages.push(all.subarray(0, length));
      const rest = all.subarray(length);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
    }
    return messages;
  }
}
