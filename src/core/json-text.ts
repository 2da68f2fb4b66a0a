/** An array or object being written by `jsonText`, and how far. */
type Open =
  | { array: unknown[]; at: number }
  | { object: Record<string, unknown>; keys: string[]; at: number };

/**
 * `JSON.stringify` of a value `JSON.parse` gave, at any depth. `JSON.parse` reads nesting of any
 * depth, but `JSON.stringify` recurses and overflows the stack at a few thousand levels: a
 * quarantined post nested that deep would stop the batch instead of going to quarantine. Such a
 * value is written by a loop instead, to the same text (keys in `Object.keys` order, numbers as
 * `String`, non-finite numbers as `null`).
 */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  const out: string[] = [];
  const open: Open[] = [];
  const write = (v: unknown) => {
    if (Array.isArray(v)) {
      out.push('[');
      open.push({ array: v, at: 0 });
    } else if (typeof v === 'object' && v !== null) {
      out.push('{');
      open.push({ object: v as Record<string, unknown>, keys: Object.keys(v), at: 0 });
    } else {
      out.push(JSON.stringify(v) ?? 'null');
    }
  };
  write(value);
  while (open.length > 0) {
    const top = open[open.length - 1]!;
    if ('array' in top) {
      if (top.at === top.array.length) {
        out.push(']');
        open.pop();
        continue;
      }
      if (top.at > 0) out.push(',');
      write(top.array[top.at++]);
    } else {
      if (top.at === top.keys.length) {
        out.push('}');
        open.pop();
        continue;
      }
      if (top.at > 0) out.push(',');
      const key = top.keys[top.at++]!;
      out.push(JSON.stringify(key), ':');
      write(top.object[key]);
    }
  }
  return out.join('');
}
