/** Event webhooks for the web app (routes: src/modules/event-webhooks/routes.ts): query keys and data hooks. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { del, get, patch, post } from '../../api/client';
import { useInvalidatingMutation, type MutationCallbacks } from '../../api/mutation';
import type { CreateWebhookBody, DeliveryView, UpdateWebhookBody, WebhookView, WebhookWithSecret } from '@server/modules/event-webhooks/schemas';

export { EVENT_LABELS, EVENT_TYPES } from '@server/modules/event-webhooks/vocabulary';
export type { DeliveryView, EventType, WebhookView, WebhookWithSecret } from '@server/modules/event-webhooks/schemas';
export type NewWebhook = { name: string; url: string; events: CreateWebhookBody['events']; enabled: boolean };
export type DeliveryPage = { items: DeliveryView[]; total: number; page: number; pageSize: number };

export const webhookKeys = {
  all: ['event-webhooks'] as const,
  list: () => [...webhookKeys.all, 'list'] as const,
  deliveriesOf: (id: number) => [...webhookKeys.all, 'deliveries', id] as const,
  deliveries: (id: number, page: number, pageSize: number) => [...webhookKeys.deliveriesOf(id), page, pageSize] as const,
};

export function useWebhooks() {
  return useQuery({ queryKey: webhookKeys.list(), queryFn: ({ signal }) => get<{ items: WebhookView[] }>('/event-webhooks', undefined, { signal }) });
}

export function useDeliveries(webhookId: number, page: number, pageSize: number) {
  return useQuery({
    queryKey: webhookKeys.deliveries(webhookId, page, pageSize),
    queryFn: ({ signal }) => get<DeliveryPage>(`/event-webhooks/${webhookId}/deliveries`, { page, pageSize }, { signal }),
    placeholderData: keepPreviousData,
    // Deliveries move on in the background (queued, retried): the log refreshes while it is open.
    refetchInterval: 5_000,
  });
}

export function useCreateWebhook(cb?: MutationCallbacks<WebhookWithSecret, NewWebhook>) {
  return useInvalidatingMutation((body: NewWebhook) => post<WebhookWithSecret>('/event-webhooks', body), [webhookKeys.all], cb);
}

export function useUpdateWebhook(cb?: MutationCallbacks<WebhookView, { id: number; body: UpdateWebhookBody }>) {
  return useInvalidatingMutation(
    ({ id, body }: { id: number; body: UpdateWebhookBody }) => patch<WebhookView>(`/event-webhooks/${id}`, body),
    [webhookKeys.all],
    cb,
  );
}

export function useDeleteWebhook(cb?: MutationCallbacks<void, WebhookView>) {
  return useInvalidatingMutation((w: WebhookView) => del(`/event-webhooks/${w.id}`), [webhookKeys.all], cb);
}

export function useRotateSecret(cb?: MutationCallbacks<WebhookWithSecret, WebhookView>) {
  return useInvalidatingMutation((w: WebhookView) => post<WebhookWithSecret>(`/event-webhooks/${w.id}/rotate-secret`), [webhookKeys.all], cb);
}

export function useSendTest(cb?: MutationCallbacks<DeliveryView, WebhookView>) {
  return useInvalidatingMutation((w: WebhookView) => post<DeliveryView>(`/event-webhooks/${w.id}/test`), [webhookKeys.all], cb);
}

export function useRetryDelivery(cb?: MutationCallbacks<DeliveryView, DeliveryView>) {
  return useInvalidatingMutation((d: DeliveryView) => post<DeliveryView>(`/event-webhooks/${d.webhookId}/deliveries/${d.id}/retry`), [webhookKeys.all], cb);
}
