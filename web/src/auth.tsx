import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, get, post, setCsrfToken, setUnauthorizedHandler } from './api/client';

export type Level = 'none' | 'view' | 'edit' | 'delete';
export type SessionInfo = {
  csrfToken: string | null;
  permissions: Record<string, Level>;
  admin: { id: number; email: string; name: string; roleName: string } | null;
  org: { id: number; name: string } | null;
};

const ORDER: Level[] = ['none', 'view', 'edit', 'delete'];

type AuthState = {
  session: SessionInfo | null;
  loading: boolean;
  login(email: string, password: string): Promise<void>;
  logout(): Promise<void>;
  can(category: string, level: Level): boolean;
};

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [loading, setLoading] = useState(true);
  const queryClient = useQueryClient();

  const apply = useCallback((s: SessionInfo | null) => {
    setCsrfToken(s?.csrfToken ?? null);
    setSession(s);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      apply(null);
      queryClient.clear();
    });
    get<SessionInfo>('/auth/session')
      .then(apply)
      .catch((e) => {
        if (!(e instanceof ApiError && e.status === 401)) console.error(e);
        apply(null);
      })
      .finally(() => setLoading(false));
    return () => setUnauthorizedHandler(null);
  }, [apply, queryClient]);

  const value = useMemo<AuthState>(
    () => ({
      session,
      loading,
      async login(email, password) {
        apply(await post<SessionInfo>('/auth/login', { email, password }));
      },
      async logout() {
        try {
          await post('/auth/logout');
        } finally {
          apply(null);
          queryClient.clear();
        }
      },
      can(category, level) {
        const have = session?.permissions[category] ?? 'none';
        return ORDER.indexOf(have) >= ORDER.indexOf(level);
      },
    }),
    [session, loading, apply, queryClient],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}
