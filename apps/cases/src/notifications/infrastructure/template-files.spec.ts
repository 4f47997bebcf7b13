import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withoutDiacritics, smsSize } from '../domain/sms';
import {
  checkTemplateSet,
  LANGUAGES,
  MessageParams,
  render,
  TEMPLATE_FIELDS,
  TEMPLATE_NAMES,
} from '../domain/templates';
import { TemplateCatalog } from './template-files';

const DIR = join(__dirname, '../../../../../data/notifications');

/** Facts of every kind a template can use. */
const PARAMS: MessageParams = {
  kind: 'CENTRALIZED',
  facilityId: 'ktx-dhqn',
  firstDay: '2021-12-05',
  plannedEnd: '2021-12-18',
  testDates: ['2021-12-05', '2021-12-11', '2021-12-18'],
  testDate: '2021-12-11',
  day: 7,
  sampleDate: '2021-12-04',
  endDate: '2021-12-19',
  venueId: 'v-cho-dong-ba',
  visitDate: '2021-12-04',
  monitorUntil: '2021-12-18',
};

describe('notification templates (data/notifications)', () => {
  const catalog = new TemplateCatalog(DIR);

  it.each(LANGUAGES.flatMap((l) => TEMPLATE_NAMES.map((t) => [l, t] as const)))(
    '%s %s renders every part with its placeholders filled',
    (language, name) => {
      const m = render(catalog.get(language), name, PARAMS);
      for (const part of [m.subject, m.sms, m.text, m.html]) {
        expect(part.trim().length).toBeGreaterThan(0);
        expect(part).not.toMatch(/\{\{|\}\}/);
      }
      expect(m.html).toMatch(new RegExp(`^<!doctype html><html lang="${language}"><body><p>`));
      const fields = TEMPLATE_FIELDS[name] as readonly string[];
      const date = language === 'vi' ? /ngày \d{2}\/\d{2}\/\d{4}/ : /\d{1,2} [A-Z][a-z]{2} \d{4}/;
      if (fields.some((f) => f !== 'place' && f !== 'day')) expect(m.sms).toMatch(date);
      // Long texts are fine for e-mail; an SMS should stay within a few segments.
      expect(smsSize(m.sms).segments).toBeLessThanOrEqual(4);
    },
  );

  it('writes dates the Vietnamese way in local time and the place from the labels', () => {
    const vi = render(catalog.get('vi'), 'QUARANTINE_ORDERED', PARAMS);
    expect(vi.sms).toContain('từ ngày 05/12/2021 đến hết ngày 18/12/2021');
    expect(vi.sms).toContain('ngày 05/12/2021, ngày 11/12/2021, ngày 18/12/2021');
    expect(vi.sms).toContain('tại cơ sở cách ly tập trung ktx-dhqn');
    const en = render(catalog.get('en'), 'QUARANTINE_ORDERED', { ...PARAMS, kind: 'HOME', facilityId: null });
    expect(en.sms).toContain('Quarantine at home from 5 Dec 2021 to the end of 18 Dec 2021');
    expect(render(catalog.get('vi'), 'TEST_REMINDER', PARAMS).sms).toContain('ngày 11/12/2021 (ngày cách ly thứ 7)');
  });

  it('an exposure alert tells the visitor the venue, the day and to watch their health for 14 days', () => {
    const vi = render(catalog.get('vi'), 'EXPOSURE_ALERT', PARAMS);
    expect(vi.sms).toContain('Bạn đã đến địa điểm v-cho-dong-ba ngày 04/12/2021');
    expect(vi.sms).toContain('theo dõi sức khỏe trong 14 ngày (đến hết ngày 18/12/2021)');
    expect(vi.subject).toBe('Cảnh báo: bạn đã đến địa điểm có ca bệnh COVID-19');
    const en = render(catalog.get('en'), 'EXPOSURE_ALERT', PARAMS);
    expect(en.sms).toContain('You visited v-cho-dong-ba on 4 Dec 2021');
    expect(en.sms).toContain('monitor your health for 14 days (until 18 Dec 2021)');
    expect(en.text).toContain('You are not a close contact (F1, F2)');
  });

  it('an isolation order names the treatment facility, the first day, the planned end and the tests', () => {
    const params = { ...PARAMS, kind: 'TREATMENT_FACILITY', facilityId: 'bv-da-chien-hoi-an' };
    const vi = render(catalog.get('vi'), 'ISOLATION_ORDERED', params);
    expect(vi.sms).toContain('Cách ly điều trị tại cơ sở điều trị bv-da-chien-hoi-an từ ngày 05/12/2021');
    expect(vi.sms).toContain('dự kiến đến hết ngày 18/12/2021');
    const en = render(catalog.get('en'), 'ISOLATION_ORDERED', { ...params, kind: 'HOME', facilityId: null });
    expect(en.sms).toContain('Isolate at home from 5 Dec 2021, planned to the end of 18 Dec 2021');
    expect(render(catalog.get('vi'), 'ISOLATION_RELEASED', PARAMS).sms).toContain(
      'hoàn thành cách ly điều trị ngày 19/12/2021',
    );
  });

  it('Vietnamese SMS fit GSM-7 segments once the diacritics are removed', () => {
    const sms = render(catalog.get('vi'), 'QUARANTINE_ORDERED', PARAMS).sms;
    expect(smsSize(sms).encoding).toBe('UCS-2');
    const ascii = withoutDiacritics(sms);
    expect(ascii).toContain('Cach ly tai co so cach ly tap trung');
    expect(smsSize(ascii)).toMatchObject({ encoding: 'GSM-7' });
    expect(smsSize(ascii).segments).toBeLessThan(smsSize(sms).segments);
  });

  it('escapes the HTML part', () => {
    const set = catalog.get('en');
    const m = render(
      {
        ...set,
        templates: { ...set.templates, QUARANTINE_CANCELLED: { subject: 's', sms: 's', email: 'a <b> & "c"\n\nd' } },
      },
      'QUARANTINE_CANCELLED',
      PARAMS,
    );
    expect(m.html).toContain('<p>a &lt;b&gt; &amp; &quot;c&quot;</p><p>d</p>');
  });

  it('refuses a file with a missing template, an unknown placeholder or an unknown template, naming each', () => {
    const good = JSON.parse(readFileSync(join(DIR, 'templates.en.json'), 'utf8'));
    const bad = structuredClone(good);
    delete bad.templates.TEST_REMINDER;
    bad.templates.QUARANTINE_RELEASED.sms = 'Released {{endDate}} {{phone}}';
    bad.templates.SOMETHING = good.templates.QUARANTINE_RELEASED;
    expect(() => checkTemplateSet(bad, 'en')).toThrow(
      /templates.TEST_REMINDER.subject must be a text.*templates.QUARANTINE_RELEASED.sms: unknown placeholder \{\{phone\}\}.*templates.SOMETHING is not a known template/,
    );
  });

  it('reads a changed file again, and keeps the previous texts when the change is bad', () => {
    const dir = mkdtempSync(join(tmpdir(), 'templates-'));
    for (const l of LANGUAGES)
      writeFileSync(join(dir, `templates.${l}.json`), readFileSync(join(DIR, `templates.${l}.json`)));
    const errors: string[] = [];
    const c = new TemplateCatalog(dir, (m) => errors.push(m));
    const file = join(dir, 'templates.vi.json');
    const changed = JSON.parse(readFileSync(file, 'utf8'));
    changed.templates.QUARANTINE_RELEASED.sms = 'Đã xong {{endDate}}.';
    writeFileSync(file, JSON.stringify(changed));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    (c as unknown as { checkedAt: number }).checkedAt = 0;
    expect(render(c.get('vi'), 'QUARANTINE_RELEASED', PARAMS).sms).toBe('Đã xong ngày 19/12/2021.');
    writeFileSync(file, '{ not json');
    utimesSync(file, new Date(), new Date(Date.now() + 10000));
    (c as unknown as { checkedAt: number }).checkedAt = 0;
    expect(render(c.get('vi'), 'QUARANTINE_RELEASED', PARAMS).sms).toBe('Đã xong ngày 19/12/2021.');
    expect(errors).toEqual([expect.stringMatching(/templates.vi.json: .*the previous texts stay in use/)]);
  });
});
