/** Retrieval metadata wrapped around each API response in the landing zone. */
export interface LandingMeta {
  retrieved_at: string;
  endpoint: string;
  query: string | null;
  request_url: string;
  status: number;
}

/**
 * One landing line: the metadata, then `"response":` followed by the body exactly as received.
 * The body is spliced in as text, so its bytes are preserved (X sends compact JSON, one line).
 */
export function landingLine(meta: LandingMeta, rawBody: string): string {
  const body = rawBody.replace(/\r?\n$/, '');
  if (body.includes('\n')) throw new Error('response body spans lines; cannot land it as JSONL');
  return `${JSON.stringify(meta).slice(0, -1)},"response":${body}}`;
}
