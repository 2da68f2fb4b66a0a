/** How long-running work reports what it is doing. The CLI prints it; tests usually stay silent. */
export interface Progress {
  /** A line worth keeping (e.g. "resuming batch ..."). */
  info(message: string): void;
  /** A transient status line, replaced by the next one (e.g. a counter or a countdown). */
  update(message: string): void;
}

export const silentProgress: Progress = { info() {}, update() {} };

/** Collects messages in memory; handy for tests that assert on what a user would see. */
export function recordingProgress(): Progress & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => void lines.push(m), update: (m) => void lines.push(m) };
}
