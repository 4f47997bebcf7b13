import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';

/** The last edge of a page: (degree, source person, contact person), the graph's order. */
export type ContactsCursor = [number, string, string];

/** The cursor's fields when `v` is one this service sealed, else null. */
function asCursor(v: unknown): ContactsCursor | null {
  if (!Array.isArray(v) || v.length !== 3) return null;
  const [d, s, p] = v;
  if (!Number.isInteger(d) || d < 0 || d > 9 || typeof s !== 'string' || typeof p !== 'string') return null;
  if (s.length > 128 || p.length > 128 || /[\u0000-\u001F\u007F]/.test(s + p)) return null;
  return [d, s, p];
}

/**
 * The tracing service's graph secret (32 random bytes in tracing.service_keys, made by a migration
 * and shared by every replica). It keys the pseudonyms that stand for other areas' persons and cases
 * in a graph (HMAC-SHA-256 of the case seen and the hidden id: stable across pages and restarts,
 * not linkable across cases, not reversible by guessing ids) and seals the paging cursors
 * (AES-256-GCM), whose edge keys may name such persons.
 */
@Injectable()
export class GraphSecrets {
  private key?: Promise<Buffer>;

  constructor(private readonly ds: DataSource) {}

  private secret(): Promise<Buffer> {
    this.key ??= this.ds
      .query(`SELECT key FROM tracing.service_keys WHERE name = 'graph'`)
      .then((rows: { key: Buffer }[]) => {
        if (rows.length !== 1) throw new Error('tracing.service_keys has no graph key (migration missing)');
        return rows[0].key;
      })
      .catch((err: unknown) => {
        this.key = undefined;
        throw err;
      });
    return this.key;
  }

  /** A stable opaque id for `hiddenId` as seen from `seenFrom` (the case whose graph shows it). */
  async pseudonymizer(seenFrom: string): Promise<(hiddenId: string) => string> {
    const key = await this.secret();
    return (hiddenId) =>
      `x-${createHmac('sha256', key).update(`${seenFrom}\u0000${hiddenId}`).digest('base64url').slice(0, 22)}`;
  }

  async sealCursor(c: ContactsCursor): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', await this.secret(), iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(c), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The cursor, or null when `raw` is not one this service sealed (forged, altered, another key). */
  async openCursor(raw: string): Promise<ContactsCursor | null> {
    const all = Buffer.from(raw, 'base64url');
    if (all.length < 29) return null;
    const key = await this.secret();
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, all.subarray(0, 12));
      decipher.setAuthTag(all.subarray(12, 28));
      const text = Buffer.concat([decipher.update(all.subarray(28)), decipher.final()]).toString('utf8');
      return asCursor(JSON.parse(text));
    } catch {
      return null;
    }
  }
}
