// File system errors in the text Go's os package gives them ("open /x: no such file or directory").

const messages: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'file exists',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
};

export function goErrorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const reason = (e.code && messages[e.code]) ?? e.message;
  return e.syscall && e.path ? `${e.syscall} ${e.path}: ${reason}` : reason;
}
