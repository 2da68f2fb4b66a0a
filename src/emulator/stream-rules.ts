import { invalidRequest, type Problem } from './problems.js';
import { parseQuery, type QueryNode, QuerySyntaxError } from './query-parser.js';

export interface StreamRule {
  id: string;
  value: string;
  tag?: string;
  tree: QueryNode;
}

type Json = Record<string, unknown>;

/** The filtered stream's rule set (one per app), with X's add/delete semantics and summaries. */
export class StreamRules {
  readonly #rules = new Map<string, StreamRule>();
  #nextId = 1n;

  constructor(private readonly maxRules = 1000) {}

  list(): StreamRule[] {
    return [...this.#rules.values()];
  }

  /** `GET /2/tweets/search/stream/rules`. */
  get(params: URLSearchParams): { status: 200; body: Json } {
    const ids = params.get('ids')?.split(',');
    const rules = this.list().filter((r) => !ids || ids.includes(r.id));
    const body: Json = { meta: { sent: new Date().toISOString(), result_count: rules.length } };
    if (rules.length) body.data = rules.map(show);
    return { status: 200, body };
  }

  /** `POST /2/tweets/search/stream/rules` with `{add:[…]}` or `{delete:{ids|values}}`; `dry_run=true` changes nothing. */
  post(params: URLSearchParams, rawBody: string): { status: number; body: Json } | Problem {
    let payload: Json;
    try {
      payload = JSON.parse(rawBody) as Json;
    } catch {
      return invalidRequest('Request body is not valid JSON');
    }
    const dryRun = params.get('dry_run') === 'true';
    const sent = new Date().toISOString();
    if (Array.isArray(payload.add)) {
      const created: StreamRule[] = [];
      const errors: Json[] = [];
      const values = new Set(this.list().map((r) => r.value));
      for (const item of payload.add as Json[]) {
        const value = typeof item?.value === 'string' ? item.value : '';
        const tag = typeof item?.tag === 'string' ? item.tag : undefined;
        let tree: QueryNode | undefined;
        let problem: string | undefined;
        if (value.length === 0 || value.length > 1024) problem = 'rule length must be 1 to 1024 characters';
        else
          try {
            tree = parseQuery(value);
          } catch (error) {
            if (!(error instanceof QuerySyntaxError)) throw error;
            problem = error.message;
          }
        if (problem || !tree) {
          errors.push({
            value,
            details: [problem],
            title: 'UnprocessableEntity',
            type: 'https://api.twitter.com/2/problems/invalid-rules',
          });
          continue;
        }
        if (values.has(value)) {
          const existing = this.list().find((r) => r.value === value);
          errors.push({
            value,
            id: existing?.id,
            title: 'DuplicateRule',
            type: 'https://api.twitter.com/2/problems/duplicate-rules',
          });
          continue;
        }
        if (this.#rules.size + created.length >= this.maxRules) {
          errors.push({
            value,
            title: 'RulesCapExceeded',
            type: 'https://api.twitter.com/2/problems/rule-cap',
          });
          continue;
        }
        values.add(value);
        created.push({
          id: String(1_700_000_000_000_000_000n + this.#nextId++),
          value,
          ...(tag ? { tag } : {}),
          tree,
        });
      }
      if (!dryRun) for (const r of created) this.#rules.set(r.id, r);
      const body: Json = {
        meta: {
          sent,
          summary: {
            created: created.length,
            not_created: errors.length,
            valid: created.length,
            invalid: errors.length,
          },
        },
      };
      if (created.length) body.data = created.map(show);
      if (errors.length) body.errors = errors;
      return { status: created.length > 0 ? 201 : 200, body };
    }
    const del = payload.delete as { ids?: unknown; values?: unknown } | undefined;
    if (del && (Array.isArray(del.ids) || Array.isArray(del.values))) {
      const ids = new Set((del.ids as string[] | undefined) ?? []);
      const vals = new Set((del.values as string[] | undefined) ?? []);
      const doomed = this.list().filter((r) => ids.has(r.id) || vals.has(r.value));
      if (!dryRun) for (const r of doomed) this.#rules.delete(r.id);
      const asked = ids.size + vals.size;
      return {
        status: 200,
        body: { meta: { sent, summary: { deleted: doomed.length, not_deleted: asked - doomed.length } } },
      };
    }
    return invalidRequest('Request body must hold "add" (a list of rules) or "delete" (ids or values)');
  }
}

function show(r: StreamRule): Json {
  return r.tag === undefined ? { id: r.id, value: r.value } : { id: r.id, value: r.value, tag: r.tag };
}
