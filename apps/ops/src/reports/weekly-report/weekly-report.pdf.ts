import PDFDocument from 'pdfkit';
import { WeeklyReport } from '../domain/report-model';
import { PageText, pageText, TextSection } from '../domain/report-text';

/**
 * The project's own font (npm dejavu-fonts-ttf), embedded and subset by pdfkit: it has every
 * Vietnamese glyph, and pdfkit writes a ToUnicode map so the text can be searched and extracted
 * (the test reads it back with pdftotext). Never a system font path.
 */
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

const LEVEL_COLOURS: Record<number, string> = { 1: '#2e7d32', 2: '#f9a825', 3: '#ef6c00', 4: '#c62828' };
const [COMMUNITY, QUARANTINED] = ['#c62828', '#f9a825'];
const LEFT = 50;
const WIDTH = 495; // A4 (595 pt) minus the margins

function heading(doc: PDFKit.PDFDocument, text: string): void {
  doc.moveDown(0.6).font('bold').fontSize(12).fillColor('#000').text(text, LEFT, undefined, { width: WIDTH });
  doc.font('regular').fontSize(10);
}

function lines(doc: PDFKit.PDFDocument, s: TextSection, from = 0): void {
  for (const l of s.lines.slice(from)) doc.text(l, LEFT, undefined, { width: WIDTH });
}

/** The epidemic curve: a stacked bar per week (community below, in quarantine above), counts on top. */
function curve(doc: PDFKit.PDFDocument, c: PageText['curve']): void {
  heading(doc, c.heading);
  const top = doc.y + 4;
  const [height, bar, step] = [110, 36, 56];
  const base = top + height;
  const max = Math.max(1, ...c.bars.map((b) => b.total));
  doc
    .save()
    .lineWidth(0.5)
    .strokeColor('#999')
    .moveTo(LEFT, base)
    .lineTo(LEFT + 8 * step, base)
    .stroke()
    .restore();
  c.bars.forEach((b, i) => {
    const x = LEFT + 10 + i * step;
    const hc = (b.community / max) * (height - 16);
    const hq = ((b.total - b.community) / max) * (height - 16);
    if (hc > 0) doc.rect(x, base - hc, bar, hc).fill(COMMUNITY);
    if (hq > 0) doc.rect(x, base - hc - hq, bar, hq).fill(QUARANTINED);
    doc.fillColor('#000').fontSize(8);
    doc.text(String(b.total), x, base - hc - hq - 11, { width: bar, align: 'center', lineBreak: false });
    doc.text(b.label, x, base + 3, { width: bar, align: 'center', lineBreak: false });
  });
  const legendY = base + 16;
  doc.rect(LEFT, legendY + 1, 8, 8).fill(COMMUNITY);
  doc.fillColor('#000').text(c.legend[0], LEFT + 12, legendY, { lineBreak: false });
  doc.rect(LEFT + 150, legendY + 1, 8, 8).fill(QUARANTINED);
  doc.fillColor('#000').text(c.legend[1], LEFT + 162, legendY, { lineBreak: false });
  doc.fontSize(10).text('', LEFT, legendY + 14);
}

function page(doc: PDFKit.PDFDocument, t: PageText): void {
  doc.font('bold').fontSize(15).fillColor('#000').text(t.title, LEFT, 50, { width: WIDTH, align: 'center' });
  doc.font('regular').fontSize(11).text(t.area, { width: WIDTH, align: 'center' });
  doc.text(t.week, { width: WIDTH, align: 'center' });
  doc.moveDown(0.8).font('bold').fontSize(13).text(t.headline, LEFT, undefined, { width: WIDTH });
  doc.font('regular').fontSize(10);
  lines(doc, t.sections.cases);
  curve(doc, t.curve);
  heading(doc, t.sections.level.heading);
  doc.font('bold').fillColor(LEVEL_COLOURS[t.level]).text(t.sections.level.lines[0], LEFT, undefined, { width: WIDTH });
  doc.font('regular').fillColor('#000');
  lines(doc, t.sections.level, 1);
  for (const s of [t.sections.coverage, t.sections.containment, t.sections.clusters]) {
    heading(doc, s.heading);
    lines(doc, s);
  }
  doc.moveDown(1).fontSize(8).fillColor('#666').text(t.footer, LEFT, undefined, { width: WIDTH });
}

/** The weekly report as a PDF (A4), one page per area. */
export function renderWeeklyPdf(r: WeeklyReport): Promise<Buffer> {
  const first = pageText(r.pages[0], r.lang, r.generatedAt);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    autoFirstPage: false,
    lang: r.lang,
    info: { Title: `${first.title} – ${first.week}`, Creator: 'contact-tracing ops' },
  });
  doc.registerFont('regular', FONT);
  doc.registerFont('bold', FONT_BOLD);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (const p of r.pages) {
    doc.addPage();
    page(doc, pageText(p, r.lang, r.generatedAt));
  }
  doc.end();
  return done;
}
