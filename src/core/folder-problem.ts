/** What a file-system error code says is wrong with a folder tweetpipe was pointed at. */
const PROBLEMS: Record<string, string> = {
  ENOTDIR: 'a part of its path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'a path is too long for the file system',
};

/**
 * Why a file-system error means the folder of `of` ("the lake") cannot be used, a setting to fix;
 * undefined for any other error, ENOENT included. (A recursive `mkdir` through a file fails with
 * EEXIST.)
 */
export function folderProblem(error: unknown, of: string): string | undefined {
  const { code, syscall } = error as NodeJS.ErrnoException;
  if (code === 'EEXIST' && syscall === 'mkdir') return PROBLEMS.ENOTDIR;
  if (code === 'EISDIR') return `a folder is where a file of ${of} should be`;
  return code === undefined ? undefined : PROBLEMS[code];
}
