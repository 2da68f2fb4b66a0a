import { loadSettings } from '../config/load-settings.js';
import type { Settings } from '../config/settings.js';
import { type Lake, putJson } from '../lake/lake.js';
import { openLake } from '../lake/open-lake.js';
import { runLogKey } from '../lake/zones.js';
import { terminalProgress } from './cli-progress.js';

/** What every stage command needs: validated settings, the lake, and progress output. */
export interface StageContext {
  settings: Settings;
  lake: Lake;
  progress: ReturnType<typeof terminalProgress>;
  /** `--json`: print each stage's summary as one JSON line instead of text (for schedulers and scripts). */
  json: boolean;
}

export async function stageContext(globals: { config?: string; json?: boolean }): Promise<StageContext> {
  const settings = loadSettings({ configFile: globals.config });
  const lake = await openLake(settings.lake, settings.lakeOptions);
  return { settings, lake, progress: terminalProgress(), json: globals.json === true };
}

/** With `--json`, prints `{"stage": …, …summary}` on one line and returns true. */
export function printJson(ctx: StageContext, stage: string, summary: object): boolean {
  if (!ctx.json) return false;
  ctx.progress.clear();
  console.log(JSON.stringify({ stage, ...summary }));
  return true;
}

/** Records a finished stage run under `_state/runs/` for `tweetpipe status`. */
export async function recordRun(lake: Lake, stage: string, startedAt: Date, summary: unknown): Promise<void> {
  const started = startedAt.toISOString();
  await putJson(lake, runLogKey(stage, started), {
    stage,
    started_at: started,
    finished_at: new Date().toISOString(),
    summary,
  });
}
