import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken, unwrap } from '../api/client';
import type { Locale, Session } from '../api/types';
import { applyLocale } from '../i18n';

export const SESSION_KEY = ['session'] as const;

/** The current session, or null when signed out (a 401 is an answer, not an error). */
export async function fetchSession(): Promise<Session | null> {
  try {
    return await unwrap<Session>(api.GET('/api/v1/auth/session'));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

interface SessionContextValue {
  session: Session | null;
  /** Keeps a session just received (sign-in) */
  signedIn(session: Session): void;
  signOut(everywhere?: boolean): Promise<void>;
  setLocale(locale: Locale): Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children, fallback }: { children: ReactNode; fallback: ReactNode }) {
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: SESSION_KEY, queryFn: fetchSession, staleTime: 60_000 });
  const session = query.data ?? null;

  useEffect(() => {
    setCsrfToken(session?.csrfToken ?? null);
    if (session) applyLocale(session.staff.locale);
  }, [session]);

  const signedIn = useCallback(
    (s: Session) => {
      setCsrfToken(s.csrfToken);
      applyLocale(s.staff.locale);
      queryClient.setQueryData(SESSION_KEY, s);
    },
    [queryClient],
  );

  const signOut = useCallback(
    async (everywhere = false) => {
      await unwrap(api.POST(everywhere ? '/api/v1/auth/sign-out-everywhere' : '/api/v1/auth/sign-out'));
      setCsrfToken(null);
      queryClient.clear();
      queryClient.setQueryData(SESSION_KEY, null);
    },
    [queryClient],
  );

  const setLocale = useCallback(
    async (locale: Locale) => {
      applyLocale(locale);
      const current = queryClient.getQueryData<Session | null>(SESSION_KEY);
      if (!current) return;
      await unwrap(api.PUT('/api/v1/me/locale', { body: { locale } }));
      queryClient.setQueryData(SESSION_KEY, { ...current, staff: { ...current.staff, locale } });
    },
    [queryClient],
  );

  const value = useMemo(
    () => ({ session, signedIn, signOut, setLocale }),
    [session, signedIn, signOut, setLocale],
  );
  if (query.isPending) return <>{fallback}</>;
  if (query.isError) throw query.error;
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
