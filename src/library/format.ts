const UNITS = ['B', 'KB', 'MB', 'GB'] as const;

/** A byte count as people read it: `532 B`, `1.5 MB`, `2 GB` (1 KB = 1024 B). */
export function formatSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${Number(value.toFixed(digits))} ${UNITS[unit]}`;
}
