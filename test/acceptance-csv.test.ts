import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { csvCell } from '../app/acceptance-csv';

describe('acceptance CSV cells', () => {
  const cases: [string, string][] = [
    ['Mozilla/5.0 (iPhone)', 'Mozilla/5.0 (iPhone)'],
    // Spreadsheets in de, fr, es, it and nl split on ";": the reported user agent.
    ['Mozilla/5.0;=1+1;@SUM(2+2)', `"Mozilla/5.0;'=1+1;'@SUM(2+2)"`],
    ['a;b', '"a;b"'],
    ['a,b', '"a,b"'],
    ['a,=1', `"a,'=1"`],
    ['a;+1', `"a;'+1"`],
    ['a;-1', `"a;'-1"`],
    ['a;\t1', `"a;'\t1"`],
    ['a\n=1', `"a\n'=1"`],
    ['a\r\n@x', `"a\r\n'@x"`],
    ['a\r=1', `"a\r'=1"`],
    ['=1', "'=1"],
    ['\r=1', `"'\r'=1"`],
    ['\t=1', "'\t=1"],
    ['say "hi"', '"say ""hi"""'],
    ['\uff1dSUM(1)', "'\uff1dSUM(1)"],
    ['x;\uff20SUM(1)', `"x;'\uff20SUM(1)"`],
    ['x;\uff0b1;\uff0d1', `"x;'\uff0b1;'\uff0d1"`],
    ['1+1', '1+1'],
    ['a=b', 'a=b'],
  ];
  for (const [text, cell] of cases) {
    it(`${JSON.stringify(text)} → ${JSON.stringify(cell)}`, () => assert.equal(csvCell(text), cell));
  }

  /** Splits one cell the way a spreadsheet does, honouring quotes: the pieces it could take as cells. */
  function cellStarts(cell: string): string[] {
    if (!cell.startsWith('"')) return cell.split(/[,;\r\n]/);
    return [cell.slice(1, -1).replace(/""/g, '"')];
  }

  it('never lets a piece start with a formula character, whether the importer honours quotes or splits on every separator', () => {
    const formulaStart = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;
    const piece = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', ',', ';', '"', '\uff1d', '\uff20'));
    fc.assert(fc.property(fc.array(piece, { maxLength: 10 }).map((pieces) => pieces.join('')), (text) => {
      const cell = csvCell(text);
      for (const start of cellStarts(cell)) assert.doesNotMatch(start, formulaStart, `${JSON.stringify(text)} → ${JSON.stringify(cell)}`);
      // Ignoring quotes altogether, every piece between separators is safe too.
      for (const start of cell.split(/[,;\r\n]/)) assert.doesNotMatch(start.replace(/^"/, ''), formulaStart, `${JSON.stringify(text)} → ${JSON.stringify(cell)}`);
      if (/[",;\r\n]/.test(text)) assert.ok(cell.startsWith('"') && cell.endsWith('"'), `${JSON.stringify(text)} is quoted`);
    }), { numRuns: 2000 });
  });
});
