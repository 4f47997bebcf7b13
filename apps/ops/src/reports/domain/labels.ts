import { formatDate, formatLocalDateTime, Lang } from './format';

/** The weekly report's fixed text, per language (figures are worded in wording.ts). */
export interface ReportLabels {
  title: string;
  week: (isoWeek: string, from: string, to: string) => string;
  areaLine: (name: string, code: string, population: string) => string;
  cases: string;
  community: string;
  quarantined: string;
  curve: string;
  legendCommunity: string;
  legendQuarantined: string;
  level: string;
  reasons: string;
  coverage: string;
  adultsOneDose: string;
  over50Full: string;
  coverageUnknown: string;
  updated: (at: string) => string;
  containment: string;
  quarantinesActive: string;
  isolationsActive: string;
  isolatedAtHome: string;
  isolatedInFacilities: string;
  waitingForBed: string;
  bedsFree: string;
  clustersAndSites: string;
  newClusters: string;
  cluster: (size: string, firstAt: string) => string;
  newSites: string;
  site: (venueId: string, firstAt: string) => string;
  more: (n: string) => string;
  footer: (at: string) => string;
}

const isoWeekShort = (isoWeek: string) => `${isoWeek.slice(6)}/${isoWeek.slice(0, 4)}`;

export const REPORT_LABELS: Record<Lang, ReportLabels> = {
  vi: {
    title: 'BÁO CÁO TÌNH HÌNH DỊCH COVID-19 HẰNG TUẦN',
    week: (w, from, to) => `Tuần ${isoWeekShort(w)} (từ ${formatDate(from)} đến ${formatDate(to)})`,
    areaLine: (name, code, pop) => `${name} (mã ${code}) – dân số ${pop} người`,
    cases: 'Số ca mắc',
    community: 'Ca mắc trong cộng đồng',
    quarantined: 'Ca mắc đã được cách ly từ trước',
    curve: 'Số ca mắc 8 tuần gần nhất',
    legendCommunity: 'Trong cộng đồng',
    legendQuarantined: 'Trong khu cách ly',
    level: 'Cấp độ dịch (Nghị quyết 128/NQ-CP)',
    reasons: 'Căn cứ đánh giá',
    coverage: 'Tiêm vắc-xin phòng COVID-19',
    adultsOneDose: 'Người từ 18 tuổi trở lên tiêm ít nhất 1 mũi',
    over50Full: 'Người từ 50 tuổi trở lên tiêm đủ liều',
    coverageUnknown: 'Chưa có số liệu tiêm chủng của địa bàn',
    updated: (at) => `cập nhật ${formatLocalDateTime(at)}`,
    containment: 'Cách ly và điều trị',
    quarantinesActive: 'Đang cách ly (F1, F2) cuối tuần',
    isolationsActive: 'F0 đang cách ly, điều trị cuối tuần',
    isolatedAtHome: 'tại nhà',
    isolatedInFacilities: 'tại cơ sở điều trị',
    waitingForBed: 'đang chờ giường tại cơ sở điều trị',
    bedsFree: 'Giường trống tại cơ sở điều trị cuối tuần',
    clustersAndSites: 'Ổ dịch và địa điểm liên quan',
    newClusters: 'Ổ dịch mới trong tuần',
    cluster: (size, at) => `ổ dịch ${size} ca, ca đầu tiên ngày ${at}`,
    newSites: 'Địa điểm mới ghi nhận có ca bệnh',
    site: (venue, at) => `${venue} (từ ngày ${at})`,
    more: (n) => `và ${n} nơi khác`,
    footer: (at) => `Lập lúc ${at} (giờ Việt Nam, UTC+7). Số liệu từ hệ thống truy vết, cách ly.`,
  },
  en: {
    title: 'WEEKLY COVID-19 SITUATION REPORT',
    week: (w, from, to) => `Week ${isoWeekShort(w)} (${formatDate(from)} to ${formatDate(to)})`,
    areaLine: (name, code, pop) => `${name} (code ${code}) – population ${pop}`,
    cases: 'Cases',
    community: 'Community cases',
    quarantined: 'Cases already in quarantine',
    curve: 'Cases over the last 8 weeks',
    legendCommunity: 'Community',
    legendQuarantined: 'In quarantine',
    level: 'Epidemic level (Resolution 128/NQ-CP)',
    reasons: 'Why',
    coverage: 'COVID-19 vaccination',
    adultsOneDose: 'Adults (18+) with at least one dose',
    over50Full: 'People aged 50+ fully vaccinated',
    coverageUnknown: 'No vaccination figures for the area yet',
    updated: (at) => `updated ${formatLocalDateTime(at)}`,
    containment: 'Quarantine and isolation',
    quarantinesActive: 'In quarantine (F1, F2) at the end of the week',
    isolationsActive: 'Cases (F0) in isolation or treatment at the end of the week',
    isolatedAtHome: 'at home',
    isolatedInFacilities: 'in treatment facilities',
    waitingForBed: 'waiting for a bed in a treatment facility',
    bedsFree: 'Beds free in treatment facilities at the end of the week',
    clustersAndSites: 'Clusters and exposure sites',
    newClusters: 'New clusters this week',
    cluster: (size, at) => `cluster of ${size} cases, first confirmed ${at}`,
    newSites: 'New exposure sites',
    site: (venue, at) => `${venue} (from ${at})`,
    more: (n) => `and ${n} more`,
    footer: (at) => `Generated ${at} (Vietnam time, UTC+7) from the tracing and quarantine records.`,
  },
};
