import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AreaCatalog } from '../domain/area-catalog';

/** Reads the area file (the same file ops/surveillance reads; its format is shared). */
export function loadAreaFile(path: string): AreaCatalog {
  const file = resolve(path);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`AREAS_FILE ${file} cannot be read as JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return AreaCatalog.fromJson(data);
}
