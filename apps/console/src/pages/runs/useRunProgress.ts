import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { RunProgress } from './shared';

/** How often the progress is asked for when the event stream is not available. */
export const PROGRESS_POLL_MS = 2000;

export type ProgressMode = 'stream' | 'poll';

/**
 * A run's progress, live: the server's event stream (the session cookie goes with it) while the run
 * is not over, polling GET /runs/:id/progress when the stream fails; nothing more once it is over.
 */
export function useRunProgress(runId: string): {
  progress: ReturnType<typeof useQuery<RunProgress>>;
  mode: ProgressMode;
} {
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<ProgressMode>(typeof EventSource === 'undefined' ? 'poll' : 'stream');
  const key = ['run-progress', runId];
  const progress = useQuery({
    queryKey: key,
    queryFn: () =>
      unwrap<RunProgress>(api.GET('/api/v1/runs/{id}/progress', { params: { path: { id: runId } } })),
    refetchInterval: (q) => (mode === 'poll' && !q.state.data?.finished ? PROGRESS_POLL_MS : false),
  });
  const finished = progress.data?.finished ?? false;
  const started = progress.isSuccess;

  useEffect(() => {
    if (mode !== 'stream' || !started || finished) return;
    const source = new EventSource(`/api/v1/runs/${encodeURIComponent(runId)}/events`, {
      withCredentials: true,
    });
    source.addEventListener('progress', (event) => {
      const next = JSON.parse((event as MessageEvent<string>).data) as RunProgress;
      queryClient.setQueryData(['run-progress', runId], next);
      if (next.finished) source.close();
    });
    // The stream ends after the last event; an error before that is a stream that does not work here.
    source.onerror = () => {
      source.close();
      const last = queryClient.getQueryData<RunProgress>(['run-progress', runId]);
      if (!last?.finished) setMode('poll');
    };
    return () => source.close();
  }, [runId, mode, started, finished, queryClient]);

  return { progress, mode };
}
