export { Corpus, DEFAULT_SLOT_MS } from './corpus.js';
export type { CorpusPost, CorpusUser } from './corpus-types.js';
export { type EmulatorOptions, type Fault, type RunningEmulator, startEmulator } from './emulator-server.js';
export { EXPANSIONS, MEDIA_FIELDS, PLACE_FIELDS, TWEET_FIELDS, USER_FIELDS } from './fields.js';
export { parseQuery } from './query-parser.js';
export { matchesQuery } from './query-match.js';
export { renderPosts } from './render.js';
export { RECENT_WINDOW_MS, searchRecent } from './search-recent.js';
export { corpusMatches } from './corpus-matches.js';
