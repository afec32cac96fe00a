/** Notifications API for the web app (contract: src/modules/notifications/schemas.ts): query keys and data hooks. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ChannelView, MessageView } from '@server/modules/notifications/schemas';
import { del, get, patch, post } from '../../api/client';
import { useInvalidatingMutation, type MutationCallbacks } from '../../api/mutation';
import { alertKeys } from '../alerts/api';

export type { ChannelView, MessageView };
export type ChannelKind = ChannelView['kind'];
export type DeliveryStatus = MessageView['status'];
export type DeliveryChannel = MessageView['channel'];
export type DeliverySort = 'createdAt' | 'status' | 'recipient' | 'sentAt';
export type DeliveryParams = {
  page: number;
  pageSize: number;
  status?: DeliveryStatus;
  channel?: DeliveryChannel;
  sort: DeliverySort;
  order: 'asc' | 'desc';
};

export const notificationKeys = {
  channels: ['notification-channels'] as const,
  deliveries: ['notification-deliveries'] as const,
  deliveryList: (p: DeliveryParams) => ['notification-deliveries', p] as const,
};

export function useChannels() {
  return useQuery({
    queryKey: notificationKeys.channels,
    queryFn: ({ signal }) => get<{ items: ChannelView[] }>('/notifications/channels', undefined, { signal }),
  });
}

/** Connect (no id; the server sends a test message first) or edit a channel. */
export function useSaveChannel(id: number | null, cb?: MutationCallbacks<ChannelView, { kind: ChannelKind; name: string; webhookUrl: string }>) {
  return useInvalidatingMutation(
    (body: { kind: ChannelKind; name: string; webhookUrl: string }) =>
      id === null
        ? post<ChannelView>('/notifications/channels', body)
        : patch<ChannelView>(`/notifications/channels/${id}`, { name: body.name, ...(body.webhookUrl ? { webhookUrl: body.webhookUrl } : {}) }),
    [notificationKeys.channels, alertKeys.all],
    cb,
  );
}

export function useDeleteChannel(cb?: MutationCallbacks<void, ChannelView>) {
  return useInvalidatingMutation((c: ChannelView) => del(`/notifications/channels/${c.id}`), [notificationKeys.channels, alertKeys.all], cb);
}

export function useTestChannel(cb?: MutationCallbacks<ChannelView, ChannelView>) {
  return useInvalidatingMutation((c: ChannelView) => post<ChannelView>(`/notifications/channels/${c.id}/test`), [notificationKeys.channels, alertKeys.all], cb);
}

export function useDeliveries(p: DeliveryParams) {
  return useQuery({
    queryKey: notificationKeys.deliveryList(p),
    queryFn: ({ signal }) => get<{ items: MessageView[]; total: number; page: number; pageSize: number }>('/notifications/messages', { ...p }, { signal }),
    placeholderData: keepPreviousData,
  });
}

/** Retry a failed delivery: it is queued again and its alert cleared. */
export function useRetryDelivery(cb?: MutationCallbacks<MessageView, MessageView>) {
  return useInvalidatingMutation(
    (m: MessageView) => post<MessageView>(`/notifications/messages/${m.id}/retry`),
    [notificationKeys.deliveries, alertKeys.all],
    cb,
  );
}

/** "Send test email": one test notification by email, through the same queue as every message. */
export function useSendTestEmail(cb?: MutationCallbacks<MessageView, { to: string; name?: string }>) {
  return useInvalidatingMutation(
    (body: { to: string; name?: string }) => post<MessageView>('/notifications/test-email', body),
    [notificationKeys.deliveries],
    cb,
  );
}
