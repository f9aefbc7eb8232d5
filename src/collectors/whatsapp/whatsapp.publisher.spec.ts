import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NetworkTargets } from '../../config/network-targets';
import { loadSettings } from '../../config/settings';
import { ReplyRefusedError } from '../collector';
import { WhatsAppPublisher } from './whatsapp.publisher';

describe('WhatsAppPublisher.sendReply', () => {
  let server: Server;
  let received: { url: string; body: any }[];
  let answer: { status: number; body: unknown };
  let collector: WhatsAppPublisher;
  const now = new Date('2026-12-06T12:00:00Z');
  const reply = (hoursSinceCustomer: number) => ({
    inReplyToExternalId: 'wamid.IN',
    customerHandle: '5511988887777',
    text: 'Oi! Já resolvemos.',
    idempotencyKey: 'k',
    inReplyToAt: new Date(now.getTime() - hoursSinceCustomer * 3600_000),
  });

  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        received.push({ url: req.url ?? '', body: JSON.parse(raw) });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const targets = new NetworkTargets(loadSettings({}, { overrides: { dataDir: ':memory:' } }));
    targets.set('whatsapp', {
      graphUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v24.0/`,
      accessToken: 'token',
      appSecret: 'secret',
      webhookVerifyToken: 'v',
      phoneNumberId: '106540352242922',
    });
    collector = new WhatsAppPublisher(targets);
  });
  beforeEach(() => {
    received = [];
    answer = { status: 200, body: { messaging_product: 'whatsapp', messages: [{ id: 'wamid.OUT' }] } };
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('sends a text message to the customer within the 24-hour window, signed with appsecret_proof', async () => {
    const sent = await collector.sendReply(reply(23.9), now);
    expect(sent).toEqual({ externalId: 'wamid.OUT', url: 'https://wa.me/5511988887777', at: now });
    expect(received).toHaveLength(1);
    // echo -n token | openssl dgst -sha256 -hmac secret
    expect(received[0].url).toBe(
      '/v24.0/106540352242922/messages?appsecret_proof=e941110e3d2bfe82621f0e3e1434730d7305d106c5f68c87165d0b27a4611a4a',
    );
    expect(received[0].body).toMatchObject({
      messaging_product: 'whatsapp',
      to: '5511988887777',
      type: 'text',
      text: { body: 'Oi! Já resolvemos.' },
      context: { message_id: 'wamid.IN' },
    });
  });

  it('refuses with 422, without calling WhatsApp, once 24 hours have passed since the customer wrote', async () => {
    const err = await collector.sendReply(reply(24), now).catch((e) => e);
    expect(err).toBeInstanceOf(ReplyRefusedError);
    expect(err.status).toBe(422);
    expect(err.message).toMatch(/24-hour customer service window closed at 2026-12-06T12:00:00.000Z/);
    expect(received).toHaveLength(0);
  });

  it("turns WhatsApp's own refusals into 4xx errors with its message", async () => {
    answer = {
      status: 400,
      body: { error: { message: '(#131047) Re-engagement message', type: 'OAuthException', code: 131047, fbtrace_id: 'x' } },
    };
    await expect(collector.sendReply(reply(1), now)).rejects.toMatchObject({
      status: 422,
      message: expect.stringMatching(/WhatsApp refused the reply: \(#131047\) Re-engagement message/),
    });
    answer = { status: 403, body: { error: { message: '(#200) Permissions error', type: 'OAuthException', code: 200 } } };
    await expect(collector.sendReply(reply(1), now)).rejects.toMatchObject({ status: 403 });
    answer = { status: 400, body: { error: { message: '(#4) Application request limit reached', code: 4 } } };
    await expect(collector.sendReply(reply(1), now)).rejects.toMatchObject({ status: 429 });
  });
});
