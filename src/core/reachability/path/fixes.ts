/**
 * The fix for a failed hop, as the AWS CLI command that makes it pass. Only values the engine
 * knows go in; what the user must choose (a free subnet, an Elastic IP) is left as <…>.
 */

import { type Cidr, formatCidr } from './cidr.js';
import type { Protocol } from './types.js';

/** What a security-group rule names on the other side. */
export type RulePeer = { cidr: Cidr } | { groupId: string } | { prefixListId: string };

function ipPermissions(protocol: Protocol, port: number, peer: RulePeer): string {
  let where: string;
  if ('groupId' in peer) where = `UserIdGroupPairs=[{GroupId=${peer.groupId}}]`;
  else if ('prefixListId' in peer) where = `PrefixListIds=[{PrefixListId=${peer.prefixListId}}]`;
  else if (peer.cidr.family === 6) where = `Ipv6Ranges=[{CidrIpv6=${formatCidr(peer.cidr)}}]`;
  else where = `IpRanges=[{CidrIp=${formatCidr(peer.cidr)}}]`;
  return `'IpProtocol=${protocol},FromPort=${port},ToPort=${port},${where}'`;
}

/** authorize-security-group-egress takes only --ip-permissions (no --protocol/--port shorthand). */
export const egressFix = (groupId: string, protocol: Protocol, port: number, peer: RulePeer): string =>
  `aws ec2 authorize-security-group-egress --group-id ${groupId} --ip-permissions ${ipPermissions(protocol, port, peer)}`;

export function ingressFix(groupId: string, protocol: Protocol, port: number, peer: RulePeer): string {
  const base = `aws ec2 authorize-security-group-ingress --group-id ${groupId}`;
  if ('groupId' in peer)
    return `${base} --protocol ${protocol} --port ${port} --source-group ${peer.groupId}`;
  if ('cidr' in peer && peer.cidr.family === 4) {
    return `${base} --protocol ${protocol} --port ${port} --cidr ${formatCidr(peer.cidr)}`;
  }
  return `${base} --ip-permissions ${ipPermissions(protocol, port, peer)}`;
}

export function aclEntryFix(o: {
  aclId: string;
  outbound: boolean;
  ruleNumber: number;
  protocol: Protocol;
  ports: readonly [number, number];
  cidr: Cidr;
}): string {
  const family = o.cidr.family === 6 ? '--ipv6-cidr-block' : '--cidr-block';
  return [
    `aws ec2 create-network-acl-entry --network-acl-id ${o.aclId}`,
    o.outbound ? '--egress' : '--ingress',
    `--rule-number ${o.ruleNumber} --protocol ${o.protocol}`,
    `--port-range From=${o.ports[0]},To=${o.ports[1]}`,
    `${family} ${formatCidr(o.cidr)} --rule-action allow`,
  ].join(' ');
}

export const gatewayEndpointFix = (vpcId: string, serviceName: string, routeTableId: string) =>
  `aws ec2 create-vpc-endpoint --vpc-id ${vpcId} --vpc-endpoint-type Gateway --service-name ${serviceName} --route-table-ids ${routeTableId}`;

export const associateGatewayEndpointFix = (endpointId: string, routeTableId: string) =>
  `aws ec2 modify-vpc-endpoint --vpc-endpoint-id ${endpointId} --add-route-table-ids ${routeTableId}`;

export const interfaceEndpointFix = (vpcId: string, serviceName: string, subnetIds: readonly string[]) =>
  `aws ec2 create-vpc-endpoint --vpc-id ${vpcId} --vpc-endpoint-type Interface --service-name ${serviceName} --subnet-ids ${subnetIds.join(' ')} --security-group-ids <group admitting tcp 443 from the function> --private-dns-enabled`;

export function natRouteFix(
  routeTableId: string,
  destination: string,
  natId: string | undefined,
  replace: boolean,
) {
  const verb = replace ? 'replace-route' : 'create-route';
  const flag = destination.includes(':') ? '--destination-ipv6-cidr-block' : '--destination-cidr-block';
  const cmd = `aws ec2 ${verb} --route-table-id ${routeTableId} ${flag} ${destination} --nat-gateway-id ${natId ?? '<nat-…>'}`;
  return natId
    ? cmd
    : `create a public NAT gateway in a public subnet (aws ec2 create-nat-gateway --subnet-id <public subnet> --allocation-id <eipalloc-…>), then ${cmd}`;
}

export const vpcAttributeFix = (vpcId: string, attribute: 'support' | 'hostnames') =>
  `aws ec2 modify-vpc-attribute --vpc-id ${vpcId} --enable-dns-${attribute} '{"Value":true}'`;

export const resetEndpointPolicyFix = (endpointId: string) =>
  `aws ec2 modify-vpc-endpoint --vpc-endpoint-id ${endpointId} --reset-policy`;
