/** Vietnam's local time (UTC+7, no daylight saving): what every date in a message is written in. */
export const LOCAL_OFFSET_MINUTES = 420;

const MINUTE = 60_000;
const DAY = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The local calendar date (YYYY-MM-DD) of an instant. */
export function localDate(at: Date | string): string {
  return new Date(new Date(at).getTime() + LOCAL_OFFSET_MINUTES * MINUTE).toISOString().slice(0, 10);
}

/** Minutes since local midnight of an instant. */
export function localMinuteOfDay(at: Date): number {
  const ms = (at.getTime() + LOCAL_OFFSET_MINUTES * MINUTE) % DAY;
  return Math.floor((ms < 0 ? ms + DAY : ms) / MINUTE);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** The instant of a local date at a local minute of the day. */
export function atLocal(date: string, minuteOfDay: number): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) + (minuteOfDay - LOCAL_OFFSET_MINUTES) * MINUTE);
}

/** "HH:MM" → minutes since midnight. */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** A calendar date written for a reader: "ngày 05/12/2021" (vi), "5 Dec 2021" (en). */
export function formatDate(date: string, language: 'vi' | 'en'): string {
  const [y, m, d] = date.split('-');
  return language === 'vi' ? `ngày ${d}/${m}/${y}` : `${Number(d)} ${EN_MONTHS[Number(m) - 1]} ${y}`;
}

/** Local time of an instant, "19:05". */
export function formatTime(at: Date | string): string {
  const m = localMinuteOfDay(new Date(at));
  return `${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}

export interface QuietHours {
  /** Minutes since local midnight; start > end spans midnight (21:00–07:00). */
  start: number;
  end: number;
}

export function parseQuietHours(spec: string): QuietHours | null {
  if (!spec) return null;
  const [a, b] = spec.split('-');
  return { start: minutesOf(a), end: minutesOf(b) };
}

export function isQuiet(at: Date, q: QuietHours | null): boolean {
  if (!q || q.start === q.end) return false;
  const m = localMinuteOfDay(at);
  return q.start < q.end ? m >= q.start && m < q.end : m >= q.start || m < q.end;
}

/** `at`, or the end of the quiet hours it falls in (the next morning). */
export function afterQuietHours(at: Date, q: QuietHours | null): Date {
  if (!q || !isQuiet(at, q)) return at;
  const today = localDate(at);
  const end = atLocal(today, q.end);
  return end > at ? end : atLocal(addDays(today, 1), q.end);
}
