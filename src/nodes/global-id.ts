/**
 * Global ids (Node.nodeId): the type's name and the object's key inside that type, as base64url of
 * "Type:key" ("Order:17" → "T3JkZXI6MTc"). Opaque to clients, the same on every server and after
 * every restart, and unique across types, where the contract's `id` (the REST ancestor's row id)
 * repeats from one type to the next. Decoding is strict and bounded: a text that is not exactly
 * what `encodeGlobalId` makes of some type and key is refused, whatever its length.
 */

/** The longest global id there is: a 32-letter type name, ":" and a 64-character key (97 bytes). */
export const MAX_GLOBAL_ID_LENGTH = 130;

/** A type's name as written into its ids. */
const TYPE_NAME = /^[A-Z][A-Za-z]{0,31}$/;
/** A key as written into an id: visible ASCII, no ':'. */
const KEY_TEXT = /^[!-9;-~]{1,64}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function encodeGlobalId(typeName: string, key: string): string {
  if (!TYPE_NAME.test(typeName) || !KEY_TEXT.test(key)) throw new Error(`no global id for ${typeName} ${key}`);
  return Buffer.from(`${typeName}:${key}`, "latin1").toString("base64url");
}

/** The type's name and the key an id names, or null for a text that is not a global id. */
export function decodeGlobalId(text: string): { typeName: string; key: string } | null {
  if (text.length === 0 || text.length > MAX_GLOBAL_ID_LENGTH || !BASE64URL.test(text)) return null;
  const bytes = Buffer.from(text, "base64url");
  // Buffer's decoder is lenient (it ignores stray bits at the end): an id is only what encodeGlobalId
  // makes, so the text must be the decoded bytes encoded again, character for character.
  if (bytes.toString("base64url") !== text) return null;
  const plain = bytes.toString("latin1");
  const colon = plain.indexOf(":");
  if (colon < 0) return null;
  const typeName = plain.slice(0, colon);
  const key = plain.slice(colon + 1);
  return TYPE_NAME.test(typeName) && KEY_TEXT.test(key) ? { typeName, key } : null;
}
