/**
 * The REST API domain of each region an SDKAppID can live in (tencent-chat-rest.md).
 * An app can only be called on the domain of its own region. Tokyo appears on one
 * Tencent page only; the backup domains (`adminapi*.my-imcloud.com`) are not listed
 * here: pass one as a base URL when DNS of the main domain is in trouble.
 */
export const REGION_DOMAINS = Object.freeze({
  china: 'console.tim.qq.com',
  singapore: 'adminapisgp.im.qcloud.com',
  seoul: 'adminapikr.im.qcloud.com',
  frankfurt: 'adminapiger.im.qcloud.com',
  mumbai: 'adminapiind.im.qcloud.com',
  'silicon-valley': 'adminapiusa.im.qcloud.com',
  jakarta: 'adminapiidn.im.qcloud.com',
  tokyo: 'adminapijpn.im.qcloud.com',
} as const);

export type Region = keyof typeof REGION_DOMAINS;

/** Every region, in the order of REGION_DOMAINS: for option lists and error messages. */
export const REGION_NAMES: readonly Region[] = Object.freeze(Object.keys(REGION_DOMAINS) as Region[]);

export function regionBaseUrl(region: Region): string {
  return `https://${REGION_DOMAINS[region]}`;
}
