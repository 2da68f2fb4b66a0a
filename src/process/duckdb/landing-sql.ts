/**
 * SQL pieces that let DuckDB read landing lines itself: the typed shape of an X API v2 response
 * (only the fields the contract uses; others are ignored) and macros that apply the contract's
 * rules exactly as the TypeScript flattener does (`flatten-batch.ts`, `clean/clean-text.ts`).
 * Where DuckDB's functions could disagree with JavaScript's (lower-casing of `İ` and `Σ`, URL host
 * parsing beyond plain ASCII names, NFKC), the caller computes those values in TypeScript.
 */

// Scalars are read as JSON (kept as text) so each keeps its JSON type: the macros below take a
// value only when it has the type the contract expects, as the TypeScript flattener does (a
// counter sent as "12" or a text sent as 12 is NULL, not cast). Structs and lists are typed: a
// response whose shape differs fails the read, and the batch is flattened in TypeScript. Users
// are the exception (`USER_STRUCTURE`).
const J = 'JSON';
const ENTITY = (extra: string) => `STRUCT("start" ${J}, "end" ${J}, ${extra})[]`;
const ENTITIES =
  `STRUCT(hashtags ${ENTITY(`tag ${J}`)}, cashtags ${ENTITY(`tag ${J}`)}, ` +
  `mentions ${ENTITY(`username ${J}, id ${J}`)}, ` +
  `urls ${ENTITY(`url ${J}, expanded_url ${J}, display_url ${J}`)})`;
const POST =
  `STRUCT(id ${J}, author_id ${J}, conversation_id ${J}, in_reply_to_user_id ${J}, created_at VARCHAR, ` +
  `text ${J}, lang ${J}, source ${J}, possibly_sensitive ${J}, reply_settings ${J}, ` +
  `referenced_tweets STRUCT(type ${J}, id ${J})[], ` +
  `public_metrics STRUCT(retweet_count ${J}, reply_count ${J}, like_count ${J}, quote_count ${J}, ` +
  `impression_count ${J}, bookmark_count ${J}), ` +
  `entities ${ENTITIES}, note_tweet STRUCT(text ${J}, entities ${ENTITIES}), ` +
  `edit_history_tweet_ids ${J}[], attachments STRUCT(media_keys ${J}[]), geo STRUCT(place_id ${J}))`;
/**
 * A user, as the structure `json_transform` takes: users are read as raw JSON (an account is on
 * many pages) and only each account's latest occurrence is typed. A field of another shape is
 * NULL, as in the TypeScript flattener.
 */
export const USER_STRUCTURE = JSON.stringify({
  ...Object.fromEntries(
    ['id', 'username', 'name', 'description', 'location', 'url', 'profile_image_url'].map((k) => [k, J]),
  ),
  created_at: 'VARCHAR',
  ...Object.fromEntries(['verified', 'verified_type', 'protected'].map((k) => [k, J])),
  public_metrics: Object.fromEntries(
    ['followers_count', 'following_count', 'tweet_count', 'listed_count', 'like_count'].map((k) => [k, J]),
  ),
});
const MEDIA =
  `STRUCT(media_key ${J}, type ${J}, url ${J}, preview_image_url ${J}, width ${J}, ` +
  `height ${J}, duration_ms ${J}, alt_text ${J}, public_metrics STRUCT(view_count ${J}))`;
const PLACE =
  `STRUCT(id ${J}, full_name ${J}, name ${J}, country ${J}, country_code ${J}, ` +
  `place_type ${J}, geo STRUCT(bbox ${J}[]))`;

/** The typed landing line: `retrieved_at` and the response, for `read_json(columns = …)`. */
export const LANDING_COLUMNS = {
  retrieved_at: 'VARCHAR',
  response: `STRUCT(data ${POST}[], includes STRUCT(users JSON[], tweets ${POST}[], media ${MEDIA}[], places ${PLACE}[]), errors JSON[])`,
};

// White space as JavaScript's `\s` (with the `u` flag) defines it, for RE2; WS1 without the space.
const WS1 = String.raw`\t\n\x0B\f\r\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}`;
const WS = `${WS1} `;

