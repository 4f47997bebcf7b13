import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { GraphSecrets } from './graph-secrets';

const secretsWith = (key: Buffer) =>
  new GraphSecrets({ query: () => Promise.resolve([{ key }]) } as unknown as DataSource);

describe('GraphSecrets', () => {
  const secrets = secretsWith(randomBytes(32));

  it('seals a cursor that opens only under the same key and names nobody in clear', async () => {
    const sealed = await secrets.sealCursor([2, 'person-f1', 'person-hidden']);
    expect(sealed).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain('person-hidden');
    expect(await secrets.openCursor(sealed)).toEqual([2, 'person-f1', 'person-hidden']);
    expect(await secretsWith(randomBytes(32)).openCursor(sealed)).toBeNull();
    const tampered = Buffer.from(sealed, 'base64url');
    tampered[tampered.length - 1] ^= 1;
    expect(await secrets.openCursor(tampered.toString('base64url'))).toBeNull();
    expect(await secrets.openCursor(Buffer.from('[1,"a","b"]').toString('base64url'))).toBeNull();
  });

  it('gives stable pseudonyms per case that differ across cases and persons', async () => {
    const inA = await secrets.pseudonymizer('case-a');
    const inB = await secrets.pseudonymizer('case-b');
    expect(inA('p1')).toMatch(/^x-[A-Za-z0-9_-]{22}$/);
    expect(inA('p1')).toBe((await secrets.pseudonymizer('case-a'))('p1'));
    expect(inA('p1')).not.toBe(inB('p1'));
    expect(inA('p1')).not.toBe(inA('p2'));
  });
});
