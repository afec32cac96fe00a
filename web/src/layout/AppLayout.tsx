import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { NavLink as RouterNavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { ActionIcon, AppShell, Badge, Burger, FocusTrap, Group, Indicator, Menu, NavLink, ScrollArea, Text, Tooltip, UnstyledButton, em } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { useActiveAlerts } from '../pages/alerts/api';
import { useAuth } from '../auth';
import { PAGES } from '../pages/registry';
import { IconBell } from '../components/icons';
import './AppLayout.css';

const MAIN_ID = 'main-content';
const NAV_ID = 'main-navigation';
/** Mantine's `sm` breakpoint, where the navigation becomes a drawer behind the burger. */
const NARROW = `(max-width: ${em(767.98)})`;

function Bell() {
  const { can } = useAuth();
  const navigate = useNavigate();
  const allowed = can('Notification Center', 'view');
  const { data } = useActiveAlerts(allowed);
  if (!allowed) return null;
  const count = data?.items.length ?? 0;
  return (
    <Tooltip label={count ? `${count} active alert${count === 1 ? '' : 's'}` : 'Notification Center'}>
      <Indicator disabled={!count} label={count} size={16} color="red">
        <ActionIcon variant="subtle" size="lg" aria-label="Notification Center" onClick={() => navigate('/notifications')}>
          <IconBell size={20} />
        </ActionIcon>
      </Indicator>
    </Tooltip>
  );
}

export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const narrow = useMediaQuery(NARROW) ?? false;
  const burger = useRef<HTMLButtonElement>(null);
  const { session, logout, can } = useAuth();
  const location = useLocation();
  const visible = PAGES.filter((p) => can(p.permission[0], p.permission[1]));
  const main = visible.filter((p) => p.section === 'main');
  const setup = visible.filter((p) => p.section === 'setup');
  const inSetup = location.pathname.startsWith('/setup');
  // Open the Setup group whenever a Setup page is shown (also after the redirect from "/").
  const [setupOpen, setSetupOpen] = useState(inSetup);
  useEffect(() => {
    if (inSetup) setSetupOpen(true);
  }, [inSetup]);

  // The open drawer keeps Tab inside itself (it covers the page); Esc closes it, back on the burger.
  const drawerOpen = narrow && opened;
  const onNavKeyDown = (event: KeyboardEvent) => {
    if (drawerOpen && event.key === 'Escape') {
      close();
      burger.current?.focus();
    }
  };
  const focusMain = () => document.getElementById(MAIN_ID)?.focus();
  const accountName = session?.admin?.name ?? session?.admin?.email ?? '';

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <a
        href={`#${MAIN_ID}`}
        className="skip-link"
        onClick={(e) => {
          e.preventDefault();
          focusMain();
        }}
      >
        Skip to main content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              ref={burger}
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
              aria-expanded={opened}
              aria-controls={NAV_ID}
            />
            <Text fw={700}>Workflow Automation</Text>
            {session?.org ? (
              <Badge variant="light" visibleFrom="xs">
                {session.org.name}
              </Badge>
            ) : null}
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Bell />
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                {/* The name starts with the visible text, so voice control users can say what they see. */}
                <UnstyledButton aria-label={`${accountName}, account menu`} data-testid="account-menu">
                  <Text size="sm" fw={500} truncate maw={220}>
                    {accountName}
                  </Text>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{session?.admin?.email}</Menu.Label>
                <Menu.Label>Role: {session?.admin?.roleName}</Menu.Label>
                <Menu.Divider />
                <Menu.Item onClick={() => void logout()}>Log out</Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar
        p="xs"
        id={NAV_ID}
        aria-label="Main navigation"
        onKeyDown={onNavKeyDown}
        // The closed drawer is only moved off-screen: keep its links out of the Tab order.
        inert={narrow && !opened}
      >
        <FocusTrap active={drawerOpen}>
          <ScrollArea>
            {main.map((p) => (
              <NavLink key={p.path} component={RouterNavLink} to={p.path} label={p.label} onClick={close} />
            ))}
            {setup.length ? (
              // A disclosure button (Mantine adds aria-expanded and aria-controls for the group).
              <NavLink component="button" type="button" label="Setup" opened={setupOpen} onChange={setSetupOpen} childrenOffset="sm">
                {setup.map((p) => (
                  <NavLink key={p.path} component={RouterNavLink} to={p.path} label={p.label} onClick={close} />
                ))}
              </NavLink>
            ) : null}
            {!main.length && !setup.length ? (
              <Text size="sm" c="dimmed" p="sm">
                Your role gives access to no pages. Ask an admin to change your role.
              </Text>
            ) : null}
          </ScrollArea>
        </FocusTrap>
      </AppShell.Navbar>
      {/* tabIndex -1: the skip link can move the focus here without adding a Tab stop. */}
      <AppShell.Main id={MAIN_ID} tabIndex={-1} className="app-main">
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
