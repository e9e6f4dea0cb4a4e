import { DescribeNetworkInterfacesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  type FunctionConfiguration,
  LambdaClient,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeNetworkInterfaces } from '../../src/services/enis.js';
import { listAllFunctionVersions, listVersionsOf } from '../../src/services/function-versions.js';
import { ec2Mock, lambdaMock, resetAwsMocks, verifyAwsMocks } from '../aws-mocks.js';

beforeEach(resetAwsMocks);
afterEach(verifyAwsMocks);

const S1 = 'subnet-0a1b2c3d4e5f60011';
const SG = 'sg-0a1b2c3d4e5f60081';
const item = (FunctionName: string, Version: string, inVpc = true): FunctionConfiguration => ({
  FunctionName,
  Version,
  FunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${FunctionName}:${Version}`,
  ...(inVpc ? { VpcConfig: { SubnetIds: [S1], SecurityGroupIds: [SG], VpcId: 'vpc-1' } } : {}),
});

describe('listAllFunctionVersions', () => {
  it('asks for every version and follows NextMarker over several pages', async () => {
    const pages = [
      { Functions: [item('a', '$LATEST'), item('a', '1')], NextMarker: 'm1' },
      { Functions: [item('a', '2', false), item('b', '$LATEST', false)], NextMarker: 'm2' },
      { Functions: [item('c', '$LATEST'), item('c', '7')] },
    ];
    // Inputs are copied when sent: the SDK's paginator reuses one input object between pages.
    const calls: unknown[] = [];
    lambdaMock.on(ListFunctionsCommand).callsFake((input) => {
      calls.push({ ...input });
      return pages.shift();
    });
    const versions = await listAllFunctionVersions(new LambdaClient({ region: 'us-east-1' }));
    expect(versions.map((v) => `${v.functionName}:${v.version}`)).toEqual([
      'a:$LATEST',
      'a:1',
      'a:2',
      'b:$LATEST',
      'c:$LATEST',
      'c:7',
    ]);
    expect(versions[2]).toEqual({ functionName: 'a', version: '2', subnetIds: [], securityGroupIds: [] });
    expect(versions[5]).toEqual({
      functionName: 'c',
      version: '7',
      subnetIds: [S1],
      securityGroupIds: [SG],
      vpcId: 'vpc-1',
    });
    expect(calls).toEqual([
      { FunctionVersion: 'ALL' },
      { FunctionVersion: 'ALL', Marker: 'm1' },
      { FunctionVersion: 'ALL', Marker: 'm2' },
    ]);
    expect(lambdaMock.calls()).toHaveLength(3);
  });
});

describe('listVersionsOf', () => {
  it('lists one function’s versions, every page', async () => {
    const pages = [{ Versions: [item('a', '$LATEST')], NextMarker: 'x' }, { Versions: [item('a', '1')] }];
    const calls: unknown[] = [];
    lambdaMock.on(ListVersionsByFunctionCommand).callsFake((input) => {
      calls.push({ ...input });
      return pages.shift();
    });
    const versions = await listVersionsOf(new LambdaClient({ region: 'us-east-1' }), 'a');
    expect(versions.map((v) => v.version)).toEqual(['$LATEST', '1']);
    expect(calls).toEqual([{ FunctionName: 'a' }, { FunctionName: 'a', Marker: 'x' }]);
  });
});

describe('describeNetworkInterfaces', () => {
  const ec2 = () => new EC2Client({ region: 'us-east-1' });

  it("filters on Lambda's description and the subnets, pages with NextToken, and maps the fields", async () => {
    // The SDK's paginator reuses one input object for every page: keep a copy of each as sent.
    const sent: unknown[] = [];
    const pages = [
      {
        NetworkInterfaces: [
          {
            NetworkInterfaceId: 'eni-0a1b2c3d4e5f60101',
            SubnetId: S1,
            AvailabilityZone: 'us-east-1a',
            VpcId: 'vpc-1',
            PrivateIpAddress: '10.0.1.17',
            Status: 'in-use',
            Groups: [{ GroupId: SG, GroupName: 'lambda' }],
            Description: 'AWS Lambda VPC ENI-a-123',
            InterfaceType: 'lambda',
            Attachment: { AttachTime: new Date('2026-10-01T08:00:00Z') },
          },
        ],
        NextToken: 't1',
      },
      { NetworkInterfaces: [{ NetworkInterfaceId: 'eni-0a1b2c3d4e5f60102', SubnetId: S1 }] },
    ];
    ec2Mock.on(DescribeNetworkInterfacesCommand).callsFake((input) => {
      sent.push(structuredClone(input));
      return pages.shift();
    });
    const enis = await describeNetworkInterfaces(ec2(), { subnetIds: [S1, S1], lambdaOnly: true });
    expect(enis[0]).toEqual({
      id: 'eni-0a1b2c3d4e5f60101',
      subnetId: S1,
      availabilityZone: 'us-east-1a',
      vpcId: 'vpc-1',
      privateIp: '10.0.1.17',
      status: 'in-use',
      securityGroupIds: [SG],
      description: 'AWS Lambda VPC ENI-a-123',
      interfaceType: 'lambda',
      createdAt: '2026-10-01T08:00:00.000Z',
    });
    expect(enis[1]).toMatchObject({ id: 'eni-0a1b2c3d4e5f60102', createdAt: null, securityGroupIds: [] });
    const inputs = sent;
    expect(inputs).toHaveLength(2);
    expect(inputs[0]).toEqual({
      Filters: [
        { Name: 'description', Values: ['AWS Lambda VPC ENI*'] },
        { Name: 'subnet-id', Values: [S1] },
      ],
      MaxResults: 1000,
    });
    expect(inputs[1]).toMatchObject({ NextToken: 't1' });
  });

  it('asks by ID through a filter, so an interface already deleted is just absent', async () => {
    ec2Mock.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
    const enis = await describeNetworkInterfaces(ec2(), {
      eniIds: ['eni-0a1b2c3d4e5f60101'],
      securityGroupIds: [SG],
      lambdaOnly: false,
    });
    expect(enis).toEqual([]);
    expect(ec2Mock.commandCalls(DescribeNetworkInterfacesCommand)[0]?.args[0].input.Filters).toEqual([
      { Name: 'group-id', Values: [SG] },
      { Name: 'network-interface-id', Values: ['eni-0a1b2c3d4e5f60101'] },
    ]);
  });
});
