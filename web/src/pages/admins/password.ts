/** The password rule of Add Admin and Reset Password, checked before the server checks it again. */
export const MIN_PASSWORD = 12;

export function passwordProblem(pw: string): string | null {
  if (!pw) return 'Password is required.';
  if (pw.length < MIN_PASSWORD) return `Password must be at least ${MIN_PASSWORD} characters.`;
  if (pw.length > 256) return 'Password must be at most 256 characters.';
  return null;
}
