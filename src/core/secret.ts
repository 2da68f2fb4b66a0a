import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * Holds a credential so that it never prints: `String()`, `JSON.stringify()` and
 * `console.log()` all show `[redacted]`. Call `reveal()` only where the value is sent.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
    registerSecret(value);
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return REDACTED;
  }
}

const known = new Set<string>();

function registerSecret(value: string): void {
  if (value.length >= 4) known.add(value);
}

/** Replaces every known secret in `text` with `[redacted]`: the last guard before anything is printed. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const value of known) out = out.split(value).join(REDACTED);
  return out;
}
