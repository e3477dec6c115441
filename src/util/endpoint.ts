/**
 * Where a headroom.yaml may send signed AWS API calls: AWS itself, or a server on this machine (a
 * test double). A config often comes with a pull request; another host is a flag's decision
 * (--endpoint, --cloudwatch-endpoint), never a file's.
 */
export function trustedEndpoint(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const host = parsed.hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host)) return true;
  return parsed.protocol === 'https:' && /(^|\.)amazonaws\.com(\.cn)?$/.test(host);
}
