/**
 * Columns that hold SecretBox ciphertext. Modules list theirs here so key rotation re-encrypts
 * every stored secret without knowing the modules.
 */
export const SEALED_COLUMNS: { table: string; column: string }[] = [
  { table: 'integrations', column: 'credentials' },
  { table: 'ticket_sync_settings', column: 'webhook_secret' },
];
