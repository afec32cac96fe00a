import { Modal, Notification, createTheme } from '@mantine/core';

/**
 * The app's Mantine theme. Component defaults here fix accessibility once for every instance, so a
 * new dialog or toast is named correctly without anyone remembering to.
 */
export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'sm',
  components: {
    // Mantine's × buttons carry only an icon: without a name a screen reader says just "button".
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close dialog' } } }),
    Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss notification' } } }),
  },
});
