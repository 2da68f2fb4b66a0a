/** Error bodies shaped like X API v2's, sent as `application/problem+json`. */
export interface Problem {
  status: number;
  body: Record<string, unknown>;
}

export function invalidRequest(message: string, parameters: Record<string, string[]> = {}): Problem {
  return {
    status: 400,
    body: {
      errors: [{ parameters, message }],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.twitter.com/2/problems/invalid-request',
    },
  };
}

export function unauthorized(): Problem {
  return {
    status: 401,
    body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' },
  };
}

export function tooManyRequests(): Problem {
  return {
    status: 429,
    body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
  };
}

export function notFound(path: string): Problem {
  return {
    status: 404,
    body: {
      title: 'Not Found',
      detail: `No route for ${path} in the tweetpipe X API emulator`,
      type: 'about:blank',
      status: 404,
    },
  };
}

export function serverError(status: number): Problem {
  return {
    status,
    body: {
      title: 'Service Unavailable',
      detail: 'Service Unavailable (injected fault)',
      type: 'about:blank',
      status,
    },
  };
}

/** A `resource-not-found` partial error, as X reports a missing post or user beside `data`. */
export function resourceNotFound(
  id: string,
  parameter: string,
  kind: 'tweet' | 'user' = 'tweet',
): Record<string, unknown> {
  return {
    value: id,
    detail: `Could not find ${kind} with ${parameter}: [${id}].`,
    title: 'Not Found Error',
    resource_type: kind,
    parameter,
    resource_id: id,
    type: 'https://api.twitter.com/2/problems/resource-not-found',
  };
}

/** X's answer when the app's usage cap for the billing period is reached. */
export function usageCapped(): Problem {
  return {
    status: 429,
    body: {
      title: 'UsageCapExceeded',
      detail: 'Usage cap exceeded: Monthly product cap',
      type: 'https://api.twitter.com/2/problems/usage-capped',
      period: 'Monthly',
      scope: 'Product',
    },
  };
}
