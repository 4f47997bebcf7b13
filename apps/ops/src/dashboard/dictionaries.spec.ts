import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';

const PUBLIC = join(__dirname, 'public');
const read = (f: string) => readFileSync(join(PUBLIC, f), 'utf8');

/** Runs a dictionary file as the browser would, collecting what it registers with CtI18n.add. */
function dictionary(file: string): Record<string, string> {
  const found: Record<string, string> = {};
  runInNewContext(read(file), {
    CtI18n: { add: (_lang: string, texts: Record<string, string>) => Object.assign(found, texts) },
  });
  return found;
}

describe('dashboard dictionaries (public/lang-*.js)', () => {
  const vi = dictionary('lang-vi.js');
  const en = dictionary('lang-en.js');

  it('give every key in both languages, each with the same placeholders', () => {
    expect(Object.keys(vi).sort()).toEqual(Object.keys(en).sort());
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const k of Object.keys(en)) expect([k, holes(vi[k])]).toEqual([k, holes(en[k])]);
    expect(vi['weekly.down']).toBe('{cases}, giảm {pct} so với tuần trước');
  });

  it('cover every label of the page and every text the scripts ask for', () => {
    const html = read('index.html');
    const fromHtml = [...html.matchAll(/data-i18n(?:-[\w-]+)?="([\w.]+)"/g)].map((m) => m[1]);
    const scripts = readdirSync(PUBLIC).filter((f) => f.endsWith('.js') && !/^(i18n|lang-\w+)\.js$/.test(f));
    const panels = [
      'health',
      'topics',
      'lag',
      'dlq',
      'weekly',
      'levels',
      'care',
      'notifications',
      'screening',
      'graph',
    ];
    expect(scripts).toEqual(expect.arrayContaining(['app.js', 'figures.js', ...panels.map((p) => `${p}.js`)]));
    const js = scripts.map(read).join('\n');
    const fromJs = [...js.matchAll(/\bt\(\s*'([\w.]+)'/g)].map((m) => m[1]);
    const dynamic = [1, 2, 3, 4].map((l) => `levels.name.${l}`);
    expect(fromHtml.length).toBeGreaterThan(40);
    expect(fromJs.length).toBeGreaterThan(40);
    const missing = [...fromHtml, ...fromJs, ...dynamic].filter((k) => !(k in vi) || !(k in en));
    expect(missing).toEqual([]);
  });

  it('leave no English label in the page itself: its texts come from the dictionaries', () => {
    const html = read('index.html');
    const loaded = [...html.matchAll(/<script src="\/dashboard\/([\w-]+\.js)"/g)].map((m) => m[1]);
    for (const script of loaded) expect(readdirSync(PUBLIC)).toContain(script);
    // Every script of the folder is loaded by the page (a panel file left out would never register).
    expect(readdirSync(PUBLIC).filter((f) => f.endsWith('.js'))).toEqual(expect.arrayContaining(loaded));
    expect(loaded).toEqual(expect.arrayContaining(readdirSync(PUBLIC).filter((f) => f.endsWith('.js'))));
    for (const word of ['Sign in', 'Weekly cases', 'Dead letters', 'Consumer lag', 'Contact graph'])
      expect(html).not.toContain(word);
  });
});
