/** One sample line: `name{label="value",...} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A metric family: its HELP and TYPE lines and its samples. */
export interface Family {
  help: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
// The sample names a family of each type may have, after its own name.
const SUFFIXES: Record<Family['type'], string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/**
 * Parses the Prometheus text exposition format (version 0.0.4), strictly: every family has
 * HELP and TYPE before its samples, every sample belongs to the family declared last, label
 * values are unescaped, and a malformed line throws with its number.
 */
export function parsePrometheus(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  let current: { name: string; family: Family } | undefined;
  for (const [index, line] of text.split('\n').entries()) {
    const bad = (why: string) => new Error(`line ${index + 1} ${why}: ${JSON.stringify(line)}`);
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name = '', rest = ''] = meta;
      if (!NAME.test(name)) throw bad('has a bad metric name');
      const family = families.get(name) ?? { help: '', type: 'untyped', samples: [] };
      if (kind === 'HELP') family.help = rest.replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
      else if (TYPES.has(rest)) family.type = rest as Family['type'];
      else throw bad('has an unknown type');
      families.set(name, family);
      current = { name, family };
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = parseSample(line);
    if (!sample) throw bad('is not a sample');
    if (!current || current.family.help === '') throw bad('has no HELP before it');
    const suffix = sample.name.slice(current.name.length);
    if (!sample.name.startsWith(current.name) || !SUFFIXES[current.family.type].includes(suffix)) {
      throw bad(`is not of the family ${current.name} (${current.family.type})`);
    }
    current.family.samples.push(sample);
  }
  return families;
}

function parseSample(line: string): Sample | undefined {
  const head = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{)?/.exec(line);
  if (!head) return undefined;
  const name = head[1] ?? '';
  let rest = line.slice(head[0].length);
  const labels: Record<string, string> = {};
  if (head[2]) {
    for (;;) {
      if (rest.startsWith('}')) break;
      const label = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,?)/.exec(rest);
      if (!label) return undefined;
      labels[label[1] ?? ''] = (label[2] ?? '').replace(/\\(.)/g, (_, c: string) =>
        c === 'n' ? '\n' : c,
      );
      rest = rest.slice(label[0].length);
      if (!label[3] && !rest.startsWith('}')) return undefined;
    }
    rest = rest.slice(1);
  }
  const value = /^ (\S+)( -?\d+)?$/.exec(rest)?.[1];
  if (value === undefined) return undefined;
  const number = value === '+Inf' ? Infinity : value === '-Inf' ? -Infinity : Number(value);
  if (Number.isNaN(number) && value !== 'NaN') return undefined;
  return { name, labels, value: number };
}

/**
 * The value of the sample named `name` whose labels are exactly `labels`; 0 when there is
 * none yet (a counter with those labels has not moved).
 */
export function sampleValue(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === wanted) {
        return sample.value;
      }
    }
  }
  return 0;
}
