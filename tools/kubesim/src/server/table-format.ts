// Shared pieces of the Tables kubectl prints: column definitions and ages like "5s", "3m", "2h".
export function tableColumn(name: string, description: string, priority = 0): object {
  return { name, type: 'string', format: name === 'Name' ? 'name' : '', description, priority };
}

export function age(timestamp: string | undefined): string {
  if (!timestamp) return '<unknown>';
  const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(timestamp)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 3600 * 2) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400 * 2) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}
