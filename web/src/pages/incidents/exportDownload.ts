import { request } from '../../api/client';
import type { ListParams } from './api';

export type ExportedCsv = { name: string; blob: Blob; rows: number };

/** Thrown when the server began the file but the download broke off before its end. */
export class ExportBrokenOffError extends Error {
  constructor(readonly rows: number) {
    super(
      `The download broke off after ${rows.toLocaleString()} incidents, so the file would be incomplete and was not saved. Export again; if it keeps failing, ask your administrator to check the server log.`,
    );
    this.name = 'ExportBrokenOffError';
  }
}

/**
 * Reads the streamed CSV of the filtered set (GET /incidents/export.csv), reporting data rows as
 * they arrive. The server aborts the response when it cannot finish (the body then errors instead
 * of ending), so a file is only returned when the body ended cleanly: a truncated CSV is never
 * offered as if it were the whole set.
 */
export async function downloadIncidentsCsv(params: ListParams, signal: AbortSignal, onRows: (rows: number) => void): Promise<ExportedCsv> {
  const res = await request('GET', '/incidents/export.csv', { query: params, signal, accept: 'text/csv' });
  if (!res.body) throw new Error('The export failed: the server sent no file.');
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'incidents.csv';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let lines = 0;
  const dataRows = () => Math.max(0, lines - 1); // minus the header row
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch (err) {
      if (signal.aborted) throw err;
      throw new ExportBrokenOffError(dataRows());
    }
    if (next.done) break;
    chunks.push(next.value);
    for (const b of next.value) if (b === 10) lines++;
    onRows(dataRows());
  }
  // Every row ends with a line break: anything after the last one is a cut-off row.
  const last = chunks[chunks.length - 1];
  if (last && last[last.length - 1] !== 10) throw new ExportBrokenOffError(dataRows());
  return { name, blob: new Blob(chunks as BlobPart[], { type: 'text/csv' }), rows: dataRows() };
}

/** The notification for an export that did not produce a file. */
export function exportFailureNotice(err: unknown, cancelled: boolean): { color: string; title: string; message: string } {
  if (cancelled) return { color: 'gray', title: 'Export cancelled', message: 'No file was saved.' };
  return { color: 'red', title: 'Export failed', message: err instanceof Error ? err.message : 'The export failed.' };
}
