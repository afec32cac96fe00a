/** Role categories and levels as documented for Roles and Permissions (PRODUCT.md §7). */
export const CATEGORIES = [
  'Analytics',
  'Incidents',
  'Workflows and Mappings',
  'Workflow Templates',
  'Incident Group and Mappings',
  'Priorities',
  'Notification Templates',
  'Survey Templates',
  'Template Mappings',
  'API Management',
  'Audit Logs',
  'Labels',
  'Integrations',
  'Account Settings',
  'Notification Center',
  'Approvers',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const LEVELS = ['none', 'view', 'edit', 'delete'] as const;
export type Level = (typeof LEVELS)[number];

/** Only Incidents has a Delete level; elsewhere Edit is the top. */
export function maxLevel(category: Category): Level {
  return category === 'Incidents' ? 'delete' : 'edit';
}

export type Permissions = Record<Category, Level>;

/** Edit implies View, Delete implies Edit. */
export function allows(perms: Permissions, category: Category, needed: Level): boolean {
  return LEVELS.indexOf(perms[category] ?? 'none') >= LEVELS.indexOf(needed);
}

export function fullPermissions(): Permissions {
  return Object.fromEntries(CATEGORIES.map((c) => [c, maxLevel(c)])) as Permissions;
}

export function noPermissions(): Permissions {
  return Object.fromEntries(CATEGORIES.map((c) => [c, 'none'])) as Permissions;
}

/** Built-in roles, created for every org and never editable. */
export const BUILTIN_ROLES: { name: string; permissions: Permissions }[] = [
  { name: 'DLP Super Admin', permissions: fullPermissions() },
  {
    name: 'DLP Admin',
    permissions: {
      ...fullPermissions(),
      'Audit Logs': 'none',
      'API Management': 'none',
      Integrations: 'none',
    },
  },
  {
    name: 'DLP Incident Manager',
    permissions: {
      ...noPermissions(),
      Analytics: 'view',
      Incidents: 'edit',
      Labels: 'view',
      Priorities: 'view',
      'Incident Group and Mappings': 'view',
      'Notification Center': 'view',
      Approvers: 'edit',
    },
  },
];

/** Parses a stored permission map, treating unknown or missing categories as None. */
export function parsePermissions(json: string): Permissions {
  const raw = JSON.parse(json) as Record<string, string>;
  const out = noPermissions();
  for (const c of CATEGORIES) {
    const v = raw[c];
    if ((LEVELS as readonly string[]).includes(v)) out[c] = v as Level;
  }
  return out;
}

/**
 * Categories where `wanted` goes beyond `held`. An admin may only hand out (through a role, an
 * admin's role or an API key) access they have themselves; otherwise Account Settings: Edit alone
 * would let anyone mint a super admin.
 */
export function exceeding(held: Permissions, wanted: Permissions): Category[] {
  return CATEGORIES.filter((c) => !allows(held, c, wanted[c] ?? 'none'));
}
