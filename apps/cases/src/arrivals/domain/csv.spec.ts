import { arrivalBody, parseCsv } from './csv';

describe('arrivals CSV', () => {
  it('reads quoted fields, doubled quotes, CRLF, a BOM and keeps line numbers past blank lines', () => {
    const { header, rows } = parseCsv(
      '\uFEFFpersonId,fullName,checkpoint\r\np-1,,"Chốt ""Bắc"" Hải Vân"\r\n\r\n,"Trần, Văn A","line\nbreak"\n',
    );
    expect(header).toEqual(['personId', 'fullName', 'checkpoint']);
    expect(rows).toEqual([
      { line: 2, cells: ['p-1', '', 'Chốt "Bắc" Hải Vân'] },
      { line: 4, cells: ['', 'Trần, Văn A', 'line\nbreak'] },
    ]);
  });

  it('maps a line to a POST /arrivals body: personId, else a new person in the destination area', () => {
    const header = ['personId', 'fullName', 'phone', 'originAreaCode', 'destinationAreaCode', 'arrivedAt'];
    expect(arrivalBody(header, ['p-1', '', '', '79', '20290', '2021-11-22T02:00:00Z'])).toEqual({
      personId: 'p-1',
      originAreaCode: '79',
      destinationAreaCode: '20290',
      arrivedAt: '2021-11-22T02:00:00Z',
      checkpoint: undefined,
    });
    expect(arrivalBody(header, ['', 'Lê Thị B', '0905123456', '79', '20290', '2021-11-22T02:00:00Z'])).toMatchObject({
      person: { fullName: 'Lê Thị B', phone: '0905123456', areaCode: '20290' },
    });
  });
});
