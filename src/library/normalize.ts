/**
 * Search normalisation, shared by the indexed text and the queries so both sides always agree.
 *
 * Uzbek is written in Latin with half a dozen apostrophe look-alikes (o'zbek, oʻzbek, o‘zbek,
 * o`zbek) and in Cyrillic (ўзбек); Russian and English titles sit beside it. Each word is kept
 * in its own script (so Russian still matches Russian) and Cyrillic words also get a Latin
 * transliteration, which is how Latin and Cyrillic Uzbek find each other.
 */

// Every apostrophe form Uzbek text is typed with: ASCII ', `, ´, ʻ U+02BB, ʼ U+02BC, ‘ ’ ‛,
// ʹ U+02B9 and ′ U+2032. They are dropped rather than made separators: the word must stay whole
// (o'zbek -> ozbek), and the FTS tokenizer would split on most of them anyway.
const APOSTROPHES = /['`´ʻʼ‘’‛ʹ′]/gu;

// A word: letters, digits and combining marks, starting with a letter or digit (a lone mark
// would give the index an empty term, which matches nothing). Everything else separates.
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

// Uzbek Cyrillic (and the Russian letters Uzbek borrows) to the official Uzbek Latin alphabet.
// `е` is handled apart: it is `ye` at the start of a word and after a vowel or a sign.
const TO_LATIN: Readonly<Record<string, string>> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  ё: 'yo',
  ж: 'j',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'x',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'sh',
  ъ: '',
  ы: 'i',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
  // The Uzbek letters; o' and g' lose their apostrophe like every other in search text.
  ў: 'o',
  қ: 'q',
  ғ: 'g',
  ҳ: 'h',
};

const E_AS_YE_AFTER = new Set([...'аеёиоуўэюяыъь']);

/**
 * Lower-cases (locale-independently), applies Unicode NFKC and drops every apostrophe form.
 * Scripts are left as they are; see {@link searchWords} for the per-word forms.
 */
export function normalizeText(text: string): string {
  // Apostrophes go before NFKC too: it turns ´ into a space and a combining accent.
  return text.replace(APOSTROPHES, '').normalize('NFKC').toLowerCase().replace(APOSTROPHES, '');
}

/**
 * Transliterates lower-case Cyrillic to Uzbek Latin, without apostrophes (ў -> o, ғ -> g).
 * Characters that are not Cyrillic pass through unchanged.
 */
export function transliterate(word: string): string {
  let latin = '';
  let previous = '';
  for (const char of word) {
    if (char === 'е') {
      latin += previous === '' || E_AS_YE_AFTER.has(previous) ? 'ye' : 'e';
    } else {
      latin += TO_LATIN[char] ?? char;
    }
    previous = char;
  }
  return latin;
}

/**
 * Splits text into search words, each with every form it can be found by: the normalised word
 * itself (Cyrillic ё read as е, as Russian readers often type it) and, for Cyrillic words, its
 * Latin transliteration. Punctuation-only text gives no words.
 */
export function searchWords(text: string): string[][] {
  const words: string[][] = [];
  for (const [word] of normalizeText(text).matchAll(WORD)) {
    if (!CYRILLIC.test(word)) {
      words.push([word]);
      continue;
    }
    // Transliterate before folding ё, which is `yo` in Uzbek Latin.
    const forms = new Set([word.replaceAll('ё', 'е')]);
    const latin = transliterate(word);
    // ъ and ь have no Latin letter, so a word of them alone has no Latin form.
    if (LETTER_OR_DIGIT.test(latin)) forms.add(latin);
    words.push([...forms]);
  }
  return words;
}

/** The text to index for a title or a tag list: every form of every word, space-separated. */
export function toSearchText(text: string): string {
  return searchWords(text)
    .map((forms) => forms.join(' '))
    .join(' ');
}
