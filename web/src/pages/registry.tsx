import type { ComponentType } from 'react';
import { NotificationCenterPage } from './alerts/NotificationCenterPage';

/**
 * Every page of the app, in navigation order. `permission` hides the page (and its link) from
 * roles without that level; the API enforces the same rule independently.
 */
export type PageDef = {
  path: string;
  label: string;
  section: 'main' | 'setup' | 'hidden';
  permission: [category: string, level: 'view' | 'edit'];
  component: ComponentType;
};

export const PAGES: PageDef[] = [
  { path: '/notifications', label: 'Notification Center', section: 'hidden', permission: ['Notification Center', 'view'], component: NotificationCenterPage },
];
