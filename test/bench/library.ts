/**
 * A generated library for benchmarks and scale tests: realistic titles and tags in Uzbek (both
 * scripts), Russian and English, seeded so runs are comparable, written in bulk.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { openDatabase } from '../../src/db/database.js';
import { formatTags, mergeSearchIndex } from '../../src/db/files.js';
import { migrations } from '../../src/db/migrations/index.js';
import { toSearchText } from '../../src/library/normalize.js';

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
export const ALL_WORDS = LANGUAGES.flat();
const TYPES = ['document', 'audio', 'video'] as const;

/** A seeded random source (mulberry32), so generated libraries and queries repeat exactly. */
export function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks words the way real titles repeat them: squaring skews towards the first words. */
export function pickWords(
  random: () => number,
  from: readonly string[],
  min: number,
  max: number,
): string[] {
  const count = min + Math.floor(random() * (max - min + 1));
  return Array.from(
    { length: count },
    () => from[Math.floor(random() ** 2 * from.length)] as string,
  );
}

function title(random: () => number): string {
  // Mostly one language per title, sometimes mixed, with a number as lessons often have.
  const vocabulary =
    random() < 0.8 ? (LANGUAGES[Math.floor(random() * LANGUAGES.length)] as string[]) : ALL_WORDS;
  const parts = pickWords(random, vocabulary, 2, 6).map((word, i) =>
    i === 0 ? word.charAt(0).toUpperCase() + word.slice(1) : word,
  );
  if (random() < 0.4) parts.push(String(1 + Math.floor(random() * 60)));
  return parts.join(' ');
}

/**
 * Writes `count` generated files into the database at `file` (migrated first), with download
 * counts spread over 0-4999, in one transaction through prepared statements (a million files
 * take well under a minute), then merges the search index as the bot's maintenance does.
 */
async function fillLibrary(file: string, count: number): Promise<void> {
  await (await openDatabase(file)).destroy();
  const sqlite = new SQLite(file);
  const random = seeded(0x5eed);
  const insert = sqlite.prepare(`
    INSERT INTO files (file_id, file_unique_id, file_name, mime_type, title, type, size, tags,
      downloads_count, search_title, search_tags)
    VALUES (?, ?, ?, 'application/pdf', ?, ?, ?, ?, ?, ?, ?)
  `);
  sqlite.transaction(() => {
    for (let n = 0; n < count; n++) {
      const name = title(random);
      const tags = formatTags(pickWords(random, ALL_WORDS, 0, 4));
      insert.run(
        `bench-file-${n}`,
        `bench-unique-${n}`,
        `file-${n}.pdf`,
        name,
        TYPES[Math.floor(random() * TYPES.length)],
        1000 + Math.floor(random() * 50_000_000),
        tags,
        Math.floor(random() * 5000),
        toSearchText(name),
        toSearchText(tags),
      );
    }
  })();
  sqlite.close();
  // As the running bot's maintenance keeps it: the search index merged (maintenance.ts).
  const db = await openDatabase(file);
  while (await mergeSearchIndex(db, 1000)) {}
  await db.destroy();
}

/**
 * The path of a generated library of `count` files, made once and kept in the temporary
 * directory between runs (it is never committed), one per schema: the name carries a hash of
 * the migrations' names. Open it read-only or copy it.
 */
export async function cachedLibrary(count: number): Promise<string> {
  const dir = join(tmpdir(), 'primelingo-bench-cache');
  const schema = createHash('sha256')
    .update(Object.keys(await migrations.getMigrations()).join())
    .digest('hex')
    .slice(0, 8);
  const path = join(dir, `library-${count}-${schema}.sqlite`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  rmSync(partial, { force: true });
  await fillLibrary(partial, count);
  renameSync(partial, path);
  return path;
}
