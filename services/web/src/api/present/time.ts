// Concourse sends times as integer Unix seconds.
export function unixSeconds(value: Date | null | undefined): number | undefined {
  return value ? Math.floor(value.getTime() / 1000) : undefined;
}
