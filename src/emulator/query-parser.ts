/** The parsed form of an X search query. */
export type QueryNode =
  | { kind: 'and'; items: QueryNode[] }
  | { kind: 'or'; items: QueryNode[] }
  | { kind: 'not'; item: QueryNode }
  | { kind: 'keyword'; value: string }
  | { kind: 'phrase'; value: string }
  | { kind: 'hashtag' | 'mention' | 'cashtag'; value: string }
  | { kind: 'operator'; name: string; value: string };

/** Operators X accepts only beside a standalone term. */
const CONJUNCTION_REQUIRED = new Set(['is', 'has', 'lang']);
const STANDALONE = new Set(['from', 'to', 'conversation_id', 'url', 'retweets_of']);
const IS_VALUES = new Set(['retweet', 'reply', 'quote', 'verified']);
const HAS_VALUES = new Set(['media', 'links', 'hashtags', 'mentions', 'cashtags', 'geo', 'images', 'videos']);
export const MAX_QUERY_LENGTH = 512;

export class QuerySyntaxError extends Error {}

/** Parses a query string; throws `QuerySyntaxError` with X-like wording when it is not valid. */
export function parseQuery(query: string): QueryNode {
  if (query.trim() === '') throw new QuerySyntaxError('The `query` parameter can not be empty');
  if ([...query].length > MAX_QUERY_LENGTH) {
    throw new QuerySyntaxError(
      `The \`query\` parameter exceeds the maximum length of ${MAX_QUERY_LENGTH} characters`,
    );
  }
  const tokens = tokenize(query);
  let pos = 0;
  const peek = () => tokens[pos];

  const parseOr = (): QueryNode => {
    const items = [parseAnd()];
    while (peek()?.type === 'or') {
      pos++;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  };
  const parseAnd = (): QueryNode => {
    const items: QueryNode[] = [];
    while (pos < tokens.length && peek()!.type !== 'or' && peek()!.type !== 'close') items.push(parseUnary());
    if (items.length === 0)
      throw new QuerySyntaxError('There were errors processing your request: missing term');
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  };
  const parseUnary = (): QueryNode => {
    const token = tokens[pos++]!;
    if (token.type === 'not') return { kind: 'not', item: parseUnary() };
    if (token.type === 'open') {
      const inner = parseOr();
      if (tokens[pos]?.type !== 'close')
        throw new QuerySyntaxError('There were errors processing your request: unbalanced parentheses');
      pos++;
      return inner;
    }
    if (token.type === 'phrase') return { kind: 'phrase', value: token.value.toLowerCase() };
    if (token.type === 'term') return term(token.value);
    throw new QuerySyntaxError('There were errors processing your request: unexpected token');
  };

  const tree = parseOr();
  if (pos !== tokens.length)
    throw new QuerySyntaxError('There were errors processing your request: unbalanced parentheses');
  if (!hasPositiveStandalone(tree)) {
    throw new QuerySyntaxError(
      'There were errors processing your request: Rules must contain a non-negation term and at least one non-is/has/lang operator',
    );
  }
  return tree;
}

type Token = { type: 'open' | 'close' | 'or' | 'not' } | { type: 'term' | 'phrase'; value: string };

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(') {
      tokens.push({ type: 'open' });
      i++;
    } else if (c === ')') {
      tokens.push({ type: 'close' });
      i++;
    } else if (c === '-' && i + 1 < query.length && !/\s/.test(query[i + 1]!)) {
      tokens.push({ type: 'not' });
      i++;
    } else if (c === '"') {
      const end = query.indexOf('"', i + 1);
      if (end < 0)
        throw new QuerySyntaxError('There were errors processing your request: unterminated quoted phrase');
      tokens.push({ type: 'phrase', value: query.slice(i + 1, end) });
      i = end + 1;
    } else {
      let j = i;
      while (j < query.length && !/[\s()"]/.test(query[j]!)) j++;
      const word = query.slice(i, j);
      tokens.push(word === 'OR' ? { type: 'or' } : { type: 'term', value: word });
      i = j;
    }
  }
  return tokens;
}

function term(word: string): QueryNode {
  const lower = word.toLowerCase();
  if (word.length > 1 && word[0] === '#') return { kind: 'hashtag', value: lower.slice(1) };
  if (word.length > 1 && word[0] === '@') return { kind: 'mention', value: lower.slice(1) };
  if (word.length > 1 && word[0] === '$' && !/^\$\d/.test(word))
    return { kind: 'cashtag', value: lower.slice(1) };
  const colon = word.indexOf(':');
  if (colon > 0 && !word.startsWith('http')) {
    const name = lower.slice(0, colon);
    const value = word.slice(colon + 1);
    if (!CONJUNCTION_REQUIRED.has(name) && !STANDALONE.has(name)) {
      throw new QuerySyntaxError(
        `There were errors processing your request: Reference to invalid operator '${name}'`,
      );
    }
    if (value === '')
      throw new QuerySyntaxError(
        `There were errors processing your request: operator '${name}' needs a value`,
      );
    if (name === 'is' && !IS_VALUES.has(value)) {
      throw new QuerySyntaxError(
        `There were errors processing your request: Reference to invalid field 'is:${value}'`,
      );
    }
    if (name === 'has' && !HAS_VALUES.has(value)) {
      throw new QuerySyntaxError(
        `There were errors processing your request: Reference to invalid field 'has:${value}'`,
      );
    }
    return { kind: 'operator', name, value: value.toLowerCase() };
  }
  return { kind: 'keyword', value: lower };
}

function hasPositiveStandalone(node: QueryNode): boolean {
  switch (node.kind) {
    case 'and':
      return node.items.some(hasPositiveStandalone);
    case 'or':
      return node.items.every(hasPositiveStandalone);
    case 'not':
      return false;
    case 'operator':
      return !CONJUNCTION_REQUIRED.has(node.name);
    default:
      return true;
  }
}
