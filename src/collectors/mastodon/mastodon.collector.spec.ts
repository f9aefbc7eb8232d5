import { mastodonLength, mastodonReplyText } from './mastodon.collector';

describe('Mastodon replies', () => {
  it('name the customer unless the text already does', () => {
    expect(mastodonReplyText('Oi John!', 'john@other.example')).toBe('@john@other.example Oi John!');
    expect(mastodonReplyText('@john@other.example, tudo certo?', '@john@other.example')).toBe('@john@other.example, tudo certo?');
    expect(mastodonReplyText('cc @john@other.example.', 'john@other.example')).toBe('cc @john@other.example.');
    // a longer handle that starts the same is someone else
    expect(mastodonReplyText('@johnny oi', 'john')).toBe('@john @johnny oi');
  });

  it('are measured as Mastodon counts: a link is 23, a remote mention counts its user only', () => {
    expect(mastodonLength('abc')).toBe(3);
    expect(mastodonLength(`see https://lumi.example/${'a'.repeat(100)}`)).toBe(4 + 23);
    expect(mastodonLength('@john@other.example hi')).toBe('@john hi'.length);
    expect(mastodonLength('👍🏽 ok')).toBe(4);
  });
});
