import { WeeklyReport } from '../domain/report-model';
import { PageText, pageText, TextSection } from '../domain/report-text';

const LEVEL_COLOURS: Record<number, string> = { 1: '#2e7d32', 2: '#f9a825', 3: '#ef6c00', 4: '#c62828' };

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The epidemic curve as inline SVG: a stacked bar per week (community below, in quarantine above). */
function curveSvg(c: PageText['curve']): string {
  const max = Math.max(1, ...c.bars.map((b) => b.total));
  const [w, h, bar] = [480, 160, 40];
  const bars = c.bars
    .map((b, i) => {
      const x = 20 + i * 56;
      const hc = (b.community / max) * (h - 40);
      const hq = ((b.total - b.community) / max) * (h - 40);
      const base = h - 20;
      return (
        `<rect class="bar community" x="${x}" y="${base - hc}" width="${bar}" height="${hc}"/>` +
        `<rect class="bar quarantined" x="${x}" y="${base - hc - hq}" width="${bar}" height="${hq}"/>` +
        `<text x="${x + bar / 2}" y="${base - hc - hq - 4}" text-anchor="middle">${b.total}</text>` +
        `<text x="${x + bar / 2}" y="${h - 4}" text-anchor="middle">${esc(b.label)}</text>`
      );
    })
    .join('');
  return `<svg class="curve" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(c.heading)}">${bars}</svg>`;
}

function section(s: TextSection, cls: string): string {
  return `<section class="${cls}"><h2>${esc(s.heading)}</h2><ul>${s.lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul></section>`;
}

function page(t: PageText): string {
  const s = t.sections;
  return `<article class="page" data-level="${t.level}">
<header><h1>${esc(t.title)}</h1><p class="area">${esc(t.area)}</p><p class="week">${esc(t.week)}</p></header>
<p class="headline" data-testid="headline">${esc(t.headline)}</p>
${section(s.cases, 'cases')}
<section class="curve"><h2>${esc(t.curve.heading)}</h2>${curveSvg(t.curve)}
<p class="legend"><span class="key community"></span>${esc(t.curve.legend[0])} <span class="key quarantined"></span>${esc(t.curve.legend[1])}</p></section>
<section class="level" style="border-left-color:${LEVEL_COLOURS[t.level]}"><h2>${esc(s.level.heading)}</h2>
<p class="level-name">${esc(s.level.lines[0])}</p><ul>${s.level.lines
    .slice(1)
    .map((l) => `<li>${esc(l)}</li>`)
    .join('')}</ul></section>
${section(s.coverage, 'coverage')}
${section(s.containment, 'containment')}
${section(s.clusters, 'clusters')}
<footer>${esc(t.footer)}</footer>
</article>`;
}

const STYLE = `body{font-family:"DejaVu Sans","Noto Sans",Arial,sans-serif;margin:0;color:#222}
.page{max-width:800px;margin:0 auto;padding:24px;page-break-after:always}
h1{font-size:20px;margin:0}h2{font-size:15px;margin:16px 0 4px}.headline{font-size:17px;font-weight:bold}
.level{border-left:6px solid;padding-left:10px}.curve rect.community{fill:#c62828}.curve rect.quarantined{fill:#f9a825}
.curve text{font-size:11px}.key{display:inline-block;width:10px;height:10px;margin:0 4px}
.key.community{background:#c62828}.key.quarantined{background:#f9a825}footer{margin-top:16px;font-size:11px;color:#666}`;

/** The weekly report as one HTML document, one <article class="page"> per area. */
export function renderWeeklyHtml(r: WeeklyReport): string {
  const pages = r.pages.map((p) => page(pageText(p, r.lang, r.generatedAt)));
  const title = pageText(r.pages[0], r.lang, r.generatedAt);
  return `<!doctype html>
<html lang="${r.lang}"><head><meta charset="utf-8"><title>${esc(`${title.title} – ${title.week}`)}</title>
<style>${STYLE}</style></head><body>
${pages.join('\n')}
</body></html>`;
}
