/** A connection URI without its password (`postgres://u:***@h/db`), for messages and summaries. */
export function redactUri(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@]*@/i, '$1:***@');
}
