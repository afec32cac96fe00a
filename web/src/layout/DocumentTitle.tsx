import type { ReactNode } from 'react';
import { useDocumentTitle } from '@mantine/hooks';

export const APP_NAME = 'Workflow Automation';

/**
 * Names the browser tab (and what a screen reader says on navigation) after the page:
 * "Integration Users · Workflow Automation".
 */
export function DocumentTitle({ title, children }: { title: string; children: ReactNode }) {
  useDocumentTitle(`${title} · ${APP_NAME}`);
  return children;
}
