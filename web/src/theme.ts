import {
  DEFAULT_THEME,
  Menu,
  Modal,
  Notification,
  createTheme,
  type CSSVariablesResolver,
  darken,
  luminance,
  toRgba,
  type MantineColorsTuple,
} from '@mantine/core';

/**
 * The app's Mantine theme. Component defaults here fix accessibility once for every instance, so a
 * new dialog or toast is named correctly without anyone remembering to.
 */

/** WCAG contrast of a colour against white. */
function contrastOnWhite(color: string): number {
  return 1.05 / (luminance(color) + 0.05);
}

function toHex(color: string): string {
  const { r, g, b } = toRgba(color);
  return `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Mantine draws text, links, outline and light badges and filled buttons with shades 6–9 (shade 6
 * is the light scheme's default). Stock shades 6 of green, yellow, orange, cyan, teal, lime, gray
 * (dimmed text) and even indigo fall below WCAG AA's 4.5:1. Darkening those shades until they reach
 * 5.5:1 on white keeps AA also on the light badges' tinted backgrounds, for every use at once
 * instead of element by element. Shades 0–5 (backgrounds) keep their stock values.
 */
const AA_TARGET = 5.5;

function accessiblePalette(shades: MantineColorsTuple): MantineColorsTuple {
  const out = [...shades];
  for (let i = 6; i < out.length; i++) {
    let color = out[i]!;
    // Each of 7–9 stays visibly darker than the shade before, so hover states (one shade up) still show.
    if (i > 6 && luminance(color) > luminance(out[i - 1]!) * 0.85) color = darken(out[i - 1]!, 0.12);
    for (let step = 0; contrastOnWhite(color) < AA_TARGET && step < 40; step++) color = darken(color, 0.04);
    out[i] = toHex(color);
  }
  return out as unknown as MantineColorsTuple;
}

const colors = Object.fromEntries(
  Object.entries(DEFAULT_THEME.colors)
    .filter(([name]) => name !== 'dark')
    .map(([name, shades]) => [name, accessiblePalette(shades)]),
);

export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'sm',
  colors,
  components: {
    // Mantine's × buttons carry only an icon: without a name a screen reader says just "button".
    Modal: Modal.extend({
      defaultProps: {
        closeButtonProps: { 'aria-label': 'Close dialog' },
        // Mantine draws the title bar as a <header>, which outside a section is the page's banner
        // landmark: with a dialog open there were two banners, and the dialog is named by its title anyway.
        attributes: { header: { role: 'none' } },
      },
    }),
    // Mantine's menus start with an empty focusable <div role="presentation"> to catch the first
    // focus; a focusable element cannot be presentational, so a menu held a child that is not an
    // item (axe: aria-required-children, critical). Without it the focus goes to the menu and the
    // arrow keys move to its items as before.
    Menu: Menu.extend({ defaultProps: { withInitialFocusPlaceholder: false } }),
    Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss notification' } } }),
  },
});

/**
 * CSS variables the theme cannot set. Placeholders (and the FileInput's "choose a file" text, drawn
 * as a placeholder) use gray 5, 2.1:1 on white; shade 6 of the adjusted palette meets AA.
 */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-placeholder': 'var(--mantine-color-gray-6)' },
  dark: {},
});
