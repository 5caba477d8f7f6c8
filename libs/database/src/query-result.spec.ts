import { countOf, rowsOf } from './query-result';

describe('rowsOf and countOf', () => {
  it('read the [rows, count] of an UPDATE or DELETE … RETURNING', () => {
    const result = [[{ id: 'a' }, { id: 'b' }], 2];
    expect(rowsOf<{ id: string }>(result)).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(countOf(result)).toBe(2);
  });

  it('count what an UPDATE changed even when it returned no columns', () => {
    expect(rowsOf([[], 5])).toEqual([]);
    expect(countOf([[], 5])).toBe(5);
  });

  it('read the rows of a SELECT or INSERT, including two rows that are not [rows, count]', () => {
    const two = [{ n: 1 }, { n: 2 }];
    expect(rowsOf(two)).toBe(two);
    expect(countOf(two)).toBe(2);
    expect(rowsOf([])).toEqual([]);
    expect(countOf([])).toBe(0);
  });

  it('answer nothing for what is not a result', () => {
    expect(rowsOf(undefined)).toEqual([]);
    expect(countOf(null)).toBe(0);
  });
});
