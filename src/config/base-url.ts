import { isLoopbackHost } from './loopback-host.js';

/**
 * A Tencent base URL (TIM_BASE_URL, or an app's `baseUrl`): an origin with an optional path (a
 * proxy), nothing else. HTTPS, since every call carries the UserSig in its URL; plain HTTP only to
 * this machine (the mock API). Returns the URL without trailing slashes, or null after pushing
 * the problem, named by `label`.
 */
export function checkBaseUrl(label: string, value: string, problems: string[]): string | null {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    problems.push(`${label}: expected a URL such as https://adminapisgp.im.qcloud.com, got a value that is not a URL`);
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    problems.push(`${label}: expected a https: or http: URL, got ${u.protocol}`);
    return null;
  }
  if (u.username !== '' || u.password !== '' || u.search !== '' || u.hash !== '') {
    problems.push(`${label}: expected an http(s) URL without credentials, query or fragment, such as https://adminapisgp.im.qcloud.com`);
    return null;
  }
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
    problems.push(
      `${label}: must be https:// (Tencent's API is HTTPS only, and every call carries the UserSig in its URL), got http://${u.host}; use https://${u.host}, or leave it unset for the region's domain (plain http:// is allowed only to 127.0.0.1, ::1 or localhost, for the mock API)`,
    );
    return null;
  }
  return value.replace(/\/+$/, '');
}
