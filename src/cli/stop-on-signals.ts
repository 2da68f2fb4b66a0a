/**
 * SIGINT (Ctrl-C) and SIGTERM (a scheduler stopping the task) abort the returned signal, with the
 * signal's name as its reason, instead of killing the process: the command stops what runs
 * outside it and cleans up. `dispose` gives the signals back their default behaviour.
 */
export function stopOnSignals(onStop?: (signal: NodeJS.Signals) => void): {
  signal: AbortSignal;
  dispose(): void;
} {
  const controller = new AbortController();
  const stop = (name: NodeJS.Signals) => {
    onStop?.(name);
    controller.abort(name);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}
