import { type Check, ROUTING_READS } from '../check.js';
import { endpointAvailable, serviceShortName } from '../routes.js';

/**
 * The VPC's endpoints, and the ones that carry no traffic for the SDK: not available, or
 * interface endpoints with private DNS off (a warning when some subnet lacks internet access).
 */
export const endpoints: Check = {
  name: 'endpoints',
  reads: ROUTING_READS,
  run(ctx) {
    const { region, afterRequested, add } = ctx;
    const someNoInternet = ctx.subnets.some((x) => x.summary.internet.reachable !== 'yes');
    for (const e of ctx.endpoints) {
      const id = e.VpcEndpointId ?? '?';
      const svc = serviceShortName(e.ServiceName, region);
      if (!endpointAvailable(e)) {
        add(afterRequested, {
          severity: 'info',
          code: 'ENDPOINT_NOT_AVAILABLE',
          subject: id,
          message: `VPC endpoint ${id} (${svc}) is ${e.State ?? 'not available'}, so it carries no traffic.`,
        });
      } else if (e.VpcEndpointType === 'Interface' && !e.PrivateDnsEnabled) {
        add(afterRequested, {
          severity: someNoInternet ? 'warning' : 'info',
          code: 'ENDPOINT_PRIVATE_DNS_DISABLED',
          subject: id,
          message: `Interface endpoint ${id} (${svc}) has private DNS disabled: the default ${svc} hostname resolves to public addresses, so the SDK does not use this endpoint unless it is given the endpoint's own DNS name.`,
          fix: "Enable private DNS on the endpoint, or set the SDK client's endpoint to the endpoint's DNS name.",
        });
      }
    }
    ctx.endpointSummaries = ctx.endpoints.map((e) => ({
      id: e.VpcEndpointId ?? '?',
      service: serviceShortName(e.ServiceName, region),
      type: e.VpcEndpointType ?? 'unknown',
      state: e.State,
      privateDns: e.PrivateDnsEnabled,
      routeTableIds: [...(e.RouteTableIds ?? [])],
    }));
  },
};
