/**
 * The Graph API's `fields` syntax, as the emulator reads it: a comma-separated list where each field
 * may carry modifiers (`comments.summary(true).limit(0)`) and sub-fields (`parent{id}`,
 * `replies{id,text}`), nested freely.
 */
export interface FieldSpec {
  name: string;
  /** `.summary(true)` → { summary: 'true' } */
  modifiers: Record<string, string>;
  /** the fields inside `{...}`, empty when none were given */
  fields: FieldSpec[];
}

export function parseFields(text: string): FieldSpec[] {
  const specs: FieldSpec[] = [];
  for (const part of splitTopLevel(text, ',')) {
    const trimmed = part.trim();
    if (trimmed) specs.push(parseField(trimmed));
  }
  return specs;
}

function parseField(text: string): FieldSpec {
  const name = /^[A-Za-z0-9_]+/.exec(text)?.[0] ?? text;
  let rest = text.slice(name.length);
  const modifiers: Record<string, string> = {};
  let fields: FieldSpec[] = [];
  while (rest.length) {
    if (rest.startsWith('.')) {
      const m = /^\.([A-Za-z_]+)\(([^)]*)\)/.exec(rest);
      if (!m) break;
      modifiers[m[1]] = m[2];
      rest = rest.slice(m[0].length);
    } else if (rest.startsWith('{')) {
      const close = matchingBrace(rest);
      fields = parseFields(rest.slice(1, close));
      rest = rest.slice(close + 1);
    } else break;
  }
  return { name, modifiers, fields };
}

function matchingBrace(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return text.length;
}

function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{' || c === '(') depth++;
    else if (c === '}' || c === ')') depth--;
    else if (c === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Whether `name` was asked for (with no `fields`, only `id` is: the Graph API's default for most edges). */
export const asked = (fields: FieldSpec[], name: string): FieldSpec | undefined => fields.find((f) => f.name === name);
