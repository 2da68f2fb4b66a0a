import type { Progress } from '../core/progress.js';
import { redactSecrets } from '../core/secret.js';

/**
 * Progress on stderr: on a terminal the status line is rewritten in place; elsewhere (CI, logs)
 * a status line is printed at most every 10 seconds so logs stay readable.
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress & { clear(): void } {
  const tty = stream.isTTY === true;
  let shown = false;
  // Off a terminal, the first status line waits 10 s too: short runs print only their summary.
  let lastPrinted = Date.now();
  const clear = () => {
    if (tty && shown) stream.write('\r\x1b[K');
    shown = false;
  };
  return {
    clear,
    info(message) {
      clear();
      stream.write(`${redactSecrets(message)}\n`);
    },
    update(message) {
      const text = redactSecrets(message);
      if (tty) {
        stream.write(`\r\x1b[K${text.slice(0, (stream.columns ?? 100) - 1)}`);
        shown = true;
      } else if (Date.now() - lastPrinted > 10_000) {
        stream.write(`${text}\n`);
        lastPrinted = Date.now();
      }
    },
  };
}
