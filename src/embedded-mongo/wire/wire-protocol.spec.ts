import { deserialize, Long, serialize } from 'bson';
import { crc32c } from './crc32c';
import { encodeCursorReply } from './cursor-reply';
import { decodeMessage, encodeOpMsg, encodeOpReply, MessageFramer, MsgFlag, OpCode, ProtocolError, readHeader } from './wire-protocol';

function header(length: number, requestId: number, opCode: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeInt32LE(length, 0);
  b.writeInt32LE(requestId, 4);
  b.writeInt32LE(0, 8);
  b.writeInt32LE(opCode, 12);
  return b;
}

/** Builds an OP_MSG the way the Node driver does for an insert: body + one document sequence. */
function opMsg(body: object, sequence?: { id: string; docs: object[] }, flags = 0, withChecksum = false): Buffer {
  const parts: Buffer[] = [Buffer.from([0]), Buffer.from(serialize(body))];
  if (sequence) {
    const docs = sequence.docs.map((d) => Buffer.from(serialize(d)));
    const id = Buffer.from(`${sequence.id}\0`);
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + id.length + docs.reduce((n, d) => n + d.length, 0));
    parts.push(Buffer.from([1]), size, id, ...docs);
  }
  const flagBuf = Buffer.alloc(4);
  flagBuf.writeUInt32LE(flags | (withChecksum ? MsgFlag.checksumPresent : 0));
  const payload = Buffer.concat([flagBuf, ...parts]);
  const total = 16 + payload.length + (withChecksum ? 4 : 0);
  const msg = Buffer.concat([header(total, 7, OpCode.MSG), payload, Buffer.alloc(withChecksum ? 4 : 0)]);
  if (withChecksum) msg.writeUInt32LE(crc32c(msg, 0, total - 4), total - 4);
  return msg;
}

describe('wire protocol codec', () => {
  it('computes the CRC-32C check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('folds an OP_MSG document sequence into the command body', () => {
    const msg = decodeMessage(opMsg({ insert: 'mentions', $db: 'app' }, { id: 'documents', docs: [{ a: 1 }, { a: 2 }] }));
    expect(msg.opCode).toBe(OpCode.MSG);
    expect(msg.header.requestId).toBe(7);
    expect(msg.opCode === OpCode.MSG && msg.command).toEqual({ insert: 'mentions', $db: 'app', documents: [{ a: 1 }, { a: 2 }] });
  });

  it('verifies a present checksum and rejects a corrupted message', () => {
    const good = opMsg({ ping: 1, $db: 'admin' }, undefined, 0, true);
    expect(decodeMessage(good).opCode).toBe(OpCode.MSG);
    const bad = Buffer.from(good);
    bad[bad.length - 6] ^= 0xff;
    expect(() => decodeMessage(bad)).toThrow(ProtocolError);
  });

  it('reports moreToCome in the flags', () => {
    const msg = decodeMessage(opMsg({ insert: 'x', $db: 'a' }, undefined, MsgFlag.moreToCome));
    expect(msg.flags & MsgFlag.moreToCome).toBeTruthy();
  });

  it('decodes the legacy OP_QUERY handshake', () => {
    const q = Buffer.from(serialize({ isMaster: 1, helloOk: true }));
    const body = Buffer.concat([Buffer.alloc(4), Buffer.from('admin.$cmd\0'), Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]), q]);
    const msg = decodeMessage(Buffer.concat([header(16 + body.length, 1, OpCode.QUERY), body]));
    expect(msg.opCode === OpCode.QUERY && msg.fullCollectionName).toBe('admin.$cmd');
    expect(msg.opCode === OpCode.QUERY && msg.query).toEqual({ isMaster: 1, helloOk: true });
  });

  it('encodes OP_MSG and OP_REPLY answers with the request id in responseTo', () => {
    const body = serialize({ ok: 1 });
    const reply = encodeOpMsg(3, 7, body);
    expect(readHeader(reply)).toEqual({ messageLength: reply.length, requestId: 3, responseTo: 7, opCode: OpCode.MSG });
    expect(deserialize(reply.subarray(21))).toEqual({ ok: 1 });
    const legacy = encodeOpReply(4, 1, [body]);
    expect(readHeader(legacy).opCode).toBe(OpCode.REPLY);
    expect(legacy.readInt32LE(32)).toBe(1);
    expect(deserialize(legacy.subarray(36))).toEqual({ ok: 1 });
  });

  it('frames messages split across and packed into TCP chunks', () => {
    const a = opMsg({ ping: 1, $db: 'admin' });
    const b = opMsg({ find: 'x', $db: 'a' });
    const stream = Buffer.concat([a, b]);
    const framer = new MessageFramer();
    const out: Buffer[] = [];
    let from = 0;
    for (const cut of [1, 3, 10, a.length + 2, stream.length]) {
      out.push(...framer.push(stream.subarray(from, cut)));
      from = cut;
    }
    expect(out.map((m) => m.length)).toEqual([a.length, b.length]);
    expect(() => new MessageFramer().push(Buffer.from([1, 0, 0, 0]))).toThrow(ProtocolError);
  });

  it('encodes a cursor reply that the bson package reads back', () => {
    const docs = [{ _id: 1, t: 'é' }, { _id: 2 }].map((d) => serialize(d));
    const reply = deserialize(encodeCursorReply(42, 'app.mentions', 'firstBatch', docs), { promoteLongs: false });
    expect(reply.cursor.firstBatch).toEqual([{ _id: 1, t: 'é' }, { _id: 2 }]);
    expect(reply.cursor.id).toEqual(Long.fromNumber(42));
    expect(reply.cursor.ns).toBe('app.mentions');
    expect(reply.ok).toBe(1);
  });
});
