import type { Response } from 'express';
import { stream as excelStream } from 'exceljs';
import { DataSource } from 'typeorm';

/** One column of an export: CSV header (snake_case), XLSX label, type, and whether it is identity data. */
export interface ExportColumn {
  key: string;
  label: string;
  type: 'text' | 'int' | 'decimal' | 'boolean' | 'date' | 'datetime';
  /** Identity data (name, phone, ID number, birth date, address): left out for roles not allowed it. */
  identity?: boolean;
}

export type ExportFormat = 'csv' | 'xlsx';

export interface ExportRequest {
  /** A SELECT whose output columns are the columns' keys; $n parameters allowed. */
  sql: string;
  params: unknown[];
  columns: ExportColumn[];
  format: ExportFormat;
  /** File name without extension, e.g. "cases-2021-11-20". */
  fileName: string;
  /** Local time for dates and times (minutes east of UTC; Việt Nam: 420). */
  utcOffsetMinutes: number;
  /**
   * Called with the row count once every row is written, before the file is finished (the end of
   * the CSV, the XLSX's zip directory): the audit row. When it fails the client gets no whole file.
   */
  beforeEnd(rows: number): Promise<void>;
}

/** Date cells' display formats (Excel), per column type. */
const XLSX_FORMATS: Partial<Record<ExportColumn['type'], string>> = {
  date: 'dd/mm/yyyy',
  datetime: 'dd/mm/yyyy hh:mm',
  decimal: '0.0',
};

/** Rows fetched from the cursor at a time: memory is bounded by this, not by the export's size. */
export const EXPORT_FETCH_ROWS = 2000;

const pad = (n: number) => String(n).padStart(2, '0');

/** A timestamp in local time with its offset, e.g. 2021-11-20T08:00:00+07:00 (CSV). */
export function localTimestamp(d: Date, offsetMinutes: number): string {
  const l = new Date(d.getTime() + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${l.toISOString().slice(0, 19)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** RFC 4180: quoted when it holds a comma, a quote or a line break; a leading = + - @ is prefixed with ' (no formulas). */
export function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const scalar = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint'
      ? `${v}`
      : JSON.stringify(v);

function cellText(v: unknown, c: ExportColumn, offset: number): string {
  if (v === null || v === undefined) return '';
  if (c.type === 'datetime') return localTimestamp(v as Date, offset);
  if (c.type === 'date') return typeof v === 'string' ? v : (v as Date).toISOString().slice(0, 10);
  return scalar(v);
}

/**
 * Excel has no time zones: a date cell shows the wall-clock time of its serial number, which exceljs
 * computes from UTC. Shifting by the offset makes the cell show local time (UTC+7).
 */
function cellValue(v: unknown, c: ExportColumn, offset: number): unknown {
  if (v === null || v === undefined) return null;
  if (c.type === 'datetime') return new Date((v as Date).getTime() + offset * 60_000);
  if (c.type === 'date')
    return new Date(`${typeof v === 'string' ? v : (v as Date).toISOString().slice(0, 10)}T00:00:00Z`);
  if (c.type === 'int' || c.type === 'decimal') return Number(v);
  if (c.type === 'boolean') return v === true || v === 'true';
  return scalar(v);
}

/** Waits until `res` can take more (backpressure), or rejects when the client went away. */
function drained(res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => done(resolve);
    const onClose = () => done(() => reject(new Error('the client closed the export')));
    const done = (f: () => void) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      f();
    };
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/**
 * Streams a query's rows to the response as CSV (UTF-8 with BOM, so Excel reads Vietnamese) or XLSX
 * (exceljs's streaming WorkbookWriter: typed date cells in local time), from a server-side cursor
 * read EXPORT_FETCH_ROWS at a time in one REPEATABLE READ READ ONLY transaction: memory stays flat
 * whatever the row count. Resolves with the number of rows written.
 */
export async function streamExport(ds: DataSource, req: ExportRequest, res: Response): Promise<number> {
  const { columns, format, utcOffsetMinutes: offset } = req;
  const qr = ds.createQueryRunner();
  await qr.connect();
  let rows = 0;
  try {
    await qr.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await qr.query(`DECLARE export_cursor NO SCROLL CURSOR FOR ${req.sql}`, req.params);
    res.status(200);
    res.setHeader(
      'content-type',
      format === 'csv'
        ? 'text/csv; charset=utf-8'
        : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    res.setHeader('content-disposition', `attachment; filename="${req.fileName}.${format}"`);
    res.setHeader('cache-control', 'no-store');
    const workbook =
      format === 'xlsx'
        ? new excelStream.xlsx.WorkbookWriter({ stream: res, useStyles: true, useSharedStrings: false })
        : null;
    const sheet = workbook?.addWorksheet(req.fileName.replace(/-\d{4}-\d{2}-\d{2}$/, ''));
    // One style object per column, set on every cell of it: exceljs finds a style it has seen by the
    // object's identity (a WeakMap); a column style would be copied into each cell and re-serialized.
    const styles = columns.map((c) => ({ ...(XLSX_FORMATS[c.type] ? { numFmt: XLSX_FORMATS[c.type] } : {}) }));
    if (sheet)
      sheet.columns = columns.map((c) => ({
        header: c.label,
        key: c.key,
        width: c.type === 'datetime' ? 20 : c.type === 'date' ? 12 : 24,
      }));
    else if (!res.write(`\ufeff${columns.map((c) => c.key).join(',')}\r\n`)) await drained(res);
    for (;;) {
      const batch: Record<string, unknown>[] = await qr.query(`FETCH ${EXPORT_FETCH_ROWS} FROM export_cursor`);
      if (batch.length === 0) break;
      rows += batch.length;
      if (sheet) {
        for (const r of batch) {
          const row = sheet.addRow(columns.map((c) => cellValue(r[c.key], c, offset)));
          for (let i = 0; i < styles.length; i++) row.getCell(i + 1).style = styles[i];
          row.commit();
        }
        // exceljs writes to the stream as rows are committed; wait when the client is slower.
        if (res.writableNeedDrain) await drained(res);
      } else {
        const text = batch
          .map((r) => columns.map((c) => csvCell(cellText(r[c.key], c, offset))).join(','))
          .join('\r\n');
        if (!res.write(`${text}\r\n`)) await drained(res);
      }
    }
    await qr.query('COMMIT');
    await req.beforeEnd(rows);
    if (workbook && sheet) {
      sheet.commit();
      await workbook.commit();
    } else res.end();
    return rows;
  } catch (err) {
    await qr.query('ROLLBACK').catch(() => undefined);
    // Headers gone: the only honest signal left is a cut connection (the file is incomplete).
    if (res.headersSent) res.destroy(err as Error);
    throw Object.assign(err as Error, { rowsWritten: rows, headersSent: res.headersSent });
  } finally {
    await qr.release();
  }
}
