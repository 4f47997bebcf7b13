import { readFileSync } from 'node:fs';
import { AreaCatalog } from './area-catalog';
import { AreaScope, AreaScopes, inAreaScope } from './area-scope';
import { Principal } from './principal';

const catalog = AreaCatalog.fromJson(JSON.parse(readFileSync('data/areas/quang-nam.json', 'utf8')));
const scopes = new AreaScopes(catalog);
const who = (roles: Principal['roles'], areas: string[]): Principal => ({ subject: 's', roles, areas });

describe('AreaScope', () => {
  it('covers the areas of the token and every area below them, by parent links, not by prefix', () => {
    const district = scopes.of(who(['tracer'], ['502']));
    expect(district.all).toBe(false);
    expect(district.covers('502')).toBe(true);
    expect(district.covers('20290')).toBe(true);
    expect(district.covers('20335')).toBe(false); // a commune of district 503
    expect(district.covers('49')).toBe(false); // the province above is not covered
    expect(district.covers('5020')).toBe(false);
    expect(district.codes()).toEqual(['20290', '20293', '20296', '502']);
    const province = scopes.of(who(['quarantine'], ['49']));
    expect(province.covers('20575')).toBe(true);
    expect(province.codes()).toHaveLength(13);
  });

  it('gives admin, `*` and unscoped roles everything, and a token without areas nothing', () => {
    for (const s of [
      scopes.of(who(['admin'], [])),
      scopes.of(who(['tracer'], ['*'])),
      scopes.of(who(['ops'], []), { unscoped: ['ops'] }),
    ]) {
      expect(s.all).toBe(true);
      expect(s.codes()).toBeNull();
      expect(s.covers(null)).toBe(true);
    }
    const none = scopes.of(who(['tracer'], []));
    expect(none.covers('49')).toBe(false);
    expect(none.codes()).toEqual([]);
    expect(scopes.of(who(['ops', 'tracer'], []), { unscoped: ['feed'] }).all).toBe(false);
  });

  it('never covers a record without an area unless it covers everything', () => {
    const s = AreaScope.of(['49'], catalog);
    expect(s.covers(null)).toBe(false);
    expect(s.covers(undefined)).toBe(false);
    expect(AreaScope.of(['unknown-code'], catalog).covers('unknown-code')).toBe(true);
  });

  it('narrows an area filter to the scope and writes the SQL condition', () => {
    expect(AreaScope.of(['20290'], catalog).narrow(catalog.withDescendants('502'))).toEqual(['20290']);
    expect(AreaScope.ALL.narrow(['1', '2'])).toEqual(['1', '2']);
    expect(inAreaScope('c.area_code', 3)).toBe('($3::text[] IS NULL OR c.area_code = ANY($3::text[]))');
  });
});
