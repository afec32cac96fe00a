/**
 * The public survey (no sign-in): reached from the link in a Notify User or Escalate message. It
 * shows what the privacy settings allow, takes one answer, and says plainly when the link is
 * unknown, altered, expired or already answered, without any incident data.
 */
import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { Alert, Button, Container, Paper, Radio, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { ApiError } from '../../api/client';
import { Loading } from '../../components/common';
import { FormError } from '../../components/forms';
import { useAnswerSurvey, useSurvey, type SurveyAnswer, type SurveyView } from './api';

const REASON_MAX = 2000;

function unusable(err: unknown): { title: string; message: string } {
  if (err instanceof ApiError && err.status === 410) return { title: 'This link has expired', message: err.message };
  if (err instanceof ApiError && err.status === 409) return { title: 'This survey was already answered', message: err.message };
  if (err instanceof ApiError && err.status === 404) return { title: 'This link is not valid', message: err.message };
  if (err instanceof ApiError && err.status === 429) return { title: 'Too many attempts', message: err.message };
  return { title: 'The survey could not be loaded', message: err instanceof Error ? err.message : 'Try again later.' };
}

export function SurveyPage() {
  const { token = '' } = useParams();
  const q = useSurvey(token);
  return (
    <Container size="sm" py="xl">
      {q.isLoading ? (
        <Loading label="Loading survey…" />
      ) : q.isError ? (
        <Alert color={q.error instanceof ApiError && q.error.status === 409 ? 'blue' : 'red'} title={unusable(q.error).title} role="alert">
          {unusable(q.error).message}
        </Alert>
      ) : (
        <SurveyForm token={token} survey={q.data!} />
      )}
    </Container>
  );
}

function SurveyForm({ token, survey }: { token: string; survey: SurveyView }) {
  const [choice, setChoice] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ choice?: string; reason?: string }>({});
  const answer = useAnswerSurvey(token);
  const choiceQuestion = survey.questions.find((x) => x.key !== 'reason')!;
  const reasonQuestion = survey.questions.find((x) => x.key === 'reason')!;
  if (answer.isSuccess)
    return (
      <Alert color="green" title={survey.title} role="status">
        {answer.data.thanks}
      </Alert>
    );

  function submit(e: FormEvent) {
    e.preventDefault();
    const errs: typeof errors = {};
    if (!choice) errs.choice = `Choose a ${choiceQuestion.label}.`;
    if (choice === 'Others' && !reason.trim()) errs.reason = `${reasonQuestion.label} is required for Others.`;
    if (reason.length > REASON_MAX) errs.reason = `At most ${REASON_MAX} characters.`;
    setErrors(errs);
    if (errs.choice || errs.reason) return;
    const r = reason.trim() || undefined;
    const body: SurveyAnswer =
      survey.purpose === 'justification'
        ? { justificationType: choice as 'False Positive' | 'Manager Approved' | 'Others', reason: r }
        : { decision: choice as 'approve' | 'reject', reason: r };
    answer.mutate(body);
  }

  const unusableNow = answer.error instanceof ApiError && [404, 409, 410].includes(answer.error.status);
  return (
    <Paper withBorder p="lg">
      <Stack gap="md">
        <Title order={1} size="h2">
          {survey.title}
        </Title>
        {survey.recipientName ? <Text>Hello {survey.recipientName},</Text> : null}
        <Text>{survey.intro}</Text>
        {survey.note ? (
          <Alert color="gray" title="Note from your security team">
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {survey.note}
            </Text>
          </Alert>
        ) : null}
        {survey.incident.length ? (
          <Table aria-label="Incident" withRowBorders={false}>
            <Table.Tbody>
              {survey.incident.map((a) => (
                <Table.Tr key={a.label}>
                  <Table.Th scope="row" w="40%">
                    {a.label}
                  </Table.Th>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>{a.value}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <Radio.Group label={choiceQuestion.label} required value={choice} onChange={setChoice} error={errors.choice}>
              <Stack gap={6} mt={6}>
                {(choiceQuestion.options ?? []).map((o) => (
                  <Radio key={o.value} value={o.value} label={o.label} />
                ))}
              </Stack>
            </Radio.Group>
            <Textarea
              label={reasonQuestion.label}
              required={choice === 'Others'}
              autosize
              minRows={3}
              maxRows={8}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              error={errors.reason}
            />
            <FormError error={answer.error} title={unusableNow ? unusable(answer.error).title : undefined} />
            <Button type="submit" loading={answer.isPending} disabled={unusableNow} style={{ alignSelf: 'flex-end' }}>
              {survey.submitLabel}
            </Button>
            <Text size="xs" c="dimmed">
              Your answer is final once submitted. This link expires on {new Date(survey.expiresAt).toLocaleString()}.
            </Text>
          </Stack>
        </form>
      </Stack>
    </Paper>
  );
}
