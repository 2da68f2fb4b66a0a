#!/usr/bin/env node
// The `tweetpipe` executable: runs the compiled CLI (build it with `make init`).
import('../dist/src/cli/main.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/src/cli')) {
    console.error('tweetpipe: not built yet. Run `make init` (or `npm run build`) first.');
    process.exit(1);
  }
  throw error;
});
