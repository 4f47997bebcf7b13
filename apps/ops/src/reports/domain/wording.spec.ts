import { factorText, levelName, weekChangePct, weeklyCasesPhrase } from './wording';

describe('weekly report wording', () => {
  it('says the week the way the seeds do, in Vietnamese', () => {
    expect(weekChangePct(29, 44)).toBe(-34.1);
    expect(weeklyCasesPhrase(29, 44, 'vi')).toBe('29 ca mắc trong tuần, giảm 34,1% so với tuần trước');
    expect(weeklyCasesPhrase(1320, 1000, 'vi')).toBe('1.320 ca mắc trong tuần, tăng 32,0% so với tuần trước');
    expect(weeklyCasesPhrase(5, 5, 'vi')).toBe('5 ca mắc trong tuần, không đổi so với tuần trước');
    expect(weeklyCasesPhrase(3, 0, 'vi')).toBe('3 ca mắc trong tuần, tuần trước không có ca nào');
  });

  it('and in English', () => {
    expect(weeklyCasesPhrase(29, 44, 'en')).toBe('29 cases this week, down 34.1% on last week');
    expect(weeklyCasesPhrase(1, 0, 'en')).toBe('1 case this week, none the week before');
    expect(weeklyCasesPhrase(1320, 1000, 'en')).toBe('1,320 cases this week, up 32.0% on last week');
  });

  it('words the level and each of its reasons', () => {
    expect(levelName(2, 'vi')).toBe('Cấp độ 2 – nguy cơ trung bình (vàng)');
    expect(levelName(4, 'en')).toBe('Level 4 – very high (red)');
    expect(factorText({ kind: 'case_rate', casesPer100k: 23.5, level: 2 }, 'vi')).toBe(
      '23,5 ca mắc mới trong cộng đồng/100.000 dân trong tuần → cấp độ 2',
    );
    expect(
      factorText(
        {
          kind: 'coverage_low',
          adultsOneDose: { pct: 50, min: 70 },
          over50FullyVaccinated: { pct: 72.5, min: 80 },
        },
        'vi',
      ),
    ).toBe(
      'Tỷ lệ tiêm chủng thấp (người từ 18 tuổi tiêm ít nhất 1 mũi 50% < 70%; người từ 50 tuổi tiêm đủ liều 72,5% < 80%): tăng một cấp',
    );
    expect(factorText({ kind: 'treatment_exceeded', occupancyPct: 85, maxPct: 80 }, 'en')).toBe(
      'Treatment beds 85% occupied > 80%: one step up',
    );
    expect(factorText({ kind: 'coverage_unknown' }, 'vi')).toMatch(/Chưa có số liệu tiêm chủng/);
  });
});
