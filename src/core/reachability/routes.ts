import type {
  Ec2EgressOnlyInternetGateway,
  Ec2InternetGateway,
  Ec2Route,
  Ec2RouteTable,
  Ec2VpcEndpoint,
} from './types.js';

/** The id the route sends traffic to (nat-…, igw-…, vpce-…, tgw-…, pcx-…, eni-…). */
export function routeTarget(route: Ec2Route): string | undefined {
  return (
    route.NatGatewayId ??
    route.GatewayId ??
    route.EgressOnlyInternetGatewayId ??
    route.TransitGatewayId ??
    route.VpcPeeringConnectionId ??
    route.InstanceId ??
    route.NetworkInterfaceId ??
    route.LocalGatewayId ??
    route.CarrierGatewayId ??
    route.CoreNetworkArn
  );
}

export function routeDestination(route: Ec2Route): string {
  return route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock ?? route.DestinationPrefixListId ?? '?';
}

export function isBlackhole(route: Ec2Route): boolean {
  return route.State === 'blackhole';
}

export function defaultRoute(table: Ec2RouteTable | undefined): Ec2Route | undefined {
  return table?.Routes?.find((r) => r.DestinationCidrBlock === '0.0.0.0/0');
}

export function defaultIpv6Route(table: Ec2RouteTable | undefined): Ec2Route | undefined {
  return table?.Routes?.find((r) => r.DestinationIpv6CidrBlock === '::/0');
}

function associationLive(state: string | undefined): boolean {
  return state === undefined || state === 'associated' || state === 'associating';
}

/**
 * The route table a subnet uses: the one explicitly associated with it, else the main table
 * of its VPC (the one whose Associations include Main: true).
 */
export function effectiveRouteTable(
  subnetId: string | undefined,
  vpcId: string | undefined,
  tables: readonly Ec2RouteTable[],
): { table: Ec2RouteTable; isMain: boolean } | undefined {
  if (subnetId) {
    const explicit = tables.find((t) =>
      (t.Associations ?? []).some(
        (a) => a.SubnetId === subnetId && a.Main !== true && associationLive(a.AssociationState?.State),
      ),
    );
    if (explicit) return { table: explicit, isMain: false };
  }
  const main = tables.find(
    (t) => (vpcId === undefined || t.VpcId === vpcId) && (t.Associations ?? []).some((a) => a.Main === true),
  );
  return main ? { table: main, isMain: true } : undefined;
}

/** Whether a gateway counts as attached to the VPC (true when the gateways were not described). */
export function gatewayAttached(
  id: string,
  vpcId: string | undefined,
  list: readonly (Ec2InternetGateway | Ec2EgressOnlyInternetGateway)[] | undefined,
): boolean {
  if (!list) return true;
  const gw = list.find(
    (g) =>
      ((g as Ec2InternetGateway).InternetGatewayId ??
        (g as Ec2EgressOnlyInternetGateway).EgressOnlyInternetGatewayId) === id,
  );
  return (gw?.Attachments ?? []).some(
    (a) => (vpcId === undefined || a.VpcId === vpcId) && (a.State === 'available' || a.State === 'attached'),
  );
}

const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * Short service name of an endpoint service: 'com.amazonaws.eu-west-1.s3' → 's3',
 * 'com.amazonaws.eu-west-1.ecr.dkr' → 'ecr.dkr', 'com.amazonaws.vpce.eu-west-1.vpce-svc-…' → 'vpce-svc-…'.
 */
export function serviceShortName(serviceName: string | undefined, region?: string): string {
  if (!serviceName) return 'unknown';
  const parts = serviceName.split('.');
  const idx = parts.findIndex((p) => p === region || REGION_RE.test(p));
  if (idx < 0 || idx === parts.length - 1) return serviceName;
  return parts.slice(idx + 1).join('.');
}

export function endpointAvailable(ep: Ec2VpcEndpoint): boolean {
  return (ep.State ?? 'available').toLowerCase() === 'available';
}

/** Services reachable from a route table through gateway endpoints (prefix-list routes to vpce-…). */
export function gatewayServicesForTable(
  table: Ec2RouteTable | undefined,
  endpoints: readonly Ec2VpcEndpoint[],
  region: string,
): string[] {
  if (!table) return [];
  const out = new Set<string>();
  for (const r of table.Routes ?? []) {
    if (!r.DestinationPrefixListId || !r.GatewayId?.startsWith('vpce-') || isBlackhole(r)) continue;
    const ep = endpoints.find((e) => e.VpcEndpointId === r.GatewayId);
    if (ep && !endpointAvailable(ep)) continue;
    out.add(ep ? serviceShortName(ep.ServiceName, region) : r.GatewayId);
  }
  for (const ep of endpoints) {
    if (ep.VpcEndpointType !== 'Gateway' || !endpointAvailable(ep)) continue;
    if (table.RouteTableId && ep.RouteTableIds?.includes(table.RouteTableId)) {
      out.add(serviceShortName(ep.ServiceName, region));
    }
  }
  return [...out].sort();
}
