export { startSandbox, type Sandbox, type SandboxOptions } from './server.js';
export { sandboxMain } from './main.js';
export { SANDBOX_JIRA_CREDENTIALS, SANDBOX_JIRA_PROJECTS, SANDBOX_SEEDED_EMAILS, SANDBOX_SERVICENOW_CREDENTIALS } from './constants.js';
export { SandboxState, NO_FAULTS, type Faults, type LoggedRequest, type SandboxSystem } from './state.js';
export { startMessagingSandbox, type MessagingSandbox } from './messaging.js';
export { MessagingState, type Mail, type ChatMessage, type MessagingFaults } from './messaging-state.js';
export { SANDBOX_SMTP_CREDENTIALS } from './smtp.js';
