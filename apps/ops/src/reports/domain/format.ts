/**
 * Numbers and dates as the report's readers write them. Vietnamese: thousands with ".", decimals
 * with "," (1.234,5; 34,1%), dates dd/mm/yyyy. English (en-GB): 1,234.5; 34.1%; dd/mm/yyyy.
 * Pure and independent of the machine's ICU data, so the PDF says the same everywhere.
 */
export const LANGS = ['vi', 'en'] as const;
export type Lang = (typeof LANGS)[number];

const SEPARATORS: Record<Lang, { thousands: string; decimal: string }> = {
  vi: { thousands: '.', decimal: ',' },
  en: { thousands: ',', decimal: '.' },
};

/** `n` with `decimals` digits after the separator (rounded half away from zero). */
export function formatNumber(n: number, lang: Lang, decimals = 0): string {
  const { thousands, decimal } = SEPARATORS[lang];
  const factor = 10 ** decimals;
  const rounded = Math.round(Math.abs(n) * factor) / factor;
  const [int, frac] = rounded.toFixed(decimals).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, thousands);
  const sign = n < 0 && rounded !== 0 ? '-' : '';
  return `${sign}${grouped}${frac ? decimal + frac : ''}`;
}

/** A percentage as the seeds write it: "34,1%" (vi), "34.1%" (en); one decimal unless told. */
export function formatPercent(pct: number, lang: Lang, decimals = 1): string {
  return `${formatNumber(pct, lang, decimals)}%`;
}

/** A calendar date YYYY-MM-DD as dd/mm/yyyy (both languages). */
export function formatDate(date: string): string {
  const [y, m, d] = date.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

/** An instant in local time (UTC+7): dd/mm/yyyy HH:mm. */
export function formatLocalDateTime(at: string | Date): string {
  const local = new Date(new Date(at).getTime() + 7 * 3600_000).toISOString();
  return `${formatDate(local)} ${local.slice(11, 16)}`;
}
