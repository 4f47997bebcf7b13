import { mergeDocs, RouteTable } from './edge';

describe(RouteTable.name, () => {
  const cases = { name: 'cases', url: 'http://cases' };
  const tracing = { name: 'tracing', url: 'http://tracing' };
  const table = new RouteTable();
  table.add(cases, {
    paths: {
      '/cases': { post: {}, get: {} },
      '/cases/{id}': { get: {} },
      '/cases/{id}/contacts': { post: {} },
      '/persons/lookup': { get: {} },
      '/health': { get: {} },
    },
  });
  table.add(tracing, {
    paths: {
      '/cases/{id}/contacts': { get: {} },
      '/persons/{personId}/exposures': { get: {} },
      '/persons/{id}': { get: {} },
    },
  });

  it('routes by method and path template', () => {
    expect(table.match('POST', '/cases')?.name).toBe('cases');
    expect(table.match('GET', '/cases/abc')?.name).toBe('cases');
    expect(table.match('GET', '/cases/abc/contacts')?.name).toBe('tracing');
    expect(table.match('POST', '/cases/abc/contacts')?.name).toBe('cases');
    expect(table.match('GET', '/persons/p1/exposures')?.name).toBe('tracing');
  });

  it('prefers the most literal template', () => {
    expect(table.match('GET', '/persons/lookup')?.name).toBe('cases');
    expect(table.match('GET', '/persons/p1')?.name).toBe('tracing');
  });

  it('matches nothing for unknown paths, methods and the services own /health', () => {
    expect(table.match('GET', '/nope')).toBeUndefined();
    expect(table.match('DELETE', '/cases')).toBeUndefined();
    expect(table.match('GET', '/health')).toBeUndefined();
    expect(table.methodsFor('/cases').sort()).toEqual(['GET', 'POST']);
  });

  it('merges documents, keeping both methods of a path served by two services', () => {
    const merged = mergeDocs([
      { upstream: cases, doc: { paths: { '/cases/{id}/contacts': { post: { summary: 'declare' } } } } },
      { upstream: tracing, doc: { paths: { '/cases/{id}/contacts': { get: { summary: 'graph' } } } } },
    ]) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(merged.paths['/cases/{id}/contacts']).sort()).toEqual(['get', 'post']);
  });
});
