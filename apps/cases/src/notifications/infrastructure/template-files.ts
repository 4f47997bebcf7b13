import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkTemplateSet, Language, LANGUAGES, TemplateSet } from '../domain/templates';

/** How often the files' modification times are looked at. */
const CHECK_EVERY_MS = 2000;

/**
 * The template files (`<dir>/templates.<language>.json`), checked at start (a bad file stops the
 * service) and read again when staff change them: a changed file that does not pass the check is
 * refused with an error and the previous texts stay in use.
 */
export class TemplateCatalog {
  private readonly sets = new Map<Language, { set: TemplateSet; mtimeMs: number }>();
  private checkedAt = 0;

  constructor(
    private readonly dir: string,
    private readonly onError: (message: string) => void = () => undefined,
  ) {
    for (const language of LANGUAGES) this.load(language, true);
    this.checkedAt = Date.now();
  }

  get(language: Language): TemplateSet {
    if (Date.now() - this.checkedAt > CHECK_EVERY_MS) {
      this.checkedAt = Date.now();
      for (const l of LANGUAGES) this.load(l, false);
    }
    return this.sets.get(language)!.set;
  }

  private file(language: Language): string {
    return join(this.dir, `templates.${language}.json`);
  }

  private load(language: Language, first: boolean): void {
    const file = this.file(language);
    try {
      const mtimeMs = statSync(file).mtimeMs;
      if (!first && this.sets.get(language)?.mtimeMs === mtimeMs) return;
      const set = checkTemplateSet(JSON.parse(readFileSync(file, 'utf8')), language);
      this.sets.set(language, { set, mtimeMs });
    } catch (err) {
      const message = `${file}: ${(err as Error).message}`;
      if (first) throw new Error(message, { cause: err });
      this.onError(`${message}; the previous texts stay in use`);
      const kept = this.sets.get(language);
      if (kept) kept.mtimeMs = statMtime(file) ?? kept.mtimeMs;
    }
  }
}

function statMtime(file: string): number | null {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}
