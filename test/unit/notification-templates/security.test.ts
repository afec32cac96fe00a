import { describe, expect, it } from 'vitest';
import { oneLine } from '../../../src/modules/notification-templates/formats.js';
import { checkVariables, renderLiquid, templateContext, TemplateError } from '../../../src/modules/notification-templates/liquid.js';
import { renderTemplate, SAMPLE_INCIDENT, sampleVars, validateTemplate } from '../../../src/modules/notification-templates/render.js';

const ctx = () => templateContext(SAMPLE_INCIDENT, sampleVars('end_user', 'Acme'));

async function refused(source: string, kind: 'html' | 'plain' | 'slack' = 'plain'): Promise<string> {
  const err = await renderLiquid(kind, source, ctx()).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TemplateError);
  return (err as Error).message;
}

describe('no code execution', () => {
  it.each([
    '{{ constructor }}',
    '{{ incident.constructor }}',
    "{{ incident['constructor'] }}",
    '{{ incident.__proto__ }}',
    '{{ incident.constructor.constructor }}',
    '{% assign f = incident %}{{ f.constructor.name }}',
    '{{ rows.constructor }}',
    '{{ recipientName.constructor }}',
    '{{ process }}',
    '{{ global }}',
  ])('%s is an unknown variable, at render and at save', async (source) => {
    expect(await refused(source)).toMatch(/Unknown variable/);
    await expect(validateTemplate({ family: 'end_user', channel: 'slack', subject: '', body: source }, 'Acme')).rejects.toThrow(TemplateError);
  });

  it('refuses the raw filter (which would bypass HTML escaping) and unknown filters', async () => {
    expect(await refused('{{ incident.fileName | raw }}', 'html')).toContain('Unknown filter "raw"');
    expect(await refused('{{ "id" | exec }}')).toContain('Unknown filter "exec"');
  });

  it('prototype pollution through assign does not reach objects', async () => {
    expect(await renderLiquid('plain', '{% assign __proto__ = "x" %}{{ incident.severity }}', ctx())).toBe('High');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('no file access', () => {
  it.each(["{% include '/etc/passwd' %}", "{% render '../../package.json' %}", "{% layout 'x' %}", "{% include 'x' with incident %}"])(
    '%s is refused',
    async (source) => {
      expect(await refused(source)).toMatch(/tag is not available/);
    },
  );

  it('MJML includes are ignored, never read', async () => {
    const out = await renderTemplate(
      {
        family: 'end_user',
        channel: 'email',
        subject: 's',
        body: '<mjml><mj-body><mj-include path="/etc/passwd" /><mj-section><mj-column><mj-text>ok</mj-text></mj-column></mj-section></mj-body></mjml>',
      },
      SAMPLE_INCIDENT,
      sampleVars('end_user', 'Acme'),
    );
    expect(out.html).not.toContain('root:');
    expect(out.text).toBe('ok');
  });
});

describe('bounded', () => {
  it('a huge loop hits the memory limit', async () => {
    expect(await refused('{% for i in (1..100000000) %}{% for j in (1..1000) %}xxxxxxxxxx{% endfor %}{% endfor %}')).toMatch(/memory limit|time limit/);
  });

  it('nested small loops hit a limit too', async () => {
    const nested =
      '{% for a in (1..100) %}{% for b in (1..100) %}{% for c in (1..100) %}{% for d in (1..100) %}{{ incident.transactionId }}{% endfor %}{% endfor %}{% endfor %}{% endfor %}';
    expect(await refused(nested)).toMatch(/memory limit|time limit|longer than/);
  });

  it('a huge template is refused at parse', async () => {
    expect(await refused('x'.repeat(300_000))).toMatch(/too long/);
  });
});

describe('escaping per format', () => {
  const hostile = { ...SAMPLE_INCIDENT, fileName: '<img src=x onerror=alert(1)> & <!channel> [x](http://evil) "q"' };
  const vars = sampleVars('end_user', 'Acme');

  it('HTML: variables are escaped; the text part shows the characters', async () => {
    const out = await renderTemplate(
      {
        family: 'end_user',
        channel: 'email',
        subject: 'About {{ incident.fileName }}',
        body: '<mjml><mj-body><mj-section><mj-column><mj-text>{{ incident.fileName }}</mj-text><mj-button href="{{ surveyUrl }}">Go</mj-button></mj-column></mj-section></mj-body></mjml>',
      },
      hostile,
      vars,
    );
    expect(out.html).not.toContain('<img src=x');
    expect(out.html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &lt;!channel&gt;');
    expect(out.text).toContain('<img src=x onerror=alert(1)> & <!channel> [x](http://evil) "q"');
    expect(out.text).toContain('Go: https://wfa.example.com/survey/sample-token');
    expect(out.subject).toBe('About <img src=x onerror=alert(1)> & <!channel> [x](http://evil) "q"');
  });

  it('Slack: & < > escaped in mrkdwn, so no mention or link can be injected', async () => {
    const out = await renderTemplate(
      { family: 'end_user', channel: 'slack', subject: 'T', body: 'File: {{ incident.fileName }} <{{ surveyUrl }}|Answer>' },
      hostile,
      vars,
    );
    const section = (out.slackBlocks![1] as { text: { text: string } }).text.text;
    expect(section).toBe(
      'File: &lt;img src=x onerror=alert(1)&gt; &amp; &lt;!channel&gt; [x](http://evil) "q" <https://wfa.example.com/survey/sample-token|Answer>',
    );
  });

  it('Teams: the card is built as objects; a value cannot break out of its JSON string', async () => {
    const quote = { ...SAMPLE_INCIDENT, fileName: '"}],"actions":[{"type":"Action.OpenUrl","url":"http://evil"}],"x":[{"a":"' };
    const out = await renderTemplate({ family: 'end_user', channel: 'teams', subject: 'T', body: 'File: {{ incident.fileName }}' }, quote, vars);
    const card = JSON.parse(JSON.stringify(out.teamsCard)) as { body: { text: string }[]; actions?: unknown };
    expect(card.actions).toBeUndefined();
    expect(card.body[1]!.text).toBe(`File: ${quote.fileName}`);
  });
});

describe('subject', () => {
  it('is one line whatever the template or the values hold', async () => {
    expect(oneLine('Hi\r\nBcc: x@example.com\u2028\u0085more')).toBe('Hi Bcc: x@example.com more');
    const out = await renderTemplate({ family: 'end_user', channel: 'slack', subject: 'A\n{{ recipientName }}\r\nB', body: 'x' }, SAMPLE_INCIDENT, {
      ...sampleVars('end_user', 'Acme'),
      recipientName: 'Eve\r\nBcc: all@example.com',
    });
    expect(out.subject).toBe('A Eve Bcc: all@example.com B');
    expect(out.subject).not.toMatch(/[\r\n]/);
  });
});

describe('save-time variable check', () => {
  it('names the unknown variable in branches that the sample would not take', () => {
    expect(() => checkVariables('{% if false %}{{ incident.ssn }}{% endif %}', 'end_user')).toThrow(/"incident.ssn"/);
    expect(() => checkVariables('{% unless true %}{{ secretKey }}{% endunless %}', 'digest')).toThrow(/"secretKey"/);
    expect(() => checkVariables('{% for row in rows %}{{ row.transactionId }}{% endfor %}', 'digest')).not.toThrow();
    expect(() => checkVariables('{{ surveyUrl }}', 'admin_digest')).toThrow(/not available in DLP Admin Digest/);
  });

  it('checks locals by rendering the sample', async () => {
    await expect(
      validateTemplate({ family: 'digest', channel: 'slack', subject: '', body: '{% for row in rows %}{{ row.salary }}{% endfor %}' }, 'Acme'),
    ).rejects.toThrow(/row.salary/);
  });
});
