import { useState } from 'react';
import { Anchor, Badge, Button, FileInput, Group, List, Progress, Stack, Stepper, Text } from '@mantine/core';
import { DataList } from '../../components/DataList';
import { Dialog } from '../../components/Dialog';
import { FormError } from '../../components/forms';
import { useNarrow } from '../../components/table';
import { importErrorsUrl, importFinished, templateUrl, useAttributeImportProgress, useStartAttributeImport, useValidateAttributes } from './api';

const MAX_BYTES = 4_000_000;
const COUNT_LABELS = { added: ['Added', 'green'], updated: ['Updated', 'blue'], unchanged: ['Unchanged', 'gray'], error: ['Errors', 'red'] } as const;

/** Import CSV wizard: choose the file (template download), Validate (per-row problems), Import (a background job with progress). */
export function ImportAttributesModal({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const narrow = useNarrow();
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [importId, setImportId] = useState<number | null>(null);
  const validate = useValidateAttributes();
  const start = useStartAttributeImport({ onSuccess: (imp) => setImportId(imp.id) });
  const progress = useAttributeImportProgress(importId);
  const imp = progress.data;
  const step = importId !== null ? 2 : validate.data ? 1 : 0;

  function close() {
    setFile(null);
    setFileError(null);
    setImportId(null);
    validate.reset();
    start.reset();
    onClose();
  }

  function runValidate() {
    if (!file) return setFileError('Choose a CSV file.');
    if (file.size > MAX_BYTES) return setFileError('The file is larger than 4 MB; split it into smaller files.');
    setFileError(null);
    validate.mutate(file);
  }

  const result = validate.data;
  const pct = imp && imp.total ? Math.round((imp.processed / imp.total) * 100) : 0;
  return (
    <Dialog opened={opened} onClose={close} title="Import CSV" fullScreen={narrow} centered size="xl">
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
          <FileInput
            label="CSV file"
            placeholder="Choose a file"
            accept=".csv,text/csv"
            required
            value={file}
            onChange={(f) => (setFile(f), validate.reset())}
            error={fileError}
            clearable
            data-autofocus
          />
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
            <Button onClick={() => file && start.mutate(file)} loading={start.isPending} disabled={!result.valid}>
              Import
            </Button>
          </Group>
        </Stack>
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
          <Progress value={pct} size="lg" animated={!importFinished(imp)} aria-label="Import progress" color={imp?.status === 'failed' ? 'red' : undefined} />
          {imp ? (
            <Group gap="xs" data-testid="import-counts">
              {(Object.keys(COUNT_LABELS) as (keyof typeof COUNT_LABELS)[]).map((k) => (
                <Badge key={k} color={COUNT_LABELS[k][1]} variant="light">
                  {COUNT_LABELS[k][0]}: {imp.counts[k]}
                </Badge>
              ))}
            </Group>
          ) : null}
          <Group justify="flex-end">
            {imp && imp.counts.error > 0 ? (
              <Button component="a" variant="light" href={importErrorsUrl(imp.id)} download>
                Download errors (CSV)
              </Button>
            ) : null}
            <Button onClick={close}>{importFinished(imp) ? 'Done' : 'Close (the import continues)'}</Button>
          </Group>
        </Stack>
      )}
    </Dialog>
  );
}
