import { afterUnlink, distinctAuthors, planLink, type AuthorKey } from './people';

const x = (id: string): AuthorKey => ({ platform: 'x', authorId: id });
const ig = (id: string): AuthorKey => ({ platform: 'instagram', authorId: id });

describe('planLink', () => {
  it.each<[string, string | null, AuthorKey[], [string, string][], ReturnType<typeof planLink>]>([
    ['a new person links every author', null, [x('1'), ig('9')], [], { add: [x('1'), ig('9')], conflict: null }],
    ['the same author twice counts once', null, [x('1'), x('1'), ig('9')], [], { add: [x('1'), ig('9')], conflict: null }],
    ['an author already in this person is left alone', 'p1', [x('1'), ig('9')], [['x:1', 'p1']], { add: [ig('9')], conflict: null }],
    [
      'an author of another person is a conflict, nothing added',
      'p1',
      [ig('9'), x('2')],
      [['x:2', 'p2']],
      { add: [], conflict: { author: x('2'), personId: 'p2' } },
    ],
    [
      'a new person with a linked author is a conflict',
      null,
      [x('1'), ig('9')],
      [
        ['ig:9', 'p3'],
        ['x:1', 'p2'],
      ],
      { add: [], conflict: { author: x('1'), personId: 'p2' } },
    ],
    [
      'the same id on two networks is two authors',
      null,
      [x('7'), ig('7')],
      [['x:7', 'p4']],
      { add: [], conflict: { author: x('7'), personId: 'p4' } },
    ],
  ])('%s', (_name, personId, requested, owners, expected) => {
    expect(planLink(personId, requested, new Map(owners))).toEqual(expected);
  });
});

describe('afterUnlink', () => {
  it('keeps a person with two or more authors left', () => {
    expect(afterUnlink([x('1'), ig('9'), { platform: 'bluesky', authorId: 'did:plc:a' }], ig('9'))).toEqual({
      remaining: [x('1'), { platform: 'bluesky', authorId: 'did:plc:a' }],
      dissolved: false,
    });
  });

  it('dissolves a person left with one author', () => {
    expect(afterUnlink([x('1'), ig('9')], x('1'))).toEqual({ remaining: [], dissolved: true });
  });
});

describe('distinctAuthors', () => {
  it('keeps the first of each network and id, in order', () => {
    expect(distinctAuthors([ig('9'), x('1'), ig('9')])).toEqual([ig('9'), x('1')]);
  });
});
