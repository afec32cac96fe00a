import { Navigate, Route, Routes, useLocation } from 'react-router';
import { useAuth } from './auth';
import { AppLayout } from './layout/AppLayout';
import { LoginPage } from './pages/LoginPage';
import { PAGES } from './pages/registry';
import { EmptyState, Loading, PageHeader } from './components/common';
import { DocumentTitle } from './layout/DocumentTitle';
import { SurveyPage } from './pages/remediation/SurveyPage';

export function App() {
  const { session, loading, can } = useAuth();
  const location = useLocation();
  // The survey link's page is public: its recipient has no account, and an admin sees it as they would.
  if (location.pathname.startsWith('/survey/'))
    return (
      <Routes>
        <Route
          path="/survey/:token"
          element={
            <DocumentTitle title="Survey">
              <SurveyPage />
            </DocumentTitle>
          }
        />
      </Routes>
    );
  if (loading) return <Loading label="Starting…" />;
  if (!session) {
    return (
      <DocumentTitle title="Sign in">
        <LoginPage />
      </DocumentTitle>
    );
  }
  const visible = PAGES.filter((p) => can(p.permission[0], p.permission[1]));
  const home = visible.find((p) => p.section !== 'hidden')?.path;
  return (
    <Routes>
      <Route element={<AppLayout />}>
        {visible.map((p) => (
          <Route
            key={p.path}
            path={p.path}
            element={
              <DocumentTitle title={p.label}>
                <p.component />
              </DocumentTitle>
            }
          />
        ))}
        <Route
          path="/"
          element={
            home ? (
              <Navigate to={home} replace />
            ) : (
              <DocumentTitle title="No pages available">
                <PageHeader title="No pages available" />
                <EmptyState title="Your role gives access to no pages.">Ask an admin to change your role.</EmptyState>
              </DocumentTitle>
            )
          }
        />
        <Route
          path="*"
          element={
            <DocumentTitle title="Page not found">
              <PageHeader title="Page not found" />
              <EmptyState title="This page does not exist or your role does not allow it." />
            </DocumentTitle>
          }
        />
      </Route>
    </Routes>
  );
}
