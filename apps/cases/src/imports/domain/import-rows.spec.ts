import { parseImport } from './import-rows';

describe('import files', () => {
  it('reads persons lines and names each bad line and column without its value', () => {
    const r = parseImport(
      'persons',
      [
        'full_name,phone,area_code,date_of_birth,vaccine_doses,language',
        'Nguyễn Văn An,0905 123 456,20290,1980-01-02,2,vi',
        'Trần Thị Bình,,20290,1980-02-30,11,fr',
        'short',
      ].join('\n'),
    );
    if (!r.ok) throw new Error('header refused');
    expect(r.parsed.rows).toEqual([
      {
        line: 2,
        row: expect.objectContaining({
          fullName: 'Nguyễn Văn An',
          phone: '0905 123 456',
          areaCode: '20290',
          vaccination: { doses: 2, lastDoseAt: null },
        }),
      },
    ]);
    expect(r.parsed.problems).toEqual([
      {
        line: 3,
        fields: [
          expect.objectContaining({ field: 'date_of_birth' }),
          expect.objectContaining({ field: 'vaccine_doses' }),
          expect.objectContaining({ field: 'language' }),
        ],
      },
      { line: 4, fields: [{ field: 'line', problems: ['1 cells where the header has 6'] }] },
    ]);
  });

  it('needs a way to find the person of a case, and a confirmation time', () => {
    const r = parseImport(
      'cases',
      'person_id,national_id,confirmed_at,test_type\n,,2021-11-20T08:00:00Z,PCR\np-1,,noon,LAMP\n',
    );
    if (!r.ok) throw new Error('header refused');
    expect(r.parsed.problems.map((p) => [p.line, p.fields.map((f) => f.field)])).toEqual([
      [2, ['person_id']],
      [3, ['confirmed_at', 'test_type']],
    ]);
    expect(parseImport('cases', 'person_id,test_type\n').ok).toBe(false);
  });
});
