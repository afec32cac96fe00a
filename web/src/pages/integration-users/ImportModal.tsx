import { useState, type FormEvent } from 'react';
import { Anchor, Badge, Stack, Text } from '@mantine/core';
import { DataList } from '../../components/DataList';
import { FormButtons, FormError } from '../../components/forms';
import { CsvFileInput, ImportDialog, ImportProgress, importFinished, useCsvFile } from '../../components/ImportCsv';
import { IMPORT_RESULT_LABELS, IMPORT_ROW_RESULT_LABELS, importResultUrl, useImportProgress, useStartImport } from './api';

const TEMPLATE = `data:text/csv;charset=utf-8,${encodeURIComponent('email,integration\r\njane.doe@example.com,My ServiceNow\r\n')}`;
const RESULT_COLORS = { added: 'green', not_found: 'gray', inactive: 'orange', duplicate: 'blue', error: 'red' } as const;
/** A row's result in the colour of the count it adds to. */
const rowColor = (result: keyof typeof IMPORT_ROW_RESULT_LABELS) =>
  result in RESULT_COLORS ? RESULT_COLORS[result as keyof typeof RESULT_COLORS] : RESULT_COLORS.error;
const COUNTS = (Object.keys(IMPORT_RESULT_LABELS) as (keyof typeof IMPORT_RESULT_LABELS)[]).map((key) => ({
  key,
  label: IMPORT_RESULT_LABELS[key],
  color: RESULT_COLORS[key],
}));

/** Import CSV: uploads the file, then follows the background import with a progress bar and per-row results. */
export function ImportModal({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const csv = useCsvFile(900_000, 'The file is larger than 900 KB; split it into smaller files.');
  const [importId, setImportId] = useState<number | null>(null);

  const start = useStartImport({ onSuccess: (imp) => setImportId(imp.id) });
  const progress = useImportProgress(importId);
  const imp = progress.data;
  const finished = importFinished(imp);

  function close() {
    csv.reset();
    setImportId(null);
    start.reset();
    onClose();
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const file = csv.check();
    if (file) start.mutate(file);
  }

  return (
    <ImportDialog opened={opened} onClose={close}>
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
            <CsvFileInput csv={csv} />
            <FormError error={start.error} />
            <FormButtons submitLabel="Import" onCancel={close} busy={start.isPending} />
          </Stack>
        </form>
      ) : (
        <ImportProgress
          imp={imp}
          error={progress.error}
          counts={COUNTS}
          download={imp ? { href: importResultUrl(imp.id), label: 'Download results (CSV)' } : null}
          onClose={close}
        >
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
        </ImportProgress>
      )}
    </ImportDialog>
  );
}
