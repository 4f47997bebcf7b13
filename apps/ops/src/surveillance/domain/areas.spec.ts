import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AreaTree } from './areas';

describe('AreaTree', () => {
  const tree = AreaTree.parse(
    JSON.parse(readFileSync(join(__dirname, '../../../../../data/areas/quang-nam.json'), 'utf8')),
  );

  it('rolls communes up to districts and the province', () => {
    expect(tree.selfAndAncestors('20290')).toEqual(['20290', '502', '49']);
    expect(tree.selfAndDescendants('502').sort()).toEqual(['20290', '20293', '20296', '502']);
    expect(tree.selfAndDescendants('49')).toHaveLength(13);
    expect(tree.selfAndAncestors('nowhere')).toEqual(['nowhere']);
  });

  it('rejects a file of another shape', () => {
    expect(() => AreaTree.parse({ areas: [{ code: 1 }] })).toThrow(/bad entry/);
    expect(() => AreaTree.parse([])).toThrow(/expected/);
  });
});
