import { EmulatorStore } from './emulator-store';
import { matches, parseQuery } from '../../../topics/query';

/** The query language over the X emulator's store: what its recent search returns for each operator. */
describe('X emulator search', () => {
  const store = new EmulatorStore(() => new Date('2030-01-10T12:00:00Z'));
  store.addUser({ username: 'lumi_br', verified: true, verified_type: 'business' });
  store.addUser({ username: 'ana_souza' });
  store.addUser({ username: 'john_doe' });
  const at = (minute: number) => new Date(Date.UTC(2030, 0, 10, 10, minute));
  const root = store.addTweet({
    author_username: 'ana_souza',
    text: 'Meu cartão da Lumi foi bloqueado de novo 😡 @lumi_br #LumiAjuda',
    lang: 'pt',
    created_at: at(1),
  });
  const reply = store.addTweet({
    author_username: 'lumi_br',
    text: '@ana_souza Oi, Ana! Pode nos chamar na DM? https://lumi.example/ajuda?utm_source=x',
    lang: 'pt',
    in_reply_to_tweet_id: root.id,
    created_at: at(2),
  });
  const english = store.addTweet({
    author_username: 'john_doe',
    text: 'How do I sign up for Lumi? Coca-Cola fan here',
    lang: 'en',
    created_at: at(3),
  });
  const retweet = store.addTweet({ author_username: 'john_doe', text: '', retweet_of_tweet_id: root.id, created_at: at(4) });
  const quote = store.addTweet({
    author_username: 'john_doe',
    text: 'same here lol',
    quote_tweet_id: root.id,
    created_at: at(5),
    lang: 'en',
  });

  const idsMatching = (query: string): string[] => {
    const tree = parseQuery(query);
    return store
      .newestFirst()
      .filter((record) => matches(tree, record.searchable))
      .map((record) => record.tweet.id)
      .reverse();
  };

  it('matches keywords as whole tokens, case- and accent-insensitively', () => {
    expect(idsMatching('cartao')).toEqual([root.id, retweet.id]);
    expect(idsMatching('LUMI')).toEqual([root.id, reply.id, english.id, retweet.id]);
    // "lumi" is not a token of @lumi_br, and "cart" is not a token at all
    expect(idsMatching('cart')).toEqual([]);
  });

  it('matches quoted phrases and punctuated keywords as token sequences', () => {
    expect(idsMatching('"sign up"')).toEqual([english.id]);
    expect(idsMatching('"up sign"')).toEqual([]);
    expect(idsMatching('coca-cola')).toEqual([english.id]);
  });

  it('supports from:, to:, @mention, #hashtag, lang:, is:reply, is:retweet, is:quote, is:verified', () => {
    expect(idsMatching('from:lumi_br')).toEqual([reply.id]);
    expect(idsMatching('to:ana_souza')).toEqual([reply.id]);
    expect(idsMatching('@lumi_br')).toEqual([root.id, retweet.id]);
    expect(idsMatching('#lumiajuda')).toEqual([root.id, retweet.id]);
    expect(idsMatching('lumi lang:en')).toEqual([english.id]);
    expect(idsMatching('lumi is:reply')).toEqual([reply.id]);
    expect(idsMatching('lumi -is:retweet')).toEqual([root.id, reply.id, english.id]);
    expect(idsMatching('@lumi_br is:retweet')).toEqual([retweet.id]);
    expect(idsMatching('here is:quote')).toEqual([quote.id]);
    expect(idsMatching('lumi is:verified')).toEqual([reply.id]);
    expect(idsMatching(`conversation_id:${root.id}`)).toEqual([root.id, reply.id]);
    expect(idsMatching('url:"lumi.example/ajuda"')).toEqual([reply.id]);
  });

  it('binds AND tighter than OR, honours parentheses and negation', () => {
    expect(idsMatching('sign OR cartao lang:pt')).toEqual([root.id, english.id, retweet.id]);
    expect(idsMatching('(sign OR cartao) lang:pt')).toEqual([root.id, retweet.id]);
    expect(idsMatching('(sign OR cartao) lang:pt -is:retweet')).toEqual([root.id]);
    expect(idsMatching('(lumi OR @lumi_br OR #lumi) -is:retweet -from:lumi_br')).toEqual([root.id, english.id]);
    expect(idsMatching('lumi -(from:lumi_br OR lang:en) -is:retweet')).toEqual([root.id]);
  });
});
