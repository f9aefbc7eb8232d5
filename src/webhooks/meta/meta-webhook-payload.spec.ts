import { parseMetaDelivery } from './meta-webhook-payload';

describe('parseMetaDelivery', () => {
  it('reads a Page feed comment, skipping other feed items and edits', () => {
    const parsed = parseMetaDelivery({
      object: 'page',
      entry: [
        {
          id: '1001',
          time: 1733500000,
          changes: [
            {
              field: 'feed',
              value: {
                item: 'comment',
                verb: 'add',
                comment_id: '55_66',
                post_id: '1001_55',
                parent_id: '1001_55',
                message: 'oi',
                from: { id: '77', name: 'Ana' },
                created_time: 1733499990,
              },
            },
            {
              field: 'feed',
              value: {
                item: 'comment',
                verb: 'edited',
                comment_id: '55_67',
                post_id: '1001_55',
                message: 'x',
                from: { id: '77' },
                created_time: 1733499990,
              },
            },
            { field: 'feed', value: { item: 'reaction', verb: 'add', post_id: '1001_55' } },
          ],
        },
      ],
    });
    expect(parsed.problems).toEqual([]);
    expect(parsed.events).toEqual([
      {
        kind: 'page-comment',
        pageId: '1001',
        commentId: '55_66',
        postId: '1001_55',
        parentId: '1001_55',
        message: 'oi',
        from: { id: '77', name: 'Ana' },
        createdAt: new Date(1733499990_000),
      },
    ]);
  });

  it('reads WhatsApp messages with the contact name, and statuses with their error', () => {
    const parsed = parseMetaDelivery({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'waba',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550001234', phone_number_id: '106540352242922' },
                contacts: [{ wa_id: '5511988887777', profile: { name: 'Ana Lima' } }],
                messages: [
                  { from: '5511988887777', id: 'wamid.A', timestamp: '1733500000', type: 'text', text: { body: 'Oi' } },
                  { from: '5511988887777', id: 'wamid.B', timestamp: '1733500005', type: 'image', image: { id: 'm1' } },
                ],
                statuses: [
                  {
                    id: 'wamid.C',
                    status: 'failed',
                    timestamp: '1733500010',
                    recipient_id: '5511988887777',
                    errors: [{ code: 131047, title: 'Re-engagement message' }],
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    expect(parsed.events).toEqual([
      {
        kind: 'whatsapp-message',
        phoneNumberId: '106540352242922',
        messageId: 'wamid.A',
        from: '5511988887777',
        name: 'Ana Lima',
        text: 'Oi',
        type: 'text',
        at: new Date(1733500000_000),
      },
      {
        kind: 'whatsapp-message',
        phoneNumberId: '106540352242922',
        messageId: 'wamid.B',
        from: '5511988887777',
        name: 'Ana Lima',
        text: null,
        type: 'image',
        at: new Date(1733500005_000),
      },
      {
        kind: 'whatsapp-status',
        phoneNumberId: '106540352242922',
        messageId: 'wamid.C',
        status: 'failed',
        at: new Date(1733500010_000),
        error: '131047 Re-engagement message',
      },
    ]);
  });

  it('reports a change without the documented shape and keeps the others', () => {
    const parsed = parseMetaDelivery({
      object: 'instagram',
      entry: [
        {
          id: '1784',
          time: 1733500000,
          changes: [
            { field: 'comments', value: { id: '180', text: 'linda foto', from: { id: '9', username: 'ana' }, media: { id: '179' } } },
            { field: 'comments', value: { id: '181', from: { id: '9' } } },
            { field: 'mentions', value: { media_id: '179', comment_id: '182' } },
          ],
        },
      ],
    });
    expect(parsed.events.map((e) => e.kind)).toEqual(['instagram-comment', 'instagram-mention']);
    expect(parsed.events[0]).toMatchObject({ accountId: '1784', commentId: '180', mediaId: '179', createdAt: new Date(1733500000_000) });
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0].problem).toMatch(/text/);
  });

  it('throws on a body that is not a webhook delivery', () => {
    expect(() => parseMetaDelivery({ hello: 'world' })).toThrow();
  });
});
