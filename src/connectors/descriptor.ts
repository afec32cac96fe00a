import type { z } from 'zod';
import type { IntegrationType } from './types.js';

export type AuthMethod = 'basic' | 'oauth' | 'api_token';

/** A credential as the connect and edit forms show it. */
export type CredentialField = {
  /** Its key in the credentials; a non-secret one is also returned under this key as account info. */
  key: 'username' | 'password' | 'clientId' | 'clientSecret' | 'email' | 'apiToken';
  label: string;
  /** Write-only: never returned, blank on the edit form. */
  secret: boolean;
  placeholder?: string;
  /** The auth methods that use it; all of them when absent. */
  only?: readonly AuthMethod[];
};

/** A connection detail that is not a credential (ServiceNow's admin email): optional, never secret. */
export type ContactField = { key: 'adminEmail'; label: string; placeholder?: string };

/**
 * Everything the product says about one ticketing system, in one place: how it is named, how it
 * is connected and what it can do. Plain data (and zod schemas), so the web app reads the same
 * descriptor the server checks with. Per-tenant state (URL, credentials, health) is not here:
 * that is an integration.
 */
export type SystemDescriptor<
  T extends IntegrationType = IntegrationType,
  Credentials extends z.ZodType = z.ZodType,
  Contact extends z.ZodRawShape = z.ZodRawShape,
> = {
  type: T;
  /** The documented "Integration Type" value shown in lists, filters and audit entries ("JiraCloud"). */
  label: string;
  /** The name in sentences ("Jira Cloud"). */
  name: string;
  credentials: {
    /** The connect body's `credentials`. */
    schema: Credentials;
    /** In the order the form offers them; the first is the default. */
    authMethods: readonly { value: AuthMethod; label: string }[];
    /** In form order. */
    fields: readonly CredentialField[];
    /** Completes "A Jira Cloud integration uses …", when a field of another system is sent. */
    summary: string;
  };
  /** Connection details besides the credentials, as fields of the connect body (schema) and form (`setup.contactFields`). */
  contact: { schema: Contact; fields: readonly ContactField[] };
  capabilities: {
    /** Tickets go to a project picked per ticket; the connector implements `listProjects`. */
    projects: boolean;
    /** A project's create fields are mapped from incident fields; the connector implements `getFields`. */
    fieldMappings: boolean;
    /** Where the idempotency marker `wfa-<ticket id>` is written on a ticket and searched for. */
    marker: { field: string; description: string };
    /**
     * How pushed status changes are verified. null until the tickets module (status sync) declares
     * it here, beside the connector it belongs to; status mapping goes in this block too.
     */
    webhooks: null;
  };
  /** How the system's integration users are identified, for the Add User window. */
  users: { usernameNote: string | null };
  /** Copy for Setup > Integrations. */
  setup: {
    /** Title of an account's edit page. */
    editTitle: string;
    blurb: string;
    /** "Configuration Steps": what an admin does in the system and here to connect it. */
    steps: readonly string[];
    baseUrl: { label: string; placeholder: string };
    namePlaceholder: string;
  };
};

/** Keeps a descriptor's literal type and its schemas' exact types, checked against the shape above. */
export function defineSystem<T extends IntegrationType, Credentials extends z.ZodType, Contact extends z.ZodRawShape>(
  d: SystemDescriptor<T, Credentials, Contact>,
): SystemDescriptor<T, Credentials, Contact> {
  return d;
}
