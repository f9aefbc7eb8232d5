import { createServer, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { OutboundPolicy } from './address-policy';
import { OUTBOUND_MAX_RESPONSE_BYTES, OutboundClient, OutboundError } from './outbound-client';

/** Real sockets on loopback: the client is allowed 127.0.0.1 only where a test says so. */
describe('OutboundClient', () => {
  let server: Server;
  let port: number;
  let hits = 0;
  const routes: Record<string, (res: ServerResponse) => void> = {
    '/ok': (res) => res.writeHead(204).end(),
    '/big': (res) => res.writeHead(200).end(Buffer.alloc(OUTBOUND_MAX_RESPONSE_BYTES * 4, 'a')),
    '/redirect': (res) => res.writeHead(307, { Location: '/ok' }).end(),
    '/error': (res) => res.writeHead(503).end('down'),
    '/slow': () => undefined,
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      req.resume();
      req.on('end', () => routes[req.url ?? '']?.(res));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const allowLoopback = new OutboundPolicy({ allowPrivate: false, allowedCidrs: ['127.0.0.1/32'] });
  const clients: OutboundClient[] = [];
  const client = (policy: OutboundPolicy, timeoutMs = 2_000) => {
    const c = new OutboundClient(policy, { timeoutMs });
    clients.push(c);
    return c;
  };
  afterAll(() => Promise.all(clients.map((c) => c.onApplicationShutdown())));

  const failure = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OutboundError);
    return err as OutboundError;
  };

  it('posts to an allowed address and resolves on 2xx', async () => {
    const res = await client(allowLoopback).post(`http://127.0.0.1:${port}/ok`, '{}', { 'Content-Type': 'application/json' });
    expect(res.status).toBe(204);
  });

  it('refuses a literal address the policy does not allow, before connecting', async () => {
    const before = hits;
    const err = await failure(client(OutboundPolicy.strict()).post(`http://127.0.0.1:${port}/ok`, '{}', {}));
    expect(err.publicMessage).toBe('refused: the address is not allowed');
    expect(err.message).toMatch(/loopback/);
    expect(hits).toBe(before);
  });

  it('refuses a name that resolves to a refused address (the system resolver: localhost), before connecting', async () => {
    const before = hits;
    const err = await failure(client(OutboundPolicy.strict()).post(`http://localhost:${port}/ok`, '{}', {}));
    expect(err.failure).toBe('refused');
    expect(err.publicMessage).toBe('refused: the address is not allowed');
    expect(hits).toBe(before);
  });

  it('does not follow a redirect', async () => {
    const before = hits;
    const err = await failure(client(allowLoopback).post(`http://127.0.0.1:${port}/redirect`, '{}', {}));
    expect(err).toMatchObject({ failure: 'status', status: 307, publicMessage: 'failed: HTTP 307' });
    expect(hits).toBe(before + 1);
  });

  it('reports an error status by its number only', async () => {
    const err = await failure(client(allowLoopback).post(`http://127.0.0.1:${port}/error`, '{}', {}));
    expect(err.publicMessage).toBe('failed: HTTP 503');
  });

  it('reads at most 64 KiB of an answer', async () => {
    const res = await client(allowLoopback).post(`http://127.0.0.1:${port}/big`, '{}', {});
    expect(res.body.length).toBe(OUTBOUND_MAX_RESPONSE_BYTES);
    expect(res.truncated).toBe(true);
  });

  it('times out a receiver that never answers', async () => {
    const started = Date.now();
    const err = await failure(client(allowLoopback, 300).post(`http://127.0.0.1:${port}/slow`, '{}', {}));
    expect(err.publicMessage).toBe('failed: timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('says "could not connect" for a closed port, with the detail kept for the log', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = await failure(client(allowLoopback).post(`http://127.0.0.1:${closedPort}/`, '{}', {}));
    expect(err.publicMessage).toBe('failed: could not connect');
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it('refuses URLs with userinfo or another scheme', async () => {
    expect((await failure(client(allowLoopback).post(`http://u:p@127.0.0.1:${port}/ok`, '{}', {}))).failure).toBe('refused');
    expect((await failure(client(allowLoopback).post('file:///etc/passwd', '{}', {}))).failure).toBe('refused');
  });
});
