const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&apos;': "'" };
const ENTITY = /&(?:amp|lt|gt|quot|apos|#39);/g;
const ESCAPED_CODE_UNIT = /\\u([0-9a-fA-F]{4})/g;

/**
 * Undoes the escaping posts arrive with: X's API sends "&amp;", "&lt;" and "&gt;" in post text,
 * and some exports keep JSON escapes such as "\u2019" as literal text. "&lt;3" must reach the
 * scorer as the heart "<3". Posts without '&' or '\' are returned as they are.
 */
export function unescapePostText(text: string): string {
  let out = text;
  if (out.includes('&')) out = out.replace(ENTITY, (entity) => ENTITIES[entity] ?? entity);
  if (out.includes('\\u')) out = out.replace(ESCAPED_CODE_UNIT, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return out;
}