/**
 * Code point ranges NFC leaves alone in any text made only of them: each is NFC, never the second
 * part of a composition, and of combining class 0 (checked against JavaScript's Unicode data by
 * `landing-sql.test.ts`). Text with anything else goes through `nfc_normalize`.
 */
export const NFC_INERT: readonly (readonly [number, number])[] = [
  [0x0, 0x2ff],
  [0x370, 0x373],
  [0x375, 0x37d],
  [0x37f, 0x386],
  [0x388, 0x3ff],
  [0x400, 0x482],
  [0x48a, 0x52f],
  [0x5d0, 0x5ea],
  [0x620, 0x64a],
  [0xe01, 0xe30],
  [0x200b, 0x2027],
  [0x2030, 0x205e],
  [0x2190, 0x2328],
  [0x232b, 0x27bf],
  [0x2b00, 0x2bff],
  [0x3000, 0x3029],
  [0x3041, 0x3096],
  [0x30a1, 0x30fa],
  [0x30fc, 0x30ff],
  [0x4e00, 0x9fff],
  [0xac00, 0xd7a3],
  [0xfe0f, 0xfe0f],
  [0xff01, 0xffef],
  [0x1d400, 0x1d7ff],
  [0x1f000, 0x1faff],
];
const hex = (n: number) => `\\x{${n.toString(16)}}`;
const ranges = (list: readonly (readonly [number, number])[]) =>
  list.map(([a, b]) => (a === b ? hex(a) : `${hex(a)}-${hex(b)}`)).join('');
const NOT_NFC_INERT = `[^${ranges(NFC_INERT)}]`;

/**
 * Code points whose normalization data DuckDB's `nfc_normalize` does not have yet (new in Unicode
 * 16 and 17): combining marks it takes for starters, and letters that compose or decompose in
 * JavaScript only (Todhri, Tulu-Tigalari, Gurung Khema, Kirat Rai, …). `tp_nfc`
 * gives NULL for a text with one, and such a batch goes to TypeScript; `landing-sql.test.ts`
 * finds them all by comparing the two on every code point.
 */
export const NFC_UNSAFE: readonly (readonly [number, number])[] = [
  [0x897, 0x897],
  [0x1acf, 0x1add],
  [0x1ae0, 0x1aeb],
  [0x105c9, 0x105c9],
  [0x105d2, 0x105d2],
  [0x105da, 0x105da],
  [0x105e4, 0x105e4],
  [0x10d69, 0x10d6d],
  [0x10efa, 0x10efb],
  [0x11382, 0x11385],
  [0x1138b, 0x1138b],
  [0x1138e, 0x1138e],
  [0x11390, 0x11391],
  [0x113b8, 0x113b8],
  [0x113bb, 0x113bb],
  [0x113c2, 0x113c2],
  [0x113c5, 0x113c5],
  [0x113c7, 0x113c9],
  [0x113ce, 0x113d0],
  [0x1611e, 0x16129],
  [0x1612f, 0x1612f],
  [0x16d63, 0x16d63],
  [0x16d67, 0x16d6a],
  [0x1e5ee, 0x1e5ef],
  [0x1e6e3, 0x1e6e3],
  [0x1e6e6, 0x1e6e6],
  [0x1e6ee, 0x1e6ef],
  [0x1e6f5, 0x1e6f5],
];

/**
 * Letters and digits (`\p{L}`, `\p{N}` in JavaScript) that DuckDB's RE2 does not count as such
 * (new in Unicode 16 and 17, CJK ideographs among them); `WORD` adds them, so a mention in
 * `tp_norm` ends where `normalizeText`'s does. `landing-sql.test.ts` compares every code point.
 */
