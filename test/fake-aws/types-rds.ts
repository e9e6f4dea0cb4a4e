// RDS resources a Scenario seeds (test/fake-aws/rds.ts answers them).
import type { Tags } from './types.js';

export interface DbSubnetGroupSpec {
  DBSubnetGroupName: string;
  VpcId: string;
  SubnetIds: string[];
  Description?: string;
}

export interface DbInstanceSpec {
  DBInstanceIdentifier: string;
  Engine?: string;
  /** Default: the engine's port (5432 postgres, 3306 mysql, ...). */
  Port?: number;
  DBInstanceStatus?: string;
  DBInstanceClass?: string;
  DBSubnetGroupName: string;
  VpcSecurityGroupIds: string[];
  PubliclyAccessible?: boolean;
  MultiAZ?: boolean;
  /** Default: the first subnet's AZ. */
  AvailabilityZone?: string;
  /** For an Aurora cluster member. */
  DBClusterIdentifier?: string;
  /** The middle label of the endpoint hostname (`ID.HASH.REGION.rds.amazonaws.com`); default c9akciq32b5x. */
  EndpointHash?: string;
  Tags?: Tags;
}

export interface DbClusterSpec {
  DBClusterIdentifier: string;
  Engine?: string;
  Port?: number;
  Status?: string;
  DBSubnetGroupName: string;
  VpcSecurityGroupIds: string[];
  /** Member instances (define them in dbInstances with DBClusterIdentifier); the first is the writer. */
  MemberIds?: string[];
  EndpointHash?: string;
  Tags?: Tags;
}
