import { WeeklyReportPage } from './report-model';
import { pageText } from './report-text';

const page: WeeklyReportPage = {
  area: { code: '20359', name: 'Xã Cẩm Thanh', level: 'commune' },
  weekStart: '2021-11-15',
  weekEnd: '2021-11-21',
  isoWeek: '2021-W46',
  population: 8523,
  cases: { total: 29, previous: 44, changePct: -34.1, community: 25, quarantined: 4 },
  curve: Array.from({ length: 8 }, (_, i) => ({
    weekStart: `2021-${i < 2 ? '09' : '10'}-${String(10 + i).padStart(2, '0')}`,
    isoWeek: `2021-W${39 + i}`,
    total: i,
    community: i,
  })),
  level: {
    level: 4,
    casesPer100k: 293.3,
    factors: [
      { kind: 'case_rate', casesPer100k: 293.3, level: 4 },
      { kind: 'coverage_low', adultsOneDose: { pct: 60, min: 70 } },
    ],
  },
  coverage: { adultsOneDosePct: 98.4, over50FullyVaccinatedPct: 60, updatedAt: '2021-11-20T03:00:00Z' },
  quarantinesActive: 1234,
  isolationsActive: { atHome: 1250, inFacilities: 37, waitingForBed: 2, bedsFree: 1234 },
  newClusters: { count: 1, largest: [{ size: 3, firstConfirmedAt: '2021-11-14T18:00:00Z' }] },
  newExposureSites: { count: 9, venues: [{ venueId: 'cho-hoi-an', firstExposureAt: '2021-11-16T02:00:00Z' }] },
};

describe('pageText', () => {
  it('words a page in Vietnamese with Vietnamese number formatting', () => {
    const t = pageText(page, 'vi', '2021-11-22T01:30:00Z');
    expect(t.title).toBe('BÁO CÁO TÌNH HÌNH DỊCH COVID-19 HẰNG TUẦN');
    expect(t.week).toBe('Tuần 46/2021 (từ 15/11/2021 đến 21/11/2021)');
    expect(t.area).toBe('Xã Cẩm Thanh (mã 20359) – dân số 8.523 người');
    expect(t.headline).toBe('29 ca mắc trong tuần, giảm 34,1% so với tuần trước');
    expect(t.sections.cases.lines).toEqual(['Ca mắc trong cộng đồng: 25', 'Ca mắc đã được cách ly từ trước: 4']);
    expect(t.sections.level.lines[0]).toBe('Cấp độ 4 – nguy cơ rất cao (đỏ)');
    expect(t.sections.level.lines[1]).toBe('293,3 ca mắc mới trong cộng đồng/100.000 dân trong tuần → cấp độ 4');
    expect(t.sections.coverage.lines[0]).toBe('Người từ 18 tuổi trở lên tiêm ít nhất 1 mũi: 98,4%');
    expect(t.sections.coverage.lines[2]).toBe('(cập nhật 20/11/2021 10:00)');
    expect(t.sections.containment.lines[0]).toBe('Đang cách ly (F1, F2) cuối tuần: 1.234');
    expect(t.sections.containment.lines.slice(1)).toEqual([
      'F0 đang cách ly, điều trị cuối tuần: 1.289',
      '– tại nhà: 1.250',
      '– tại cơ sở điều trị: 37',
      '– đang chờ giường tại cơ sở điều trị: 2',
      'Giường trống tại cơ sở điều trị cuối tuần: 1.234',
    ]);
    // 18:00 UTC on the 14th is the 15th in Vietnam.
    expect(t.sections.clusters.lines).toEqual([
      'Ổ dịch mới trong tuần: 1',
      '– ổ dịch 3 ca, ca đầu tiên ngày 15/11/2021',
      'Địa điểm mới ghi nhận có ca bệnh: 9',
      '– cho-hoi-an (từ ngày 16/11/2021)',
      'và 8 nơi khác',
    ]);
    expect(t.curve.bars).toHaveLength(8);
    expect(t.footer).toBe('Lập lúc 22/11/2021 08:30 (giờ Việt Nam, UTC+7). Số liệu từ hệ thống truy vết, cách ly.');
  });

  it('words the same page in English', () => {
    const t = pageText(page, 'en', '2021-11-22T01:30:00Z');
    expect(t.headline).toBe('29 cases this week, down 34.1% on last week');
    expect(t.area).toBe('Xã Cẩm Thanh (code 20359) – population 8,523');
    expect(t.sections.containment.lines[0]).toBe('In quarantine (F1, F2) at the end of the week: 1,234');
    expect(t.sections.containment.lines.slice(1)).toEqual([
      'Cases (F0) in isolation or treatment at the end of the week: 1,289',
      '– at home: 1,250',
      '– in treatment facilities: 37',
      '– waiting for a bed in a treatment facility: 2',
      'Beds free in treatment facilities at the end of the week: 1,234',
    ]);
    expect(t.sections.coverage.lines[0]).toBe('Adults (18+) with at least one dose: 98.4%');
    expect(t.sections.clusters.lines[4]).toBe('and 8 more');
  });

  it('says when coverage is unknown', () => {
    expect(pageText({ ...page, coverage: null }, 'vi', page.weekEnd).sections.coverage.lines).toEqual([
      'Chưa có số liệu tiêm chủng của địa bàn',
    ]);
  });
});
