import { renderSavedReply, unknownVariables, type RenderContext } from './saved-replies.render';

describe('renderSavedReply', () => {
  const full: RenderContext = { customer: { name: 'Ana', handle: 'ana_b' }, agent: { name: 'Bia' }, case: { id: 'c1' } };
  it.each<[string, string, RenderContext, string]>([
    ['all variables', 'Oi {{customer.name}}, aqui é {{agent.name}} (caso {{case.id}}).', full, 'Oi Ana, aqui é Bia (caso c1).'],
    ['spaces inside braces', 'Hi {{ customer.name }}!', full, 'Hi Ana!'],
    ['the same variable twice', '{{agent.name}} / {{agent.name}}', full, 'Bia / Bia'],
    ['no name: the handle', 'Oi {{customer.name}}', { customer: { name: null, handle: 'ana_b' } }, 'Oi ana_b'],
    ['blank name: the handle', 'Oi {{customer.name}}', { customer: { name: '  ', handle: 'ana_b' } }, 'Oi ana_b'],
    ['nothing known: closed up', 'Oi {{customer.name}}, tudo bem?', {}, 'Oi, tudo bem?'],
    ['no agent', 'Aqui é {{agent.name}}.', { customer: { name: 'Ana' } }, 'Aqui é.'],
    ['no variables', 'Só texto', full, 'Só texto'],
    ['single braces untouched', 'Use {code}', full, 'Use {code}'],
  ])('%s', (_, text, ctx, expected) => {
    expect(renderSavedReply(text, ctx)).toBe(expected);
  });
});

describe('unknownVariables', () => {
  it.each<[string, string[]]>([
    ['Oi {{customer.name}} {{agent.name}} {{case.id}}', []],
    ['Oi {{customer.email}}', ['customer.email']],
    ['{{ foo }} {{foo}} {{bar}}', ['foo', 'bar']],
    ['{{}}', ['']],
    ['no placeholders', []],
  ])('%s', (text, expected) => {
    expect(unknownVariables(text)).toEqual(expected);
  });
});
