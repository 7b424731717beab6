/**
 * Search benchmark: fills a temporary on-disk database with realistic files, then times mixed
 * searches. Prints figures and asserts nothing.
 *
 *   npx tsx test/bench/search.ts [--files 100000] [--queries 2000]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/database.js';
import { addFile, addFiles, type NewFile } from '../../src/db/files.js';
import type { FilesTable } from '../../src/db/schema.js';
import { searchFiles } from '../../src/library/search.js';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '2000' },
  },
});
const fileCount = Number(values.files);
const queryCount = Number(values.queries);
if (!Number.isInteger(fileCount) || fileCount < 1) throw new Error('--files wants a count');
if (!Number.isInteger(queryCount) || queryCount < 1) throw new Error('--queries wants a count');

function list(text: string): string[] {
  return text.trim().split(/\s+/u);
}

// Enough words per language that common ones repeat across titles, as in a real library.
const VOCABULARY = {
  uzLatin: list(`
    o'zbek tili grammatika darslik so'zlar lug‘at mashq kitob hikoya qo'shiq audio dars
    boshlang‘ich o'rta yuqori daraja talaffuz g'isht imtihon test javoblar ingliz rus tarix
    adabiyot matematika fizika o'qish yozish tinglash gapirish qoidalar misollar ertak she’r
    video qo‘llanma mavzu bob qism kimyo biologiya geografiya informatika dasturlash maktab
    sinf o'qituvchi talaba universitet kurs nazariya amaliyot savollar topshiriqlar fe'l ot
    sifat olmosh ravish bog'lovchi gap matn tarjima so'zlashuv maqol she'riyat roman qissa
    muallif nashr yangi to'liq qisqa
  `),
  uzCyrillic: list(`
    ўзбек тили дарслик сўзлар луғат машқ китоб ҳикоя қўшиқ дарс бошланғич ўрта юқори даража
    талаффуз имтиҳон жавоблар инглиз тарих адабиёт ўқиш ёзиш тинглаш гапириш қоидалар мисоллар
    эртак шеър қўлланма мавзу кимё биология география мактаб синф ўқитувчи талаба университет
    назария амалиёт саволлар топшириқлар феъл от сифат олмош равиш гап матн таржима сўзлашув
    мақол роман қисса муаллиф нашр янги тўлиқ қисқа ғазал достон
  `),
  russian: list(`
    русский язык грамматика учебник слова словарь упражнения книга рассказ песня урок
    начальный средний уровень произношение экзамен ответы английский история литература чтение
    письмо аудирование ёлка правила примеры сказка стихи пособие тема химия биология география
    информатика программирование школа класс учитель студент университет курс теория практика
    вопросы задания глагол существительное прилагательное местоимение наречие предложение
    текст перевод разговорник пословицы роман повесть автор издание новый полный краткий
  `),
  english: list(`
    english grammar vocabulary lesson words dictionary exercises book story song beginner
    intermediate advanced level pronunciation exam answers history literature reading writing
    listening speaking rules examples podcast workbook ielts toefl phrasal chemistry biology
    geography computer programming school class teacher student university course theory
    practice questions tasks verbs nouns adjectives pronouns adverbs sentences text
    translation phrasebook idioms novel essay author edition new complete short
  `),
};
const LANGUAGES = Object.values(VOCABULARY);
const ALL_WORDS = LANGUAGES.flat();
const TYPES: FilesTable['type'][] = ['document', 'audio', 'video'];

// Seeded, so runs are comparable.
let seed = 0x5eed;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function pick<T>(items: readonly T[]): T {
  // Squaring skews towards the first words, as real titles repeat a few common ones.
  return items[Math.floor(random() ** 2 * items.length)] as T;
}
function words(from: readonly string[], min: number, max: number): string[] {
  const count = min + Math.floor(random() * (max - min + 1));
  return Array.from({ length: count }, () => pick(from));
}
function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function title(): string {
  // Mostly one language per title, sometimes mixed, with a number as lessons often have.
  const vocabulary = random() < 0.8 ? pick(LANGUAGES) : ALL_WORDS;
  const parts = words(vocabulary, 2, 6).map((word, i) => (i === 0 ? capitalise(word) : word));
  if (random() < 0.4) parts.push(String(1 + Math.floor(random() * 60)));
  return parts.join(' ');
}

function query(): string {
  return words(ALL_WORDS, 1, 3)
    .map((word) => {
      // Half the words typed only in part, as people do while searching.
      if (random() < 0.5) return word;
      return [...word].slice(0, 2 + Math.floor(random() * 4)).join('');
    })
    .join(' ');
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const SINGLE_ADDS = 1000;

function newFile(n: number): NewFile {
  return {
    file_id: `bench-file-${n}`,
    file_unique_id: `bench-unique-${n}`,
    file_name: `file-${n}.pdf`,
    mime_type: 'application/pdf',
    title: title(),
    type: pick(TYPES),
    size: 1000 + Math.floor(random() * 50_000_000),
    tags: words(ALL_WORDS, 0, 4),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'primelingo-bench-'));
const file = join(dir, 'bench.sqlite');
const db = await openDatabase(file);
try {
  // Filled in bulk, as an import would; single adds are timed apart below.
  const batch = 5_000;
  const insertStart = performance.now();
  for (let start = 0; start < fileCount; start += batch) {
    const files = Array.from({ length: Math.min(batch, fileCount - start) }, (_, i) =>
      newFile(start + i),
    );
    await addFiles(db, files);
  }
  const insertMs = performance.now() - insertStart;
  // What an admin's upload costs: one addFile, in its own transaction, into the full library.
  const singleLatencies: number[] = [];
  for (let n = fileCount; n < fileCount + SINGLE_ADDS; n++) {
    const started = performance.now();
    await addFile(db, newFile(n));
    singleLatencies.push(performance.now() - started);
  }
  singleLatencies.sort((a, b) => a - b);
  // Downloads do not touch the index; spread them so the tie-break has work to do.
  await sql`UPDATE files SET downloads_count = abs(random()) % 5000`.execute(db);
  await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
  const bytes = statSync(file).size;

  const latencies: number[] = [];
  let hits = 0;
  const searchStart = performance.now();
  for (let i = 0; i < queryCount; i++) {
    const text = query();
    const page = random() < 0.2 ? 2 : 1;
    const started = performance.now();
    const result = await searchFiles(db, text, { page });
    latencies.push(performance.now() - started);
    hits += result.total;
  }
  const searchMs = performance.now() - searchStart;
  latencies.sort((a, b) => a - b);

  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const report: [string, string][] = [
    ['files', String(fileCount)],
    [
      'bulk insert',
      `${(insertMs / 1000).toFixed(2)} s, ${Math.round(fileCount / (insertMs / 1000))} files/s`,
    ],
    [
      'single addFile',
      `p50 ${ms(percentile(singleLatencies, 50))}, p99 ${ms(percentile(singleLatencies, 99))}`,
    ],
    ['database size', `${(bytes / 1024 / 1024).toFixed(1)} MiB`],
    ['searches', `${queryCount} in ${(searchMs / 1000).toFixed(2)} s`],
    ['mean hits', String(Math.round(hits / queryCount))],
    ['latency p50', ms(percentile(latencies, 50))],
    ['latency p95', ms(percentile(latencies, 95))],
    ['latency p99', ms(percentile(latencies, 99))],
    ['latency max', ms(latencies.at(-1) ?? 0)],
  ];
  for (const [label, value] of report) console.log(`${`${label}:`.padEnd(16)}${value}`);
} finally {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
}
