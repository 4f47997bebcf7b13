import { formatDate } from './local-time';

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Every message the service sends, and the placeholders its texts may use. */
export const TEMPLATE_FIELDS = {
  QUARANTINE_ORDERED: ['place', 'firstDay', 'plannedEnd', 'testDays'],
  QUARANTINE_EXTENDED: ['plannedEnd', 'testDays'],
  QUARANTINE_TRANSFERRED: ['place', 'plannedEnd', 'testDays'],
  TEST_REMINDER: ['testDate', 'day'],
  TEST_RESULT_NEGATIVE: ['sampleDate'],
  TEST_RESULT_POSITIVE: ['sampleDate'],
  TEST_RESULT_INCONCLUSIVE: ['sampleDate'],
  QUARANTINE_RELEASED: ['endDate'],
  QUARANTINE_CANCELLED: ['endDate'],
  EXPOSURE_ALERT: ['venueId', 'visitDate', 'monitorUntil'],
  ISOLATION_ORDERED: ['place', 'firstDay', 'plannedEnd', 'testDays'],
  ISOLATION_TRANSFERRED: ['place'],
  ISOLATION_RELEASED: ['endDate'],
  ISOLATION_CANCELLED: ['endDate'],
} as const;
export type TemplateName = keyof typeof TEMPLATE_FIELDS;
export const TEMPLATE_NAMES = Object.keys(TEMPLATE_FIELDS) as TemplateName[];

/** Labels the texts are built from (the place of a quarantine by kind; {facility} is the facility's id). */
export const LABELS = [
  'place.HOME',
  'place.CENTRALIZED',
  'place.SELF_MONITORING',
  'place.TREATMENT_FACILITY',
  'none',
] as const;

/** One message in one language: e-mail subject (also the push title), SMS/push text, e-mail text. */
export interface TemplateText {
  subject: string;
  sms: string;
  email: string;
}

export interface TemplateSet {
  language: Language;
  labels: Record<(typeof LABELS)[number], string>;
  templates: Record<TemplateName, TemplateText>;
}

/** The facts stored with a planned message (no identity data): dates are local calendar dates. */
export interface MessageParams {
  kind?: string;
  facilityId?: string | null;
  firstDay?: string;
  plannedEnd?: string;
  testDates?: string[];
  testDate?: string;
  day?: number | null;
  sampleDate?: string;
  endDate?: string;
  /** Exposure alert: the venue (its id, as the check-in app shows it), the day of the visit, the last day to watch. */
  venueId?: string;
  visitDate?: string;
  monitorUntil?: string;
}

export interface RenderedMessage {
  subject: string;
  sms: string;
  text: string;
  html: string;
}

const PLACEHOLDER = /\{\{(\w+)\}\}/g;
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;

/** Checks a template file's content; throws naming every problem (file edits by staff are checked at load). */
export function checkTemplateSet(raw: unknown, language: Language): TemplateSet {
  const problems: string[] = [];
  const o = (raw ?? {}) as Record<string, unknown>;
  const labels = (o.labels ?? {}) as Record<string, unknown>;
  const templates = (o.templates ?? {}) as Record<string, unknown>;
  for (const l of LABELS) if (!isText(labels[l])) problems.push(`labels.${l} must be a text`);
  for (const name of TEMPLATE_NAMES) {
    const t = (templates[name] ?? {}) as Record<string, unknown>;
    for (const part of ['subject', 'sms', 'email'] as const) {
      const text = t[part];
      if (!isText(text)) {
        problems.push(`templates.${name}.${part} must be a text`);
        continue;
      }
      for (const [, field] of text.matchAll(PLACEHOLDER))
        if (!(TEMPLATE_FIELDS[name] as readonly string[]).includes(field))
          problems.push(`templates.${name}.${part}: unknown placeholder {{${field}}}`);
    }
  }
  for (const name of Object.keys(templates))
    if (!(TEMPLATE_NAMES as string[]).includes(name)) problems.push(`templates.${name} is not a known template`);
  if (problems.length > 0) throw new Error(`templates (${language}): ${problems.join('; ')}`);
  return { language, labels: labels as TemplateSet['labels'], templates: templates as TemplateSet['templates'] };
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The values of the placeholders, written in the set's language. */
export function placeholderValues(set: TemplateSet, p: MessageParams): Record<string, string> {
  const date = (d: string | undefined) => (d ? formatDate(d, set.language) : set.labels.none);
  const place = p.kind
    ? (set.labels[`place.${p.kind}` as (typeof LABELS)[number]] ?? p.kind).replace('{facility}', p.facilityId ?? '')
    : set.labels.none;
  return {
    place: place.replace(/\s+/g, ' ').trim(),
    firstDay: date(p.firstDay),
    plannedEnd: date(p.plannedEnd),
    testDays: p.testDates?.length ? p.testDates.map(date).join(', ') : set.labels.none,
    testDate: date(p.testDate),
    day: p.day === null || p.day === undefined ? '' : String(p.day),
    sampleDate: date(p.sampleDate),
    endDate: date(p.endDate),
    venueId: p.venueId ?? set.labels.none,
    visitDate: date(p.visitDate),
    monitorUntil: date(p.monitorUntil),
  };
}

/** A template filled in: the SMS/push text, the e-mail's subject, plain text and HTML. */
export function render(set: TemplateSet, name: TemplateName, params: MessageParams): RenderedMessage {
  const values = placeholderValues(set, params);
  const fill = (s: string) => s.replace(PLACEHOLDER, (_, f: string) => values[f] ?? '');
  const t = set.templates[name];
  const text = fill(t.email);
  const html = `<!doctype html><html lang="${set.language}"><body>${text
    .split(/\n{2,}/)
    .map((para) => `<p>${escapeHtml(para).replace(/\n/g, '<br>')}</p>`)
    .join('')}</body></html>`;
  return { subject: fill(t.subject), sms: fill(t.sms), text, html };
}
