import { useEffect, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { get } from '../api/client';
import { Badge, Button, FileInput, Group, Progress, Stack, Text } from '@mantine/core';
import { Dialog } from './Dialog';
import { FormError } from './forms';
import { useNarrow } from './table';

/** What the progress step reads of an import (both CSV imports answer with this much). */
export type ImportProgressView<K extends string> = {
  status: 'queued' | 'running' | 'done' | 'failed';
  total: number;
  processed: number;
  error: string | null;
  counts: Record<K, number>;
};

export const importFinished = (imp: { status: string } | undefined) => imp?.status === 'done' || imp?.status === 'failed';

/**
 * An import read from `path` under `queryKey`, polled until it is done or failed; then the queries
 * under `refreshes` are invalidated (the import changed what they list). Nothing is read while
 * there is no import (`path` null). `refreshes` should be a constant (it is a dependency of an effect).
 */
export function usePolledImport<T extends { status: string }>(queryKey: QueryKey, path: string | null, refreshes: QueryKey) {
  const qc = useQueryClient();
  const q = useQuery({
    queryKey,
    queryFn: ({ signal }) => get<T>(path!, undefined, { signal }),
    enabled: path !== null,
    refetchInterval: (query) => (importFinished(query.state.data) ? false : 700),
  });
  const finished = importFinished(q.data);
  useEffect(() => {
    if (finished) void qc.invalidateQueries({ queryKey: refreshes });
  }, [finished, qc, refreshes]);
  return q;
}

/** The Import CSV window: full screen on a narrow screen. */
export function ImportDialog({ opened, onClose, children }: { opened: boolean; onClose(): void; children: ReactNode }) {
  const narrow = useNarrow();
  return (
    <Dialog opened={opened} onClose={onClose} title="Import CSV" fullScreen={narrow} centered size="xl">
      {children}
    </Dialog>
  );
}

/** The chosen CSV file, checked before it is sent: one is chosen, and it is no larger than the import takes. */
export function useCsvFile(maxBytes: number, tooLargeMessage: string) {
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  return {
    file,
    error,
    setFile,
    /** The file if it may be sent; otherwise null, and the field says why. */
    check(): File | null {
      const problem = !file ? 'Choose a CSV file.' : file.size > maxBytes ? tooLargeMessage : null;
      setError(problem);
      return problem ? null : file;
    },
    reset() {
      setFile(null);
      setError(null);
    },
  };
}

export function CsvFileInput({ csv, onChange }: { csv: ReturnType<typeof useCsvFile>; onChange?(file: File | null): void }) {
  return (
    <FileInput
      label="CSV file"
      placeholder="Choose a file"
      accept=".csv,text/csv"
      required
      value={csv.file}
      onChange={(f) => (csv.setFile(f), onChange?.(f))}
      error={csv.error}
      clearable
      data-autofocus
    />
  );
}

/**
 * The last step of an import: its status in words, a progress bar and the counts by result; then
 * what the import shows of its rows (`children`), its download and the button that closes the
 * window (the import goes on without it).
 */
export function ImportProgress<K extends string>({
  imp,
  error,
  counts,
  download,
  onClose,
  children,
}: {
  imp: ImportProgressView<K> | undefined;
  /** The progress request's error. */
  error: unknown;
  /** The count badges, in order. */
  counts: readonly { key: K; label: string; color: string }[];
  download: { href: string; label: string } | null;
  onClose(): void;
  children?: ReactNode;
}) {
  const finished = importFinished(imp);
  const pct = imp && imp.total ? Math.round((imp.processed / imp.total) * 100) : 0;
  return (
    <Stack>
      <FormError error={error} />
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
          {counts.map((c) => (
            <Badge key={c.key} color={c.color} variant="light">
              {c.label}: {imp.counts[c.key]}
            </Badge>
          ))}
        </Group>
      ) : null}
      {children}
      <Group justify="flex-end">
        {download ? (
          <Button component="a" variant="light" href={download.href} download>
            {download.label}
          </Button>
        ) : null}
        <Button onClick={onClose}>{finished ? 'Done' : 'Close (the import continues)'}</Button>
      </Group>
    </Stack>
  );
}
