// @duckdb/node-api (1.5.6-r.1) decodes every VARCHAR with a default TextDecoder, which drops a
// leading U+FEFF. Text whose every character counts (a post's text, a tag, a cut value) is read
// as JSON instead, and parsed back here.

/** A DuckDB SELECT expression giving `expr` (VARCHAR) as JSON text, for `textFromJson`. */
export function textAsJson(expr: string): string {
  return `CAST(to_json(${expr}) AS VARCHAR)`;
}

/** The text a `textAsJson` column carried, every character kept. */
export function textFromJson(json: string): string {
  return JSON.parse(json) as string;
}
