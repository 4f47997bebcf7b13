import { csvCell, localTimestamp } from './export-stream';

describe('export cells', () => {
  it('writes times in local time with their offset', () => {
    expect(localTimestamp(new Date('2021-11-20T01:30:00Z'), 420)).toBe('2021-11-20T08:30:00+07:00');
    expect(localTimestamp(new Date('2021-11-20T20:00:00Z'), 420)).toBe('2021-11-21T03:00:00+07:00');
    expect(localTimestamp(new Date('2021-11-20T01:30:00Z'), -150)).toBe('2021-11-19T23:00:00-02:30');
  });

  it('quotes per RFC 4180 and keeps a spreadsheet from reading a cell as a formula', () => {
    expect(csvCell('Nguyễn Văn An')).toBe('Nguyễn Văn An');
    expect(csvCell('Tam Kỳ, Quảng Nam')).toBe('"Tam Kỳ, Quảng Nam"');
    expect(csvCell('say "hi"\r\nbye')).toBe('"say ""hi""\r\nbye"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+84905123456')).toBe("'+84905123456");
  });
});
