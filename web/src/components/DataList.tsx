import { Fragment, type ReactNode } from 'react';
import { TableScroll } from './TableScroll';
import { Table } from '@mantine/core';
import { CardList, RowCard, type CardField } from './RowCard';
import { SortableTh, useNarrow, type SortOrder } from './table';

/** One column of a `DataList`: its header (also the label of the value in the row's card) and how a row shows in it. */
export type DataColumn<T, F extends string = string> = {
  header: string;
  /** What the table header shows instead of the text (e.g. a select-all checkbox); `header` stays its name. */
  headerNode?: ReactNode;
  cell(row: T): ReactNode;
  /** The value in the card when it differs from the cell; `null` leaves the column out of the card (its title or actions show it). */
  card?: ((row: T) => ReactNode) | null;
  /** Makes the header a sort button with `aria-sort` (needs the list's `sorting`). */
  sortField?: F;
  width?: number;
  /** Widest the cell may grow (long texts such as a failure reason wrap). */
  maxWidth?: number;
  /** The card's value spans both columns of a two-column card. */
  full?: boolean;
  /** Keeps the header's or the cells' text on one line (a short name that must stay readable). */
  noWrap?: 'header' | 'cell';
};

export type DataListProps<T, F extends string = string> = {
  /** Names the table and the card list for assistive technology (e.g. "Admins"). */
  label: string;
  items: T[];
  columns: (DataColumn<T, F> | false | null | undefined)[];
  rowKey(row: T): string | number;
  rowTestId?(row: T): string;
  /** From `useSorting(...).th`. */
  sorting?: { sort: F; order: SortOrder; onSort(field: F, order: SortOrder): void };
  /** Below this width the table scrolls sideways instead of squeezing its columns. */
  minWidth: number;
  /** Tallest the table may be before it scrolls in its own region (e.g. results inside a dialog); cards never do. */
  maxHeight?: number;
  /** True while a newer page is being fetched (announced as aria-busy). */
  busy?: boolean;
  verticalSpacing?: 'xs' | 'sm' | 'md';
  /** What names the row in its card, and the actions shown beside it. */
  cardTitle(row: T): ReactNode;
  cardActions?(row: T): ReactNode;
  cardCols?: 1 | 2;
  /** Rows to draw the eye to (e.g. the mappings of the workflow the viewer came from). */
  rowHighlighted?(row: T): boolean;
  /** Rows shown in the dimmed text colour because they no longer count (deleted, cleared). */
  rowMuted?(row: T): boolean;
  /** `data-*` attributes of the row (its state for tests and styles, e.g. `data-change`). */
  rowAttributes?(row: T): Record<`data-${string}`, string>;
  /** What opens under a row (e.g. an account's projects): a full-width row in the table, the end of the row's card. */
  rowDetail?(row: T): ReactNode;
};

const HIGHLIGHT_BG = 'var(--mantine-color-yellow-light)';

const NO_WRAP = { whiteSpace: 'nowrap' } as const;

/**
 * A list of rows: a table (header row, sortable headers) on wide windows, one card per row on
 * phone-sized ones, where a wide table would scroll sideways. Both come from one column list, so
 * the two layouts cannot drift apart.
 */
export function DataList<T, F extends string = string>(props: DataListProps<T, F>) {
  const narrow = useNarrow();
  const columns = props.columns.filter((c): c is DataColumn<T, F> => !!c);
  if (narrow) {
    return (
      <CardList label={props.label}>
        {props.items.map((row) => (
          <RowCard
            key={props.rowKey(row)}
            testId={props.rowTestId?.(row)}
            cols={props.cardCols}
            highlighted={props.rowHighlighted?.(row)}
            muted={props.rowMuted?.(row)}
            title={props.cardTitle(row)}
            actions={props.cardActions?.(row)}
            fields={columns
              .filter((c) => c.card !== null)
              .map((c): CardField => ({ label: c.header, value: c.card ? c.card(row) : c.cell(row), full: c.full }))}
            detail={props.rowDetail?.(row)}
            attributes={props.rowAttributes?.(row)}
          />
        ))}
      </CardList>
    );
  }
  const { sorting } = props;
  return (
    <TableScroll label={props.label} minWidth={props.minWidth} maxHeight={props.maxHeight}>
      <Table striped highlightOnHover aria-label={props.label} aria-busy={props.busy} verticalSpacing={props.verticalSpacing}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) =>
              c.sortField && sorting ? (
                <SortableTh key={c.header} field={c.sortField} {...sorting}>
                  {c.header}
                </SortableTh>
              ) : (
                <Table.Th key={c.header} w={c.width} style={c.noWrap === 'header' ? NO_WRAP : undefined}>
                  {c.headerNode ?? c.header}
                </Table.Th>
              ),
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.items.map((row) => {
            const detail = props.rowDetail?.(row);
            return (
              <Fragment key={props.rowKey(row)}>
                <Table.Tr
                  {...props.rowAttributes?.(row)}
                  data-testid={props.rowTestId?.(row)}
                  bg={props.rowHighlighted?.(row) ? HIGHLIGHT_BG : undefined}
                  c={props.rowMuted?.(row) ? 'dimmed' : undefined}
                >
                  {columns.map((c) => (
                    <Table.Td key={c.header} maw={c.maxWidth} style={c.noWrap === 'cell' ? NO_WRAP : undefined}>
                      {c.cell(row)}
                    </Table.Td>
                  ))}
                </Table.Tr>
                {detail ? (
                  <Table.Tr>
                    <Table.Td colSpan={columns.length} bg="var(--mantine-color-gray-0)">
                      {detail}
                    </Table.Td>
                  </Table.Tr>
                ) : null}
              </Fragment>
            );
          })}
        </Table.Tbody>
      </Table>
    </TableScroll>
  );
}
