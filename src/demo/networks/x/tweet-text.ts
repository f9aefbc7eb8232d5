import { createHash } from 'node:crypto';
import type { HashtagEntity, MentionEntity, TweetEntities, UrlEntity } from './x-emulator.types';

/**
 * X's entity extraction (hashtags, mentions, cashtags, URLs wrapped in t.co links), as the store
 * runs it on every new post. Entity offsets count Unicode code points, as X API v2 does, not UTF-16
 * units. Keyword tokens are common/text.ts's `searchTokens`.
 */

const URL_PATTERN = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]/g;
const HASHTAG_PATTERN = /(^|[^\p{L}\p{N}_&#])[#＃]([\p{L}\p{M}\p{N}_]*[\p{L}\p{M}_][\p{L}\p{M}\p{N}_]*)/gu;
const MENTION_PATTERN = /(^|[^\p{L}\p{N}_@])[@＠]([A-Za-z0-9_]{1,15})(?![A-Za-z0-9_@])/gu;
const CASHTAG_PATTERN = /(^|\s)\$([A-Za-z]{1,6}(?:[._][A-Za-z]{1,2})?)(?![\p{L}\p{N}])/gu;

/** Replaces each URL with a deterministic t.co link, as X does when a post is created. */
export function wrapUrls(text: string): { text: string; links: Map<string, string> } {
  const links = new Map<string, string>();
  const wrapped = text.replace(URL_PATTERN, (expanded) => {
    const code = createHash('sha256').update(expanded).digest('base64url').replace(/[-_]/g, 'x').slice(0, 10);
    const short = `https://t.co/${code}`;
    links.set(short, expanded);
    return short;
  });
  return { text: wrapped, links };
}

export function extractEntities(text: string, links: ReadonlyMap<string, string> = new Map()): TweetEntities {
  const codePointIndex = codePointIndexer(text);
  const hashtags: HashtagEntity[] = [];
  const mentions: MentionEntity[] = [];
  const cashtags: HashtagEntity[] = [];
  const urls: UrlEntity[] = [];
  for (const match of text.matchAll(HASHTAG_PATTERN)) {
    const start = (match.index ?? 0) + match[1].length;
    const end = start + 1 + match[2].length;
    hashtags.push({ start: codePointIndex(start), end: codePointIndex(end), tag: match[2] });
  }
  for (const match of text.matchAll(MENTION_PATTERN)) {
    const start = (match.index ?? 0) + match[1].length;
    const end = start + 1 + match[2].length;
    mentions.push({ start: codePointIndex(start), end: codePointIndex(end), username: match[2] });
  }
  for (const match of text.matchAll(CASHTAG_PATTERN)) {
    const start = (match.index ?? 0) + match[1].length;
    const end = start + 1 + match[2].length;
    cashtags.push({ start: codePointIndex(start), end: codePointIndex(end), tag: match[2] });
  }
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0;
    const url = match[0];
    const expanded = links.get(url) ?? url;
    const bare = expanded.replace(/^https?:\/\/(www\.)?/, '');
    urls.push({
      start: codePointIndex(start),
      end: codePointIndex(start + url.length),
      url,
      expanded_url: expanded,
      display_url: bare.length > 26 ? `${bare.slice(0, 25)}…` : bare,
      unwound_url: expanded,
    });
  }
  return { hashtags, mentions, urls, cashtags };
}

function codePointIndexer(text: string): (utf16Index: number) => number {
  return (utf16Index) => Array.from(text.slice(0, utf16Index)).length;
}
