import type { Command } from 'commander';
import { type ImportResult, importFiles } from '../../collect/import-files.js';
import { batchesText, label, plural } from '../format.js';
import { printJson, recordRun, stageContext } from '../stage-context.js';

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      'Import collections made with other tools (twarc2, twarc2 flatten, JSON arrays of posts) into landing',
    )
    .argument('<file...>', 'files to import (.jsonl, .json, also gzip-compressed .gz)')
    .addHelpText(
      'after',
      `
Formats, recognised per file:
  twarc2            one API response per line (twarc2 search/timeline/filter output): landed as is
  twarc2 flatten    one post per line with its author and references folded in: regrouped into
                    pages of 100 with "includes", the original file kept beside them
  JSON array        [ {post}, {post}, … ] of X API v2 posts: regrouped the same way
Lines that are not JSON or not posts go to quarantine/import/ with the reason. Importing the same
file twice does nothing. Then run \`tweetpipe process\` and \`tweetpipe load\`.`,
    )
    .action(async (files: string[], _flags: unknown, cmd: Command) => {
      const ctx = await stageContext(cmd.optsWithGlobals());
      const started = new Date();
      const results = await importFiles(ctx.lake, files, ctx.progress, {
        maxBatchPosts: ctx.settings.batchPosts,
      });
      await recordRun(ctx.lake, 'import', started, results);
      if (printJson(ctx, 'import', { files: results })) return;
      ctx.progress.clear();
      const posts = results.reduce((n, r) => n + r.posts, 0);
      console.log(`${label('import')} ${plural(posts, 'post')} from ${plural(results.length, 'file')}`);
      for (const r of results) {
        console.log(`${label('')}   ${r.file}: ${importedText(r)}`);
      }
    });
}

/** What became of one imported file, in a few words. */
function importedText(r: ImportResult): string {
  if (r.skipped) return 'already imported (same content), nothing to do';
  const bad = r.quarantined ? `${plural(r.quarantined, 'bad line')} quarantined with the reason` : '';
  if (r.format === 'empty') return bad ? `no posts in a known format; ${bad}` : 'empty, nothing to import';
  const batches = r.batches.length ? ` → ${batchesText(r.batches)}` : '';
  return `${r.format}: ${plural(r.posts, 'post')} in ${plural(r.pages, 'page')}${batches}${bad ? `; ${bad}` : ''}`;
}
