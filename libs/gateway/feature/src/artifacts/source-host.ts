import { forbiddenAddressReason } from '@modelguard/egress';
import { ClientError } from '../domain/client-error';

/** Host names of cloud instance-metadata services (AWS, GCP, Azure, Alibaba, OpenStack): never a model source. */
const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata', 'instance-data', 'instance-data.ec2.internal', 'metadata.azure.com', 'metadata.tencentyun.com', '100.100.100.200']);

/** Link-local ranges (169.254.0.0/16 with AWS/GCP/Azure metadata, fe80::/10) and AWS's IPv6 metadata address. */
const LINK_LOCAL = [/^169\.254\./, /^fe[89ab][0-9a-f]?:/i, /^fd00:ec2::254$/i];

/**
 * Refuses a source URL whose host the registry must never be sent to, when the artifact is created (400, nothing
 * stored), not only when ingest fetches it: cloud metadata services and link-local addresses always; loopback,
 * private and reserved addresses (and `localhost`) unless private networks are allowed by configuration
 * (UPSTREAM_ALLOW_PRIVATE, for fakes on loopback). Host names are not resolved here: ingest's guarded lookup
 * checks every address a name resolves to when it fetches (DNS rebinding included). The URL parser has already
 * normalised numeric hosts (`http://2130706433/` is `127.0.0.1`).
 */
export function assertAllowedSourceHost(url: URL, allowPrivateNetworks: boolean): void {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (METADATA_HOSTS.has(host) || LINK_LOCAL.some((re) => re.test(host))) {
    throw new ClientError(400, `url host ${host} is a cloud metadata or link-local address; it cannot be a source`, {}, {}, 'ssrf');
  }
  if (allowPrivateNetworks) return;
  if (host === 'localhost' || host.endsWith('.localhost')) throw new ClientError(400, `url host ${host} is the registry's own machine; it cannot be a source`, {}, {}, 'ssrf');
  const literal = /^[\d.]+$/.test(host) || host.includes(':');
  if (!literal) return;
  const reason = forbiddenAddressReason(host);
  if (reason !== null) throw new ClientError(400, `url host is not a public address: ${reason}`, {}, {}, 'ssrf');
}