export const RE2_WORD_GAPS: readonly (readonly [number, number])[] = [
  [0x88f, 0x88f],
  [0xc5c, 0xc5c],
  [0xcdc, 0xcdc],
  [0x1c89, 0x1c8a],
  [0xa7cb, 0xa7cf],
  [0xa7d2, 0xa7d2],
  [0xa7d4, 0xa7d4],
  [0xa7da, 0xa7dc],
  [0xa7f1, 0xa7f1],
  [0x105c0, 0x105f3],
  [0x10940, 0x10959],
  [0x10d40, 0x10d65],
  [0x10d6f, 0x10d85],
  [0x10ec2, 0x10ec7],
  [0x11380, 0x11389],
  [0x1138b, 0x1138b],
  [0x1138e, 0x1138e],
  [0x11390, 0x113b5],
  [0x113b7, 0x113b7],
  [0x113d1, 0x113d1],
  [0x113d3, 0x113d3],
  [0x116d0, 0x116e3],
  [0x11bc0, 0x11be0],
  [0x11bf0, 0x11bf9],
  [0x11db0, 0x11ddb],
  [0x11de0, 0x11de9],
  [0x13460, 0x143fa],
  [0x16100, 0x1611d],
  [0x16130, 0x16139],
  [0x16d40, 0x16d6c],
  [0x16d70, 0x16d79],
  [0x16ea0, 0x16eb8],
  [0x16ebb, 0x16ed3],
  [0x16ff2, 0x16ff6],
  [0x187f8, 0x187ff],
  [0x18cff, 0x18cff],
  [0x18d09, 0x18d1e],
  [0x18d80, 0x18df2],
  [0x1ccf0, 0x1ccf9],
  [0x1e5d0, 0x1e5ed],
  [0x1e5f0, 0x1e5fa],
  [0x1e6c0, 0x1e6de],
  [0x1e6e0, 0x1e6e2],
  [0x1e6e4, 0x1e6e5],
  [0x1e6e7, 0x1e6ed],
  [0x1e6f0, 0x1e6f4],
  [0x1e6fe, 0x1e6ff],
  [0x2b73a, 0x2b73f],
  [0x2cea2, 0x2cead],
  [0x2ebf0, 0x2ee5d],
  [0x323b0, 0x33479],
];
/** A mention's character, as `[\p{L}\p{N}_]` with the `u` flag in JavaScript. */
export const WORD = `[\\p{L}\\p{N}_${ranges(RE2_WORD_GAPS)}]`;

/** `http://` or `https://`, in any case. */
const HTTP = '[hH][tT][tT][pP][sS]?://';

/** C0 control characters other than tab and newline (`cleanText` removes them). */
const C0 = String.raw`[\x00-\x08\x0B-\x1F]`;

/**
 * Code points whose JavaScript lower case DuckDB's `lower` does not give: `İ` (a full mapping, to
 * two code points), `Σ` (final sigma is contextual), and capitals new in Unicode 16 that DuckDB's
 * case tables do not have yet (U+1C89, U+A7CB-U+A7DC, U+10D50-U+10D65, U+16EA0-U+16EB8);
 * `landing-sql.test.ts` compares every code point, so a Node.js or DuckDB with other Unicode
 * data fails it.
 */
export const LOWER_CASE_EXCEPTIONS: readonly (readonly [number, number])[] = [
  [0x130, 0x130],
  [0x3a3, 0x3a3],
  [0x1c89, 0x1c89],
  [0xa7cb, 0xa7cc],
  [0xa7ce, 0xa7ce],
  [0xa7d2, 0xa7d2],
  [0xa7d4, 0xa7d4],
  [0xa7da, 0xa7da],
  [0xa7dc, 0xa7dc],
  [0x10d50, 0x10d65],
  [0x16ea0, 0x16eb8],
];

/** RE2 for a text with a `LOWER_CASE_EXCEPTIONS` code point (its `text_normalized` is computed in TypeScript). */
export const HAS_LOWER_CASE_EXCEPTION = `[${ranges(LOWER_CASE_EXCEPTIONS)}]`;

/**
 * Macros (temporary, per connection):
 * - `tp_str(json)`, `tp_num(json)`, `tp_bool(json)`: the value when it is a JSON string, number
 *   or boolean, else NULL (as `str`, `num`, `bool`).
 * - `tp_id(json)`: a decimal 64-bit ID sent as a JSON string, else NULL (as `toId`).
 * - `tp_ts(text)`: an ISO-8601 UTC timestamp as the collector and X write it, else NULL (and the
 *   batch goes to TypeScript, whose `parseTimestamp` also takes zone offsets and years before 1000).
 * - `tp_clean(text)`: `cleanText` — `&lt;` `&gt;` `&amp;` decoded in one pass, NFC, C0 controls
 *   other than tab and newline removed (each step only where the text can need it); NULL for a
 *   text with an `NFC_UNSAFE` code point (as `tp_nfc`).
 * - `tp_norm(text)`: `normalizeText` for text without `LOWER_CASE_EXCEPTIONS`.
 * - `tp_plain_url(url)`: true when the URL's host is a plain ASCII name, where `tp_domain` equals
 *   `urlDomain` (WHATWG parsing); other URLs are resolved in TypeScript.
 */
