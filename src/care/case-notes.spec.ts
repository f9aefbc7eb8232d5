import { resolveMentions } from './case-notes';

describe('resolveMentions', () => {
  const agents = [
    { id: 'a1', name: 'Ana Lima' },
    { id: 'a2', name: 'Ana Souza' },
    { id: 'b1', name: 'Bruno Araújo' },
  ];
  it.each<[string, string[]]>([
    ['@Ana Lima can you look?', ['a1']],
    ['cc @anasouza and @bruno', ['a2', 'b1']],
    ['@Ana alone is ambiguous', []],
    ['@bruno araujo sem acento', ['b1']],
    ['email ana@lima.com is not a mention', []],
    ['@brunox is someone else', []],
    ['@Bruno, @bruno twice', ['b1']],
  ])('%s', (text, ids) => {
    expect(resolveMentions(text, agents).map((m) => m.agentId)).toEqual(ids);
  });
});
