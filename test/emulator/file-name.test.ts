import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanFileName, decodeFileName } from './file-name.js';

describe('emulator file names', () => {
  it("clean as tdlib's clean_filename does (its own test cases)", () => {
    const cases: [string, string][] = [
      ['-1234567', '-1234567'],
      ['.git', 'git'],
      ['../../.git', 'git'],
      ['.././..', ''],
      ['../', ''],
      ['..', ''],
      ['test/git/   as   dsa  .   a', 'as   dsa.a'],
      ['     .    ', ''],
      ['!@#$%^&*()_+-=[]{;|:"}\'<>?,.`~', '!@#$%^  ()_+-=[]{;   }    ,.~'],
      ['!@#$%^&*()_+-=[]{}\\|:";\'<>?,.`~', ';    ,.~'],
      [
        'عرفها بعد قد. هذا مع تاريخ اليميني واندونيسيا،, لعدم تاريخ لهيمنة الى',
        'عرفها بعد قد.هذا مع تاريخ الي',
      ],
      [
        '012345678901234567890123456789012345678901234567890123456789adsasdasdsaa.01234567890123456789asdasdasdasd',
        '012345678901234567890123456789012345678901234567890123456789adsa.0123456789012345',
      ],
      [
        '01234567890123456789012345678901234567890123456789adsa<>*?: <>*?:0123456789adsasdasdsaa.   0123456789`<><<>><><>0123456789asdasdasdasd',
        '01234567890123456789012345678901234567890123456789adsa.0123456789',
      ],
      [
        '012345678901234567890123456789012345678901234567890123<>*?: <>*?:0123456789adsasdasdsaa.   0123456789`<>0123456789asdasdasdasd',
        '012345678901234567890123456789012345678901234567890123.0123456789   012',
      ],
      ['C:/document.tar.gz', 'document.tar.gz'],
      ['test....', 'test'],
      ['....test', 'test'],
      ['test.exe....', 'test.exe'],
      ['test.exe01234567890123456789....', 'test.exe01234567890123456789'],
      ['....test....asdf', 'test.asdf'],
      ['കറുപ്പ്.txt', 'കറപപ.txt'],
    ];
    for (const [name, expected] of cases) assert.equal(cleanFileName(name), expected, name);
  });

  it('turn apostrophes, colons and symbols into spaces, but keep letters such as ʼ', () => {
    assert.equal(cleanFileName("O'zbek tili: to'liq kurs.pdf"), 'O zbek tili  to liq kurs.pdf');
    assert.equal(
      cleanFileName('Oʼzbek tili — Ўзбек тили №1 (2).pdf'),
      'Oʼzbek tili   Ўзбек тили  1 (2).pdf',
    );
    assert.equal(cleanFileName('A\u0000B\tC.txt'), 'A B C.txt');
  });

  it('decode %XX escapes, and refuse a name that is then not UTF-8', () => {
    assert.equal(decodeFileName('%D0%B4%D0%B0 100%.txt'), 'да 100%.txt');
    assert.equal(decodeFileName('a%2Fb.pdf'), 'a/b.pdf');
    assert.equal(decodeFileName('bad%FF.pdf'), '');
  });
});
