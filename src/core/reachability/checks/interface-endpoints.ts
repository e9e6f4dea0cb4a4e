import { uniq } from '../../sets.js';
import type { Check } from '../check.js';
import { vpcAttributeFix } from '../path/fixes.js';
import { endpointAvailable, serviceShortName } from '../routes.js';

/**
 * Interface endpoints as the path engine used them: one whose security groups do not admit tcp
 * 443 from the function answers the service's hostname (private DNS) and then drops the calls, so
 * it is no way to reach the service (ENDPOINT_SG_BLOCKS); and private DNS needs the VPC's
 * enableDnsSupport and enableDnsHostnames (VPC_DNS_DISABLED).
 */
export const interfaceEndpoints: Check = {
  name: 'interface-endpoints',
  reads: [],
  run({ subnets, input, paths, vpcId, afterRequested, region, add }) {
    const blocked = new Map<
      string,
      { service: string; from: string[]; fix?: string; groups: string; dnsProved: boolean }
    >();
    for (const trace of paths.services) {
      if (trace.target.kind !== 'service') continue;
      const service = trace.target.service;
      for (const p of trace.subnets) {
        const ep = p.hops.find((h) => h.kind === 'interface-endpoint' && h.status === 'pass')?.resource;
        const denied = p.hops.find((h) => h.kind === 'sg-ingress' && h.status === 'fail');
        if (!ep || !denied) continue;
        const dnsProved = p.hops.some((h) => h.kind === 'dns' && h.status === 'pass');
        const entry = blocked.get(ep) ?? { service, from: [], groups: denied.resource ?? '', dnsProved };
        entry.from.push(p.subnetId);
        if (denied.fix) entry.fix = denied.fix;
        blocked.set(ep, entry);
      }
    }
    for (const [ep, { service, from, fix, dnsProved }] of blocked) {
      const groups =
        input.vpcEndpoints
          .find((e) => e.VpcEndpointId === ep)
          ?.Groups?.map((g) => g.GroupId)
          .join(', ') || 'its security groups';
      const list = uniq(from);
      add(subnets.find((s) => list.includes(s.id))?.idx ?? afterRequested, {
        severity: 'warning',
        code: 'ENDPOINT_SG_BLOCKS',
        subject: ep,
        message: `Interface endpoint ${ep} (${service}) ${dnsProved ? `answers ${service}'s hostname` : `has private DNS on (whether the VPC's DNS attributes let it answer ${service}'s hostname was not checked)`}, but its security groups (${groups}) do not admit tcp 443 from the function in ${list.join(', ')}: calls to ${service} through it time out, so the endpoint is not counted as a way to reach it.`,
        fix: fix ?? `Allow tcp 443 from the function's security group in ${groups}.`,
      });
    }

    const attrs = (input.vpcAttributes ?? []).find((a) => a.VpcId === vpcId);
    const support = attrs?.EnableDnsSupport?.Value;
    const hostnames = attrs?.EnableDnsHostnames?.Value;
    if (!vpcId || support === undefined || hostnames === undefined || (support && hostnames)) return;
    const withDns = input.vpcEndpoints.filter(
      (e) =>
        e.VpcEndpointType === 'Interface' &&
        endpointAvailable(e) &&
        e.PrivateDnsEnabled &&
        (e.VpcId === undefined || e.VpcId === vpcId),
    );
    if (withDns.length === 0) return;
    const services = uniq(withDns.map((e) => serviceShortName(e.ServiceName, region))).sort();
    const off = [support ? '' : 'enableDnsSupport', hostnames ? '' : 'enableDnsHostnames'].filter((x) => x);
    add(afterRequested, {
      severity: 'warning',
      code: 'VPC_DNS_DISABLED',
      subject: vpcId,
      message: `VPC ${vpcId} has ${off.join(' and ')} off, so private DNS of its interface endpoints (${services.join(', ')}) has no effect: ${support ? 'their default hostnames resolve to public addresses, reached only through a NAT gateway' : "the VPC's resolver does not answer, so the hostnames resolve only through custom DNS servers"}.`,
      fix: off
        .map((a) => vpcAttributeFix(vpcId, a === 'enableDnsSupport' ? 'support' : 'hostnames'))
        .join(' && '),
    });
  },
};
