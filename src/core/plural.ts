/** "1 post", "2 posts", "12,345 posts" (with thousands separators). */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? word : many}`;
}