export const MACROS = [
  `CREATE OR REPLACE TEMP MACRO tp_str(j) AS CASE WHEN starts_with(CAST(j AS VARCHAR), '"') THEN j ->> '$' END`,
  `CREATE OR REPLACE TEMP MACRO tp_num(j) AS CASE WHEN isfinite(TRY_CAST(CAST(j AS VARCHAR) AS DOUBLE)) THEN TRY_CAST(CAST(j AS VARCHAR) AS DOUBLE) END`,
  `CREATE OR REPLACE TEMP MACRO tp_bool(j) AS CASE CAST(j AS VARCHAR) WHEN 'true' THEN true WHEN 'false' THEN false END`,
  `CREATE OR REPLACE TEMP MACRO tp_id(j) AS CASE WHEN regexp_full_match(CAST(j AS VARCHAR), '"[0-9]{1,19}"') ` +
    `THEN TRY_CAST(substring(CAST(j AS VARCHAR), 2, strlen(CAST(j AS VARCHAR)) - 2) AS BIGINT) END`,
  String.raw`CREATE OR REPLACE TEMP MACRO tp_ts(s) AS CASE WHEN regexp_full_match(s, '[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-9]{2}:[0-9]{2}(\.[0-9]{1,3})?Z') THEN TRY_CAST(rtrim(s, 'Z') AS TIMESTAMP) END`,
  `CREATE OR REPLACE TEMP MACRO tp_unescape(t) AS CASE WHEN contains(t, '&') THEN replace(replace(replace(t, '&lt;', '<'), '&gt;', '>'), '&amp;', '&') ELSE t END`,
  // DuckDB's `nfc_normalize` ends the text at a NUL: text with one is normalized piece by piece
  // (NUL never composes, so NFC of the pieces is NFC of the whole).
  `CREATE OR REPLACE TEMP MACRO tp_nfc(t) AS CASE WHEN NOT regexp_matches(t, '${NOT_NFC_INERT}') THEN t ` +
    `WHEN regexp_matches(t, '[${ranges(NFC_UNSAFE)}]') THEN NULL ` +
    `WHEN contains(t, chr(0)) THEN array_to_string(list_transform(string_split(t, chr(0)), s -> nfc_normalize(s)), chr(0)) ` +
    'ELSE nfc_normalize(t) END',
  // (one scan finds the texts NFC or control characters could change; most have neither)
  `CREATE OR REPLACE TEMP MACRO tp_clean(t) AS CASE WHEN regexp_matches(tp_unescape(t), '${NOT_NFC_INERT}|${C0}') ` +
    `THEN regexp_replace(tp_nfc(tp_unescape(t)), '${C0}', '', 'g') ELSE tp_unescape(t) END`,
  `CREATE OR REPLACE TEMP MACRO tp_norm(t) AS trim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(lower(t), '^rt @${WORD}+:[${WS}]*', ''), 'https?://[^${WS}]+', ' ', 'g'), '@${WORD}+', ' ', 'g'), '[${WS}]{2,}|[${WS1}]', ' ', 'g'))`,
  // (ASCII letters spelled out: RE2's `(?i)` folds `ſ` into `s` and `K` into `k`, the URL parser
  // does not read them as those letters)
  String.raw`CREATE OR REPLACE TEMP MACRO tp_plain_url(u) AS regexp_full_match(u, '${HTTP}([a-zA-Z0-9-]+\.)*[a-zA-Z][a-zA-Z0-9-]*([/?#].*)?') AND NOT regexp_matches(u, '^${HTTP}([^/?#]*\.)?[xX][nN]--')`,
  String.raw`CREATE OR REPLACE TEMP MACRO tp_domain(u) AS regexp_replace(lower(regexp_extract(u, '^${HTTP}([^/?#]*)', 1)), '^www\.', '')`,
];
