/** The exact steps an admin follows in the ticketing system so it pushes status changes to us. */

export const SERVICENOW_SECRET_HEADER = 'X-WFA-Webhook-Secret';
export const SERVICENOW_DELIVERY_HEADER = 'X-WFA-Delivery';
export const SERVICENOW_TIMESTAMP_HEADER = 'X-WFA-Timestamp';

const SERVICENOW_SCRIPT = `(function executeRule(current, previous) {
  var r = new sn_ws.RESTMessageV2('Workflow Automation', 'Status change');
  r.setRequestHeader('${SERVICENOW_DELIVERY_HEADER}', gs.generateGUID());
  r.setRequestHeader('${SERVICENOW_TIMESTAMP_HEADER}', String(new GlideDateTime().getNumericValue()));
  r.setRequestBody(JSON.stringify({
    sys_id: current.getUniqueValue(),
    number: current.getValue('number'),
    state: current.getValue('state'),
    state_name: current.getDisplayValue('state'),
    assigned_to: current.getValue('assigned_to'),
    sys_updated_on: current.getValue('sys_updated_on')
  }));
  r.executeAsync();
})(current, previous);`;

export function setupSteps(type: 'servicenow' | 'jira_cloud', webhookUrl: string, projectKeys: string[], publicUrlSet: boolean): string[] {
  const steps: string[] = [];
  if (!publicUrlSet) steps.push('Set WFA_PUBLIC_URL to the address the ticketing system reaches this server at; the URL below is a placeholder until then.');
  if (type === 'jira_cloud') {
    const scope = projectKeys.length ? `project in (${projectKeys.join(', ')})` : 'project in (<your project keys>)';
    steps.push(
      'Click Rotate secret below and copy the secret (it is shown once).',
      'In Jira, open Settings (gear) > System > WebHooks and click Create a WebHook.',
      `Name: Workflow Automation. Status: Enabled. URL: ${webhookUrl}`,
      'Secret: paste the secret. Jira then signs every delivery (HMAC-SHA256 in X-Hub-Signature); unsigned or forged deliveries are refused.',
      `Events: Issue > updated. JQL filter: ${scope} (our issues carry a label wfa-<ticket id>; updates to other issues are ignored).`,
      'Save, then turn on Receive webhooks here. The scheduled poll keeps running as a fallback.',
    );
  } else {
    steps.push(
      'Click Rotate secret below and copy the secret (it is shown once).',
      `In ServiceNow, open System Web Services > Outbound > REST Message and create "Workflow Automation" with Endpoint ${webhookUrl}.`,
      `Add an HTTP method named "Status change": POST, HTTP headers Content-Type: application/json and ${SERVICENOW_SECRET_HEADER}: <the secret>.`,
      'Open System Definition > Business Rules, create one on table Incident: Advanced, When: after, Update; filter Correlation ID starts with wfa- AND (State changes OR Assigned to changes).',
      `Script (each delivery carries a unique ${SERVICENOW_DELIVERY_HEADER} and ${SERVICENOW_TIMESTAMP_HEADER} in epoch milliseconds; a repeated id or a timestamp more than 10 minutes off is refused):\n${SERVICENOW_SCRIPT}`,
      'Save, then turn on Receive webhooks here. The scheduled poll keeps running as a fallback.',
    );
  }
  return steps;
}
