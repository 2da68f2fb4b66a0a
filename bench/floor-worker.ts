import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';

/** The floor: decompress and JSON.parse every line of the given files; report posts seen. */
let posts = 0;
for (const file of workerData.files as string[]) {
  const text = gunzipSync(readFileSync(file)).toString('utf8');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const parsed = JSON.parse(line);
    posts += parsed.response?.data?.length ?? 0;
  }
}
parentPort!.postMessage(posts);
