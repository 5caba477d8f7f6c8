import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { RunProgress } from './shared';

/** How often the progress is asked for when the event stream is not available. */
export const PROGRESS_POLL_MS = 2000;
/** The stream sends every second: this long without an event, it is taken as not getting through. */
export const STREAM_SILENCE_MS = 6000;

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
    // A stream held up on the way (a buffering proxy) says nothing at all: poll instead.
    let silence = setTimeout(() => fallBack(), STREAM_SILENCE_MS);
    const fallBack = () => {
      clearTimeout(silence);
      source.close();
      const last = queryClient.getQueryData<RunProgress>(['run-progress', runId]);
      if (!last?.finished) setMode('poll');
    };
    source.addEventListener('progress', (event) => {
      clearTimeout(silence);
      silence = setTimeout(() => fallBack(), STREAM_SILENCE_MS);
      const next = JSON.parse((event as MessageEvent<string>).data) as RunProgress;
      queryClient.setQueryData(['run-progress', runId], next);
      if (next.finished) {
        clearTimeout(silence);
        source.close();
      }
    });
    // The stream ends after the last event; an error before that is a stream that does not work here.
    source.onerror = fallBack;
    return () => {
      clearTimeout(silence);
      source.close();
    };
  }, [runId, mode, started, finished, queryClient]);

  return { progress, mode };
}
