import { notifications } from '@mantine/notifications';
import { errorMessage } from './common';

/** The green toast after a change went through. */
export function notifySuccess(title: string | undefined, message: string) {
  notifications.show({ color: 'green', title, message });
}

/** The red toast when a change was refused; the message is the server's sentence. */
export function notifyError(title: string | undefined, err: unknown) {
  notifications.show({ color: 'red', title, message: errorMessage(err) });
}
