import { notifications } from '@mantine/notifications';
import { errorMessage } from './common';

/** The green toast after a change went through; announced politely (role status). */
export function notifySuccess(title: string | undefined, message: string) {
  notifications.show({ color: 'green', title, message, role: 'status' });
}

/** The red toast when a change was refused; the message is the server's sentence, announced at once. */
export function notifyError(title: string | undefined, err: unknown) {
  notifications.show({ color: 'red', title, message: errorMessage(err), role: 'alert' });
}
