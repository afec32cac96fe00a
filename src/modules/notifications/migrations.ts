import { sql, type Generated, type Kysely } from 'kysely';
import type { Dialect } from '../../platform/db/database.js';
import { withId } from '../../platform/db/schema-helpers.js';
import type { Channel, ChatKind, MessageKind, MessageStatus } from './types.js';

/** A Slack incoming webhook or a Teams Workflows webhook; the URL is the credential, so it is sealed. */
export interface ChatConnectionsTable {
  id: Generated<number>;
  org_id: number;
  kind: ChatKind;
  name: string;
  /** SecretBox ciphertext of the webhook URL. */
  webhook_url: string;
  /** What the UI shows instead of the URL (host and the last characters). */
  url_hint: string;
  status: 'active' | 'failing';
  /** Deliveries that failed in a row; reset by a success. */
  failures_in_row: Generated<number>;
  last_error: string | null;
  last_success_at: string | null;
  created_at: string;
  updated_at: string;
}

/** One message to one recipient on one channel: the outbox row its delivery job works from. */
export interface NotificationMessagesTable {
  id: Generated<number>;
  org_id: number;
  purpose: string;
  kind: MessageKind;
  incident_id: number | null;
  channel: Channel;
  /** Email address, or the chat connection id as text. */
  recipient: string;
  recipient_name: string | null;
  subject: string;
  text: string;
  html: string | null;
  /** The JSON body posted to the chat webhook (null for email). */
  chat_payload: string | null;
  status: MessageStatus;
  /** Delivery attempts made (each SMTP or webhook send). */
  attempts: Generated<number>;
  /** Each Retry starts a new run, which names its job (dedupe key). */
  runs: Generated<number>;
  last_error: string | null;
  sent_at: string | null;
  /** The Message-ID sent (email) or the receiver's answer id, if any. */
  provider_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface NotificationsTables {
  chat_connections: ChatConnectionsTable;
  notification_messages: NotificationMessagesTable;
}

export async function notificationsInit(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('chat_connections'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('webhook_url', 'text', (c) => c.notNull())
    .addColumn('url_hint', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('failures_in_row', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('last_success_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // Names are unique per org whatever the case, like integrations.
  await sql`create unique index chat_connections_org_name_unique on chat_connections (org_id, lower(name))`.execute(db);

  await withId(db.schema.createTable('notification_messages'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('incident_id', 'integer')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('recipient_name', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('html', 'text')
    .addColumn('chat_payload', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('runs', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('provider_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // Exactly one message per recipient for one purpose, whatever races the callers lose.
  await db.schema
    .createIndex('notification_messages_purpose_unique')
    .on('notification_messages')
    .columns(['org_id', 'purpose', 'channel', 'recipient'])
    .unique()
    .execute();
  await db.schema.createIndex('notification_messages_org_created_idx').on('notification_messages').columns(['org_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('notification_messages_org_status_idx').on('notification_messages').columns(['org_id', 'status', 'id']).execute();
  await db.schema.createIndex('notification_messages_incident_idx').on('notification_messages').columns(['org_id', 'incident_id', 'id']).execute();
}
