/**
 * Keyboard helpers for the browser tests: what has the focus, Tab until something is reached, wait
 * for the focus to settle after a transition.
 */
import type { Page } from 'playwright-core';

/** What has the focus: tag, id, accessible-ish name, where it lies, and whether it is visibly marked. */
export type Focused = {
  tag: string;
  id: string;
  name: string;
  href: string | null;
  expanded: string | null;
  inDialog: boolean;
  inNav: boolean;
  /** Inside an open menu (its items, or the placeholder Mantine focuses first). */
  inMenu: boolean;
  closeButton: boolean;
  /** An outline, a ring (box shadow) or, on a field, the primary-colour border marks it. */
  marked: boolean;
};

// A string, not a function: the root tsconfig has no DOM types.
const FOCUSED = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const cs = getComputedStyle(el);
  const primary = getComputedStyle(document.documentElement).getPropertyValue('--mantine-primary-color-filled').trim();
  const probe = document.createElement('span');
  probe.style.color = primary;
  document.body.appendChild(probe);
  const primaryRgb = getComputedStyle(probe).color;
  probe.remove();
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
  const ring = !!cs.boxShadow && cs.boxShadow !== 'none';
  // A field's border turns the primary colour; a password field's border is on its wrapper.
  const box = el.closest('.mantine-Input-input') || el;
  const field = ['input', 'select', 'textarea'].includes(el.tagName.toLowerCase()) && getComputedStyle(box).borderTopColor === primaryRgb;
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    name: (el.getAttribute('aria-label') || el.textContent || '').trim(),
    href: el.getAttribute('href'),
    expanded: el.getAttribute('aria-expanded'),
    inDialog: !!el.closest('[role="dialog"]'),
    inNav: !!el.closest('#main-navigation'),
    inMenu: !!el.closest('[role="menu"]'),
    closeButton: el.classList.contains('mantine-Modal-close'),
    marked: outline || ring || field,
  };
})()`;

export async function focused(page: Page): Promise<Focused | null> {
  return (await page.evaluate(FOCUSED)) as Focused | null;
}

/** Presses Tab until `match` holds for the focused element; fails after `max` presses. */
export async function tabTo(page: Page, match: (f: Focused) => boolean, what: string, max = 40): Promise<Focused> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f && match(f)) return f;
    seen.push(f ? `${f.tag}:${f.name.slice(0, 30)}` : 'body');
  }
  throw new Error(`Tab did not reach ${what} in ${max} presses; it went through: ${seen.join(' → ')}`);
}

/** Waits until the focus satisfies `match` (focus moves after transitions), or fails with what has it. */
export async function focusSettles(page: Page, match: (f: Focused | null) => boolean, what: string): Promise<Focused | null> {
  for (let i = 0; i < 50; i++) {
    const f = await focused(page);
    if (match(f)) return f;
    await page.waitForTimeout(50);
  }
  throw new Error(`Expected the focus on ${what}, it is on ${JSON.stringify(await focused(page))}`);
}

/**
 * With a menu just opened by Enter on its button: waits for the menu to take the focus (Mantine
 * moves it there after a tick), then presses ArrowDown until `item` has it. Fails naming every stop,
 * so a menu that skips or loses an item says how.
 */
export async function arrowToMenuItem(page: Page, item: string, max = 20): Promise<void> {
  await focusSettles(page, (f) => !!f?.inMenu, 'the opened menu');
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    const f = await focused(page);
    if (f?.inMenu && f.name === item) return;
    seen.push(f ? f.name || f.tag : 'body');
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`ArrowDown did not reach the ${item} menu item in ${max} presses; it went through: ${seen.join(' → ')}`);
}
