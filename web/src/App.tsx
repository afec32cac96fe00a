import { Navigate, Route, Routes } from 'react-router';
import { useAuth } from './auth';
import { AppLayout } from './layout/AppLayout';
import { LoginPage } from './pages/LoginPage';
import { PAGES } from './pages/registry';
import { EmptyState, Loading } from './components/common';

export function App() {
  const { session, loading, can } = useAuth();
  if (loading) return <Loading label="Starting…" />;
  if (!session) return <LoginPage />;
  const visible = PAGES.filter((p) => can(p.permission[0], p.permission[1]));
  const home = visible.find((p) => p.section !== 'hidden')?.path;
  return (
    <Routes>
      <Route element={<AppLayout />}>
        {visible.map((p) => (
          <Route key={p.path} path={p.path} element={<p.component />} />
        ))}
        <Route
          path="/"
          element={
            home ? (
              <Navigate to={home} replace />
            ) : (
              <EmptyState title="No pages available">Your role gives access to no pages. Ask an admin to change your role.</EmptyState>
            )
          }
        />
        <Route path="*" element={<EmptyState title="Page not found">This page does not exist or your role does not allow it.</EmptyState>} />
      </Route>
    </Routes>
  );
}
