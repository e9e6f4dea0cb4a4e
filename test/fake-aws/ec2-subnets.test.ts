import { DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fakeClock } from '../helpers.js';
import { clients } from './clients.js';
import { availabilityZoneId } from './ec2-resources.js';
import { type FakeAws, startFakeAws } from './fake-aws.js';
import { CHOOSE_IDS as C, choose, demo, DEMO_IDS as I } from './scenarios.js';

let fake: FakeAws;
beforeAll(async () => {
  const scenario = demo();
  const isolated = scenario.subnets?.find((s) => s.SubnetId === I.isolatedSubnet);
  // A scenario may give the ID itself (AWS maps names to IDs per account).
  if (isolated) isolated.AvailabilityZoneId = 'use1-az6';
  fake = await startFakeAws({ scenario });
});
afterAll(() => fake.close());

it.each([
  ['us-east-1a', 'use1-az1'],
  ['eu-west-1c', 'euw1-az3'],
  ['eu-central-1b', 'euc1-az2'],
  ['ap-southeast-2a', 'apse2-az1'],
  ['ap-northeast-1d', 'apne1-az4'],
  ['sa-east-1a', 'sae1-az1'],
  ['us-west-2b', 'usw2-az2'],
])('the AZ %s has the ID %s', (az, id) => {
  expect(availabilityZoneId(az)).toBe(id);
});

it('DescribeSubnets answers AvailabilityZoneId and filters on it', async () => {
  const { ec2 } = clients(fake.url);
  const all = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [I.privateSubnetB, I.isolatedSubnet] }));
  expect(all.Subnets?.map((s) => s.AvailabilityZoneId)).toEqual(['use1-az2', 'use1-az6']);
  const byId = await ec2.send(
    new DescribeSubnetsCommand({ Filters: [{ Name: 'availability-zone-id', Values: ['use1-az6'] }] }),
  );
  expect(byId.Subnets?.map((s) => s.SubnetId)).toEqual([I.isolatedSubnet]);
});

it("a subnet's free addresses go down by one per interface Lambda creates in it, and back when it deletes it", async () => {
  const clock = fakeClock();
  const scenario = choose();
  scenario.lambdaEniCleanupMs = 60_000;
  const own = await startFakeAws({ scenario, clock: clock.now });
  try {
    const { ec2, lambda } = clients(own.url);
    const free = async () =>
      (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [C.privateB, C.privateC] }))).Subnets?.map(
        (s) => s.AvailableIpAddressCount,
      );
    expect(await free()).toEqual([250, 12]);
    const attach = (SubnetIds: string[]) =>
      lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: C.newFn,
          VpcConfig: { SubnetIds, SecurityGroupIds: [C.sgLambdaEgress] },
        }),
      );
    await attach([C.privateC, C.privateB]);
    clock.advance(1_000);
    // private-b already has the (private-b, lambda-egress) interface: Lambda shares it.
    expect(await free()).toEqual([250, 11]);
    const byCount = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'available-ip-address-count', Values: ['11'] }] }),
    );
    expect(byCount.Subnets?.map((s) => s.SubnetId)).toEqual([C.privateC]);
    await attach([C.privateB]);
    clock.advance(61_000);
    expect(await free()).toEqual([250, 12]);
  } finally {
    await own.close();
  }
});
