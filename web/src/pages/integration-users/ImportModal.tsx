import { useState, type FormEvent } from 'react';
import { Anchor, Badge, Button, FileInput, Group, Progress, Stack, Text } from '@mantine/core';
import { DataList } from '../../components/DataList';
import { Dialog } from '../../components/Dialog';
import { FormButtons, FormError } from '../../components/forms';
import { useNarrow } from '../../components/table';
import { IMPORT_RESULT_LABELS, IMPORT_ROW_RESULT_LABELS, importFinished, importResultUrl, useImportProgress, useStartImport } from './api';

const TEMPLATE = `data:text/csv;charset=utf-8,${encodeURIComponent('email,integration\r\njane.doe@example.com,My ServiceNow\r\n')}`;
const RESULT_COLORS = { added: 'green', not_found: 'gray', inactive: 'orange', duplicate: 'blue', error: 'red' } as const;
/** A row's result in the colour of the count it adds to. */
const rowColor = (result: keyof typeof IMPORT_ROW_RESULT_LABELS) =>
  result in RESULT_COLORS ? RESULT_COLORS[result as keyof typeof RESULT_COLORS] : RESULT_COLORS.error;

/** Import CSV: uploads the file, then follows the background import with a progress bar and per-row results. */
export function ImportModal({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const narrow = useNarrow();
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [importId, setImportId] = useState<number | null>(null);

  const start = useStartImport({ onSuccess: (imp) => setImportId(imp.id) });
  const progress = useImportProgress(importId);
  const imp = progress.data;
  const finished = importFinished(imp);

  function close() {
    setFile(null);
    setFileError(null);
    setImportId(null);
    start.reset();
    onClose();
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return setFileError('Choose a CSV file.');
    if (file.size > 900_000) return setFileError('The file is larger than 900 KB; split it into smaller files.');
    setFileError(null);
    start.mutate(file);
  }

  const pct = imp && imp.total ? Math.round((imp.processed / imp.total) * 100) : 0;
  return (
    <Dialog opened={opened} onClose={close} title="Import CSV" fullScreen={narrow} centered size="xl">
      {importId === null ? (
        <form onSubmit={submit} noValidate aria-label="Import CSV">
          <Stack>
            <Text size="sm">
              The first line must be the header <code>email,integration</code>; then one person per line, with the email and the Integration&apos;s name. Each
              person is looked up in that ticketing system, as in the Add User window.{' '}
              <Anchor href={TEMPLATE} download="integration-users-template.csv">
                Download a template
              </Anchor>
            </Text>
            <FileInput
              label="CSV file"
              placeholder="Choose a file"
              accept=".csv,text/csv"
              required
              value={file}
              onChange={setFile}
              error={fileError}
              clearable
              data-autofocus
            />
            <FormError error={start.error} />
            <FormButtons submitLabel="Import" onCancel={close} busy={start.isPending} />
          </Stack>
        </form>
      ) : (
        <Stack>
          <FormError error={progress.error} />
          <Text size="sm" aria-live="polite">
            {!imp
              ? 'Starting…'
              : imp.status === 'queued'
                ? `Waiting to start (${imp.total} people)…`
                : imp.status === 'running'
                  ? `Importing: ${imp.processed} of ${imp.total} done`
                  : imp.status === 'done'
                    ? `Import finished: ${imp.processed} of ${imp.total} rows processed.`
                    : `Import stopped: ${imp.error ?? 'unknown error'}`}
          </Text>
          <Progress value={pct} size="lg" animated={!finished} aria-label="Import progress" color={imp?.status === 'failed' ? 'red' : undefined} />
          {imp ? (
            <Group gap="xs" data-testid="import-counts">
              {(Object.keys(IMPORT_RESULT_LABELS) as (keyof typeof IMPORT_RESULT_LABELS)[]).map((k) => (
                <Badge key={k} color={RESULT_COLORS[k]} variant="light">
                  {IMPORT_RESULT_LABELS[k]}: {imp.counts[k]}
                </Badge>
              ))}
            </Group>
          ) : null}
          {imp && finished ? (
            <DataList
              label="Import results"
              items={imp.rows}
              rowKey={(r) => r.line}
              rowTestId={(r) => `import-row-${r.line}`}
              minWidth={600}
              maxHeight={320}
              verticalSpacing="xs"
              cardCols={2}
              cardTitle={(r) => (
                <Text size="sm" fw={500} style={{ overflowWrap: 'anywhere' }}>
                  {r.email}
                </Text>
              )}
              columns={[
                { header: 'Line', cell: (r) => r.line },
                { header: 'Email', cell: (r) => r.email, card: null },
                { header: 'Integration', cell: (r) => r.integration },
                {
                  header: 'Result',
                  noWrap: 'cell',
                  cell: (r) =>
                    r.result ? (
                      // Whole words, never cut to "A…": the cell does not wrap and the badge keeps its width.
                      <Badge
                        color={rowColor(r.result)}
                        variant="light"
                        tt="none"
                        styles={{ root: { flexShrink: 0, maxWidth: 'none' }, label: { overflow: 'visible' } }}
                      >
                        {IMPORT_ROW_RESULT_LABELS[r.result]}
                      </Badge>
                    ) : (
                      'Pending'
                    ),
                },
                { header: 'Details', full: true, cell: (r) => <Text size="xs">{r.message}</Text> },
              ]}
            />
          ) : null}
          <Group justify="flex-end">
            {imp ? (
              <Button component="a" variant="light" href={importResultUrl(imp.id)} download>
                Download results (CSV)
              </Button>
            ) : null}
            <Button onClick={close}>{finished ? 'Done' : 'Close (the import continues)'}</Button>
          </Group>
        </Stack>
      )}
    </Dialog>
  );
}
