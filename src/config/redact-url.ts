/** A URL fit for logs and messages: any user name or password replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username !== '' || u.password !== '') {
      u.username = u.username === '' ? '' : '***';
      u.password = u.password === '' ? '' : '***';
    }
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
