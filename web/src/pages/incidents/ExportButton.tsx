import { useRef, useState } from 'react';
import { Button, Group, Progress, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Dialog } from '../../components/Dialog';
import { notifySuccess } from '../../components/notify';
import type { ListParams } from './api';
import { downloadIncidentsCsv, exportFailureNotice } from './exportDownload';

/**
 * "Export": downloads the CSV of the filtered set (GET /incidents/export.csv, streamed), showing
 * how many rows have arrived against the list's total, then saves the file; a download that
 * broke off saves nothing and says so.
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
      const { name, blob, rows: exported } = await downloadIncidentsCsv(params, ctrl.signal, setRows);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      notifySuccess('Export ready', `${name} (${exported.toLocaleString()} incidents) was downloaded.`);
    } catch (err) {
      notifications.show(exportFailureNotice(err, ctrl.signal.aborted));
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
