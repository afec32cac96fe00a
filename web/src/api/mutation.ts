import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';

/** What a page adds to a data hook's mutation: its notifications, closing its window, clearing its form. */
export type MutationCallbacks<R, V> = { onSuccess?(result: R, vars: V): void; onError?(err: Error, vars: V): void };

/**
 * A mutation that, once it succeeds, marks the queries under `invalidates` stale (so every list
 * showing the changed data refetches) and then runs the page's own `onSuccess`. The feature's
 * `api.ts` decides what a change invalidates; pages only say what to tell the admin.
 */
export function useInvalidatingMutation<R, V>(mutationFn: (vars: V) => Promise<R>, invalidates: readonly QueryKey[], callbacks: MutationCallbacks<R, V> = {}) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: (result, vars) => {
      for (const queryKey of invalidates) void qc.invalidateQueries({ queryKey });
      callbacks.onSuccess?.(result, vars);
    },
    onError: callbacks.onError,
  });
}
