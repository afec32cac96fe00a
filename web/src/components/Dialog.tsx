import { useEffect, useId, useLayoutEffect } from 'react';
import { Modal, type ModalProps } from '@mantine/core';

/** What a keyboard user can type into or choose from; the first of these gets the focus on open. */
const FIELD = 'input:not([type="hidden"]):not(:disabled), select:not(:disabled), textarea:not(:disabled)';

/**
 * The control a dialog should give the focus back to. A menu item is gone once its menu closes, so a
 * dialog opened from a menu returns to the button that opened the menu (Mantine labels the menu
 * with that button's id).
 */
function openerOf(active: Element | null): HTMLElement | null {
  const menu = active?.closest('[role="menu"][aria-labelledby]');
  const target = menu ? document.getElementById(menu.getAttribute('aria-labelledby')!) : active;
  return target instanceof HTMLElement && target !== document.body ? target : null;
}

function isVisible(el: HTMLElement): boolean {
  return el.getClientRects().length > 0;
}

/**
 * Mantine's Modal with the keyboard behaviour every dialog of the app needs:
 * - the first focus goes to the first field (or the element marked `data-autofocus`), not to the ×
 *   button that comes first in the DOM;
 * - after Esc, × or a close from code, the focus returns to the control that opened the dialog,
 *   also when that was a menu item, and also when the parent unmounts the dialog to close it.
 * The × button's name comes from the theme (`theme.ts`).
 */
export function Dialog({ opened, id, ...props }: ModalProps) {
  const ownId = useId();
  const dialogId = id ?? `dialog-${ownId.replace(/[^a-zA-Z0-9_-]/g, '')}`;

  // Layout effect: runs before the menu that opened the dialog has unmounted its items.
  useLayoutEffect(() => {
    if (!opened) return;
    const opener = openerOf(document.activeElement);
    return () => {
      const dialog = document.getElementById(`${dialogId}-body`)?.closest('[role="dialog"]');
      // After the dialog's own close handling: give the focus back unless the user has moved it elsewhere.
      window.setTimeout(() => {
        const active = document.activeElement;
        const lost = !active || active === document.body || !active.isConnected || (dialog?.contains(active) ?? false);
        if (lost && opener?.isConnected) opener.focus();
      }, 0);
    };
  }, [opened, dialogId]);

  // Mantine's focus trap focuses `[data-autofocus]` or else the first tabbable element, which is the
  // × button in the header (and it does so more than once while opening). Until the user presses a
  // key or the pointer, move any focus on × on to the first field of the body, if there is one.
  useEffect(() => {
    if (!opened) return;
    const onFocus = (event: FocusEvent) => {
      const body = document.getElementById(`${dialogId}-body`);
      const target = event.target as HTMLElement | null;
      const dialog = body?.closest('[role="dialog"]');
      if (!body || !dialog || !target || !dialog.contains(target) || body.contains(target)) return;
      if (body.querySelector('[data-autofocus]')) return;
      Array.from(body.querySelectorAll<HTMLElement>(FIELD)).find(isVisible)?.focus();
    };
    const stop = () => {
      document.removeEventListener('focusin', onFocus);
      document.removeEventListener('keydown', stop, true);
      document.removeEventListener('pointerdown', stop, true);
    };
    document.addEventListener('focusin', onFocus);
    document.addEventListener('keydown', stop, true);
    document.addEventListener('pointerdown', stop, true);
    return stop;
  }, [opened, dialogId]);

  return <Modal opened={opened} id={dialogId} returnFocus={false} {...props} />;
}
