import {
  type EC2Client,
  type Filter,
  type NetworkInterface,
  paginateDescribeNetworkInterfaces,
} from '@aws-sdk/client-ec2';
import { LAMBDA_ENI_DESCRIPTION, type NetworkInterfaceInfo } from '../core/enis.js';

export interface EniQuery {
  subnetIds?: readonly string[] | undefined;
  securityGroupIds?: readonly string[] | undefined;
  eniIds?: readonly string[] | undefined;
  vpcIds?: readonly string[] | undefined;
  /**
   * Only interfaces described as Lambda's. The description, not `interface-type lambda`: an
   * interface Lambda failed to delete may keep only its description, and those are the ones
   * people come looking for.
   */
  lambdaOnly: boolean;
  /** Descriptions to match (`*` wildcards), instead of every Lambda interface's. */
  descriptions?: readonly string[] | undefined;
  signal?: AbortSignal | undefined;
}

/** EC2's ceiling per page: the fewest calls for a busy VPC. */
const PAGE_SIZE = 1000;

/**
 * DescribeNetworkInterfaces, every page. IDs go in as a filter rather than
 * NetworkInterfaceIds, so an interface that is gone is simply absent instead of failing the
 * whole call with NotFound: polling for deletion depends on that.
 */
export async function describeNetworkInterfaces(
  ec2: EC2Client,
  q: EniQuery,
): Promise<NetworkInterfaceInfo[]> {
  const filters: Filter[] = [];
  const add = (name: string, values: readonly string[] | undefined) => {
    if (values && values.length > 0) filters.push({ Name: name, Values: [...new Set(values)] });
  };
  if (q.descriptions?.length) add('description', q.descriptions);
  else if (q.lambdaOnly) add('description', [`${LAMBDA_ENI_DESCRIPTION}*`]);
  add('subnet-id', q.subnetIds);
  add('group-id', q.securityGroupIds);
  add('network-interface-id', q.eniIds);
  add('vpc-id', q.vpcIds);
  const found: NetworkInterfaceInfo[] = [];
  const pages = paginateDescribeNetworkInterfaces(
    { client: ec2, pageSize: PAGE_SIZE },
    { Filters: filters },
    q.signal ? { abortSignal: q.signal } : {},
  );
  for await (const page of pages) found.push(...(page?.NetworkInterfaces ?? []).map(toInfo));
  return found;
}

function toInfo(n: NetworkInterface): NetworkInterfaceInfo {
  const attached = n.Attachment?.AttachTime;
  return {
    id: n.NetworkInterfaceId ?? '',
    subnetId: n.SubnetId ?? '',
    availabilityZone: n.AvailabilityZone ?? null,
    vpcId: n.VpcId ?? null,
    privateIp: n.PrivateIpAddress ?? null,
    status: n.Status ?? null,
    securityGroupIds: (n.Groups ?? []).flatMap((g) => (g.GroupId ? [g.GroupId] : [])),
    description: n.Description ?? '',
    interfaceType: n.InterfaceType ?? null,
    createdAt: attached ? new Date(attached).toISOString() : null,
  };
}
