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
}

export async function stageContext(globals: { config?: string }): Promise<StageContext> {
  const settings = loadSettings({ configFile: globals.config });
  const lake = await openLake(settings.lake, settings.lakeOptions);
  return { settings, lake, progress: terminalProgress() };
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
