import { DomainError } from './domain-error';
import { readFileSync } from 'node:fs';
import { AreaCatalog } from './area-catalog';

describe('AreaCatalog', () => {
  const catalog = AreaCatalog.fromJson(JSON.parse(readFileSync('data/areas/quang-nam.json', 'utf8')));

  it('loads the shipped sample province with its districts and communes', () => {
    expect(catalog.has('49')).toBe(true);
    expect(catalog.get('502')).toMatchObject({ level: 'district', parentCode: '49' });
    expect(catalog.has('79')).toBe(false);
  });

  it('lists an area with everything below it', () => {
    expect(catalog.withDescendants('502').sort()).toEqual(['20290', '20293', '20296', '502']);
    expect(catalog.withDescendants('49')).toHaveLength(catalog.areas.length);
    expect(catalog.withDescendants('20290')).toEqual(['20290']);
  });

  it('lists an area with everything above it, nearest first', () => {
    expect(catalog.selfAndAncestors('20290')).toEqual(['20290', '502', '49']);
    expect(catalog.selfAndAncestors('49')).toEqual(['49']);
    expect(catalog.selfAndAncestors('nowhere')).toEqual(['nowhere']);
  });

  it('rejects malformed files, duplicate codes and unknown parents', () => {
    expect(() => AreaCatalog.fromJson({})).toThrow(DomainError);
    expect(() =>
      AreaCatalog.fromJson({ areas: [{ code: '1', name: 'x', level: 'planet', parentCode: null, population: 1 }] }),
    ).toThrow(/areas\[0\]/);
    const p = { code: '1', name: 'P', level: 'province', parentCode: null, population: 1 };
    expect(() => AreaCatalog.fromJson({ areas: [p, p] })).toThrow(/twice/);
    expect(() => AreaCatalog.fromJson({ areas: [{ ...p, code: '2', level: 'district', parentCode: '9' }] })).toThrow(
      /unknown parent/,
    );
  });
});
