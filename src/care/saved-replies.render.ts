/** The variables a saved reply may use; anything else in `{{ }}` is refused when the reply is saved. */
export const SAVED_REPLY_VARIABLES = ['customer.name', 'agent.name', 'case.id'] as const;
export type SavedReplyVariable = (typeof SAVED_REPLY_VARIABLES)[number];

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The `{{ }}` names in a text that are not known variables (in order, once each). */
export function unknownVariables(text: string): string[] {
  const unknown = new Set<string>();
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (!(SAVED_REPLY_VARIABLES as readonly string[]).includes(m[1])) unknown.add(m[1]);
  }
  return [...unknown];
}

export interface RenderContext {
  customer?: { name?: string | null; handle?: string | null } | null;
  agent?: { name?: string | null } | null;
  case?: { id?: string | null } | null;
}

/**
 * Fills a saved reply's variables. A missing customer name falls back to the handle; a value
 * still missing leaves the text around it (the placeholder becomes empty, spaces before
 * punctuation are closed up).
 */
export function renderSavedReply(text: string, ctx: RenderContext): string {
  const values: Record<SavedReplyVariable, string | null | undefined> = {
    'customer.name': ctx.customer?.name?.trim() || ctx.customer?.handle?.trim(),
    'agent.name': ctx.agent?.name?.trim(),
    'case.id': ctx.case?.id,
  };
  return text
    .replace(PLACEHOLDER, (_, name: string) => values[name as SavedReplyVariable] ?? '')
    .replace(/ +([,.!?;:])/g, '$1')
    .replace(/ {2,}/g, ' ')
    .trim();
}
