// Apart from the logger so that worker threads can scrub their errors without loading pino.

/** Returns a function that replaces every secret (plain or URL-encoded) with `[redacted]`. */
export function createScrubber(secrets: string[]): (text: string) => string {
  // Log lines are JSON, so a secret with quotes or backslashes appears escaped there.
  const forms = secrets
    .filter((secret) => secret.length >= 4)
    .flatMap((secret) => [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
  if (forms.length === 0) return (text) => text;
  const pattern = new RegExp(
    [...new Set(forms)].map((form) => form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
    'g',
  );
  return (text) => text.replace(pattern, '[redacted]');
}
