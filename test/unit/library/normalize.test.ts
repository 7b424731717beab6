import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  normalizeText,
  searchWords,
  toSearchText,
  transliterate,
} from '../../../src/library/normalize.js';

describe('search normalisation', () => {
  it('unifies every apostrophe form Uzbek is typed with', () => {
    for (const word of ["o'zbek", 'oʻzbek', 'oʼzbek', 'o‘zbek', 'o’zbek', 'o`zbek', 'o´zbek']) {
      assert.deepEqual(searchWords(word), [['ozbek']], word);
    }
    for (const word of ["g'isht", 'gʻisht', 'g‘isht', 'g`isht']) {
      assert.deepEqual(searchWords(word), [['gisht']], word);
    }
  });

  it('lower-cases without a locale and applies NFKC', () => {
    assert.equal(normalizeText('GRAMMAR Ｔｅｓｔ ﬁle'), 'grammar test file');
    assert.equal(normalizeText('I'), 'i');
    assert.equal(normalizeText('Café'), normalizeText('Cafe\u0301'));
  });

  it('splits on punctuation and gives nothing for punctuation alone', () => {
    assert.deepEqual(searchWords('English: grammar, part-2!'), [
      ['english'],
      ['grammar'],
      ['part'],
      ['2'],
    ]);
    assert.deepEqual(searchWords(' "*-()?! '), []);
    assert.deepEqual(searchWords(''), []);
  });

  it('transliterates Uzbek Cyrillic to Latin', () => {
    assert.equal(transliterate('ўзбек'), 'ozbek');
    assert.equal(transliterate('тили'), 'tili');
    assert.equal(transliterate('қўшиқ'), 'qoshiq');
    assert.equal(transliterate('ғишт'), 'gisht');
    assert.equal(transliterate('ҳикоя'), 'hikoya');
    assert.equal(transliterate('чироқ'), 'chiroq');
    assert.equal(transliterate('ёз'), 'yoz');
    assert.equal(transliterate('юлдуз'), 'yulduz');
    assert.equal(transliterate('цирк'), 'tsirk');
    assert.equal(transliterate('ер'), 'yer');
    assert.equal(transliterate('поезд'), 'poyezd');
    assert.equal(transliterate('келди'), 'keldi');
    assert.equal(transliterate('маъно'), 'mano');
  });

  it('keeps Cyrillic words beside their Latin form, with ё read as е', () => {
    assert.deepEqual(searchWords('Ўзбек тили'), [
      ['ўзбек', 'ozbek'],
      ['тили', 'tili'],
    ]);
    assert.deepEqual(searchWords('Ёлка'), [['елка', 'yolka']]);
    assert.deepEqual(searchWords('ъ'), [['ъ']]);
    assert.equal(toSearchText('Ўзбек, тили'), 'ўзбек ozbek тили tili');
    assert.equal(toSearchText("O'zbek tili"), 'ozbek tili');
  });
});
