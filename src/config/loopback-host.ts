/**
 * Whether a URL's hostname (as `URL.hostname` gives it) names this machine: `localhost`, an IPv4
 * loopback address (127.0.0.0/8) or `[::1]`. Only such a host may be called over plain HTTP
 * (the mock API): a UserSig sent to any other in clear can be read on the way.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}
