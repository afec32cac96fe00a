import { useRef, useState } from 'react';
import { Button, Group, Progress, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Dialog } from '../../components/Dialog';
import { notifySuccess } from '../../components/notify';
import { request } from '../../api/client';
import type { ListParams } from './api';

/**
 * "Export": downloads the CSV of the filtered set (GET /incidents/export.csv, streamed), showing
 * how many rows have arrived against the list's total, then saves the file.
 */
export function ExportButton({ params, total }: { params: ListParams; total: number | undefined }) {
  const [busy, setBusy] = useState(false);
  const [rows, setRows] = useState(0);
  const abort = useRef<AbortController | null>(null);

  async function run() {
    const ctrl = new AbortController();
    abort.current = ctrl;
    setBusy(true);
    setRows(0);
    try {
      const res = await request('GET', '/incidents/export.csv', { query: params, signal: ctrl.signal, accept: 'text/csv' });
      if (!res.body) throw new Error('The export failed: the server sent no file.');
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'incidents.csv';
      const reader = res.body.getReader();
      const chunks: Uint8Array[] = [];
      let lines = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        for (const b of value) if (b === 10) lines++;
        setRows(Math.max(0, lines - 1)); // minus the header row
      }
      const blob = new Blob(chunks as BlobPart[], { type: 'text/csv' });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      notifySuccess('Export ready', `${name} (${Math.max(0, lines - 1).toLocaleString()} incidents) was downloaded.`);
    } catch (err) {
      if (ctrl.signal.aborted) notifications.show({ color: 'gray', title: 'Export cancelled', message: 'No file was saved.' });
      else notifications.show({ color: 'red', title: 'Export failed', message: err instanceof Error ? err.message : 'The export failed.' });
    } finally {
      setBusy(false);
      abort.current = null;
    }
  }

  const pct = total ? Math.min(100, (rows / total) * 100) : 0;
  return (
    <>
      <Button variant="default" onClick={() => void run()} loading={busy} disabled={total === 0}>
        Export
      </Button>
      <Dialog opened={busy} onClose={() => abort.current?.abort()} title="Exporting incidents" centered withCloseButton={false} closeOnClickOutside={false}>
        <Stack>
          <Text size="sm" aria-live="polite">
            {rows.toLocaleString()} of {total?.toLocaleString() ?? '?'} incidents downloaded
          </Text>
          <Progress value={pct} animated aria-label="Export progress" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => abort.current?.abort()}>
              Cancel
            </Button>
          </Group>
        </Stack>
      </Dialog>
    </>
  );
}
