import { describe, expect, it } from 'vitest';
import { jiraFieldValue } from '../../../src/modules/tickets/content.js';
import type { MappingRowView } from '../../../src/modules/integrations/schemas.js';

const row = (over: Partial<MappingRowView>): MappingRowView => ({
  fieldKey: 'customfield_1',
  fieldName: 'Field',
  required: true,
  schemaType: 'string',
  schemaCustom: null,
  schemaItems: null,
  allowedValues: null,
  incidentField: null,
  defaultValue: null,
  defaultLabel: null,
  locked: false,
  modifiedAt: '2026-12-02T00:00:00.000Z',
  modifiedBy: 'test',
  ...over,
});

const adf = (text: string) => ({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });

describe('Jira field values in the shape each field takes', () => {
  it('rich text (description, environment, textarea custom fields) as ADF; other text as one line', () => {
    expect(jiraFieldValue(row({ fieldKey: 'environment' }), 'a\nb')).toEqual(adf('a\nb'));
    expect(jiraFieldValue(row({ schemaCustom: 'com.atlassian.jira.plugin.system.customfieldtypes:textarea' }), 'a\nb')).toEqual(adf('a\nb'));
    expect(jiraFieldValue(row({ schemaCustom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield' }), 'a\nb')).toBe('a b');
  });

  it('arrays in the shape of their items: options by id, users by account, components by name, labels without spaces', () => {
    const allowed = [
      { id: '1', name: 'EMEA' },
      { id: '2', name: 'APAC' },
    ];
    expect(jiraFieldValue(row({ schemaType: 'array', schemaItems: 'option', allowedValues: allowed }), ['emea', 'Other'])).toEqual([
      { id: '1' },
      { value: 'Other' },
    ]);
    expect(jiraFieldValue(row({ schemaType: 'array', schemaItems: 'user' }), 'acc-1, acc-2')).toEqual([{ accountId: 'acc-1' }, { accountId: 'acc-2' }]);
    expect(jiraFieldValue(row({ schemaType: 'array', schemaItems: 'component' }), ['Mail Gateway'])).toEqual([{ name: 'Mail Gateway' }]);
    expect(jiraFieldValue(row({ fieldKey: 'labels', schemaType: 'array', schemaItems: 'string' }), ['two words'])).toEqual(['two_words']);
    expect(jiraFieldValue(row({ schemaType: 'array', schemaItems: 'string' }), ['two words'])).toEqual(['two words']);
  });

  it('single options, priorities, users, numbers and dates', () => {
    const allowed = [{ id: '10102', name: 'Confidential' }];
    expect(jiraFieldValue(row({ schemaType: 'option', allowedValues: allowed }), 'confidential')).toEqual({ id: '10102' });
    expect(jiraFieldValue(row({ schemaType: 'priority' }), 'High')).toEqual({ name: 'High' });
    expect(jiraFieldValue(row({ schemaType: 'user' }), 'acc-9')).toEqual({ accountId: 'acc-9' });
    expect(jiraFieldValue(row({ schemaType: 'number' }), '42')).toBe(42);
    expect(jiraFieldValue(row({ schemaType: 'number' }), 'many')).toBeUndefined();
    expect(jiraFieldValue(row({ schemaType: 'date' }), '2026-12-02T10:00:00.000Z')).toBe('2026-12-02');
    expect(jiraFieldValue(row({ schemaType: 'datetime' }), '2026-12-02T10:00:00.000Z')).toBe('2026-12-02T10:00:00.000+0000');
  });
});
