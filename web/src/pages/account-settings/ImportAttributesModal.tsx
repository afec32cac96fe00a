import { useState } from 'react';
import { Anchor, Button, Group, List, Stack, Stepper, Text } from '@mantine/core';
import { DataList } from '../../components/DataList';
import { FormError } from '../../components/forms';
import { CsvFileInput, ImportDialog, ImportProgress, useCsvFile } from '../../components/ImportCsv';
import { importErrorsUrl, templateUrl, useAttributeImportProgress, useStartAttributeImport, useValidateAttributes } from './api';

const COUNTS = [
  { key: 'added', label: 'Added', color: 'green' },
  { key: 'updated', label: 'Updated', color: 'blue' },
  { key: 'unchanged', label: 'Unchanged', color: 'gray' },
  { key: 'error', label: 'Errors', color: 'red' },
] as const;

/** Import CSV wizard: choose the file (template download), Validate (per-row problems), Import (a background job with progress). */
export function ImportAttributesModal({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const csv = useCsvFile(4_000_000, 'The file is larger than 4 MB; split it into smaller files.');
  const [importId, setImportId] = useState<number | null>(null);
  const validate = useValidateAttributes();
  const start = useStartAttributeImport({ onSuccess: (imp) => setImportId(imp.id) });
  const progress = useAttributeImportProgress(importId);
  const imp = progress.data;
  const step = importId !== null ? 2 : validate.data ? 1 : 0;

  function close() {
    csv.reset();
    setImportId(null);
    validate.reset();
    start.reset();
    onClose();
  }

  function runValidate() {
    const file = csv.check();
    if (file) validate.mutate(file);
  }

  const result = validate.data;
  return (
    <ImportDialog opened={opened} onClose={close}>
      <Stepper active={step} size="sm" mb="md" allowNextStepsSelect={false}>
        <Stepper.Step label="Choose file" />
        <Stepper.Step label="Validate" />
        <Stepper.Step label="Import" />
      </Stepper>
      {step === 0 ? (
        <Stack>
          <Text size="sm" component="div">
            Before you import:
            <List size="sm" mt={4}>
              <List.Item>
                The first line is the header <code>email,name,manager email,department,employee id</code>; only email is required.
              </List.Item>
              <List.Item>One person per line. A person already imported is updated by email (any letter case); an empty cell clears that attribute.</List.Item>
            </List>
          </Text>
          <Anchor href={templateUrl()} download>
            Download the template (v1)
          </Anchor>
          <CsvFileInput csv={csv} onChange={() => validate.reset()} />
          <FormError error={validate.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button onClick={runValidate} loading={validate.isPending}>
              Validate
            </Button>
          </Group>
        </Stack>
      ) : step === 1 && result ? (
        <Stack>
          <Text size="sm" aria-live="polite" data-testid="validation-summary">
            {result.errors.length
              ? `${result.valid} of ${result.total} rows are valid; ${result.total - result.valid} have problems and will not be imported.`
              : `All ${result.total} rows are valid.`}
          </Text>
          {result.errors.length ? (
            <DataList
              label="Validation problems"
              items={result.errors}
              rowKey={(e) => e.line}
              minWidth={500}
              maxHeight={300}
              verticalSpacing="xs"
              cardTitle={(e) => (
                <Text size="sm" fw={500} style={{ overflowWrap: 'anywhere' }}>
                  Line {e.line}
                </Text>
              )}
              columns={[
                { header: 'Line', cell: (e) => e.line, card: null },
                { header: 'Email', cell: (e) => e.email },
                { header: 'Problem', cell: (e) => e.message },
              ]}
            />
          ) : null}
          <FormError error={start.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => validate.reset()}>
              Back
            </Button>
            <Button onClick={() => csv.file && start.mutate(csv.file)} loading={start.isPending} disabled={!result.valid}>
              Import
            </Button>
          </Group>
        </Stack>
      ) : (
        <ImportProgress
          imp={imp}
          error={progress.error}
          counts={COUNTS}
          download={imp && imp.counts.error > 0 ? { href: importErrorsUrl(imp.id), label: 'Download errors (CSV)' } : null}
          onClose={close}
        />
      )}
    </ImportDialog>
  );
}
