import type { Command } from 'commander';
import { importFiles } from '../../collect/import-files.js';
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
        const what = r.skipped
          ? 'already imported (same content), nothing to do'
          : r.format === 'empty'
            ? r.quarantined
              ? `no posts in a known format; ${plural(r.quarantined, 'bad line')} quarantined with the reason`
              : 'empty, nothing to import'
            : `${r.format}: ${plural(r.posts, 'post')} in ${plural(r.pages, 'page')}${r.batches.length ? ` → ${batchesText(r.batches)}` : ''}` +
              (r.quarantined ? `; ${plural(r.quarantined, 'bad line')} quarantined with the reason` : '');
        console.log(`${label('')}   ${r.file}: ${what}`);
      }
    });
}
