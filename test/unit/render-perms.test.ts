import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { buildReport, type PermissionsReport } from '../../src/core/permission-report.js';
import {
  type ActionCheck,
  type CallerReport,
  LAMBDA_ASSUME_ROLE,
  type PrincipalReport,
  type TrustFix,
} from '../../src/core/permissions.js';
import { EXECUTION_ROLE_ACTIONS, type PolicyDocument } from '../../src/core/policy-eval.js';
import { renderPermissionsReport } from '../../src/output/render-perms.js';
import { assertValidDocument } from '../json-schema.js';

const plain = new Chalk({ level: 0 });
const ROLE = 'arn:aws:iam::123456789012:role/app-role';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:my-fn';

const roleCheck = (action: string, over: Partial<ActionCheck> = {}): ActionCheck => ({
  action,
  required: EXECUTION_ROLE_ACTIONS.find((a) => a.action === action)?.required ?? 'hard',
  decision: 'allowed',
  method: 'policies',
  decidedBy: 'AWSLambdaVPCAccessExecutionRole (AWSLambdaVPCAccessExecutionPermissions)',
  detail: null,
  ...over,
});
const ec2Checks = (over: Record<string, Partial<ActionCheck>> = {}) =>
  EXECUTION_ROLE_ACTIONS.map(({ action }) => roleCheck(action, over[action]));

const allowedCaller: CallerReport = {
  arn: 'arn:aws:iam::123456789012:user/dev',
  kind: 'user',
  simulatedAs: 'arn:aws:iam::123456789012:user/dev',
  checks: ['ec2:DescribeSecurityGroups', 'lambda:UpdateFunctionConfiguration'].map((action) => ({
    action,
    required: 'hard',
    decision: 'allowed',
    method: 'simulator',
    decidedBy: null,
    detail: null,
  })),
  notes: [],
};

// A role only EC2 may assume: what the execution role of a function copied from an instance
// profile looks like. PolicyDocument does not name Principal, which trust policies have.
const ec2Trust = { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' };
const lambdaTrust = { ...ec2Trust, Principal: { Service: 'lambda.amazonaws.com' } };
const TRUST_FIX: TrustFix = {
  roleName: 'app-role',
  document: { Version: '2012-10-17', Statement: [ec2Trust, lambdaTrust] } as PolicyDocument,
  command: `aws iam update-assume-role-policy --role-name app-role --policy-document '{"Version":"2012-10-17","Statement":[…]}'`,
};
const untrustingRole: PrincipalReport = {
  arn: ROLE,
  checks: [
    roleCheck(LAMBDA_ASSUME_ROLE, {
      decision: 'implicitDeny',
      decidedBy: 'trust policy',
      detail: 'the trust policy lets only ec2.amazonaws.com assume the role',
    }),
    ...ec2Checks(),
  ],
  notes: [],
  trustFix: TRUST_FIX,
};

const report = (
  role: PrincipalReport | null,
  caller: CallerReport | null = allowedCaller,
  skipped?: string,
) =>
  buildReport({
    function: 'my-fn',
    functionArn: FUNCTION_ARN,
    role,
    caller,
    context: null,
    skippedReason: skipped,
  });
const render = (r: PermissionsReport) => renderPermissionsReport(r, plain, 'lambda-vpc');

/** The check-perms document around a report, as the CLI prints it, checked against the schema. */
function expectValidDocument(r: PermissionsReport) {
  const exitCode = { allowed: 0, denied: 4, undetermined: 9 }[r.verdict];
  const code = { allowed: null, denied: 'AccessDenied', undetermined: 'Undetermined' }[r.verdict];
  const doc = {
    schemaVersion: 2,
    command: 'check-perms',
    exitCode,
    results: [],
    error: code ? { code, exitCode, message: r.reason, hint: null } : null,
    permissions: JSON.parse(JSON.stringify(r)),
    remainingEnis: null,
  };
  expect(() => assertValidDocument(doc)).not.toThrow();
}

describe('the trust finding', () => {
  const r = report(untrustingRole);

  it('is a denial with its own fix, and no managed-policy attach when every EC2 action is allowed', () => {
    expect(r.verdict).toBe('denied');
    expect(r.executionRole.fix).toBeNull();
    expect(r.executionRole.trustFix).toEqual(TRUST_FIX);
    expect(r.reason).toBe(
      'Denied: the execution role lacks sts:AssumeRole (its trust policy does not let Lambda assume it).',
    );
    expectValidDocument(r);
  });

  it('prints the row, the trust policy to apply and its command, and says --fix does not apply it', () => {
    const text = render(r);
    expect(text).toMatch(/sts:AssumeRole\s+implicitly denied\s+policies\s+trust policy \[1\]/);
    expect(text).toContain('[1] the trust policy lets only ec2.amazonaws.com assume the role');
    expect(text).toContain("Fix for the execution role's trust policy:");
    expect(text).toContain('Lambda cannot use the role app-role');
    // The statement it had is kept, beside the one for Lambda.
    expect(text).toContain('"Service": "ec2.amazonaws.com"');
    expect(text).toContain('"Service": "lambda.amazonaws.com"');
    expect(text).toContain(`    ${TRUST_FIX.command}`);
    expect(text).toContain('--fix does not change trust policies');
    expect(text).not.toContain('Fix for the execution role:');
    expect(text).not.toContain('attach-role-policy');
  });

  it('comes with the managed-policy attach too when an EC2 action is denied as well', () => {
    const both = report({
      ...untrustingRole,
      checks: [
        untrustingRole.checks[0] as ActionCheck,
        ...ec2Checks({ 'ec2:CreateNetworkInterface': { decision: 'implicitDeny', decidedBy: null } }),
      ],
    });
    expect(both.executionRole.fix).toMatchObject({ roleName: 'app-role', attachHelps: true });
    const text = render(both);
    expect(text).toContain('Fix for the execution role:');
    expect(text).toContain("Fix for the execution role's trust policy:");
    expectValidDocument(both);
  });
});

describe('labels', () => {
  it('shows an explicit Deny in a permissions boundary as an explicit deny, with the statement', () => {
    const r = report({
      arn: ROLE,
      checks: ec2Checks({
        'ec2:CreateNetworkInterface': {
          decision: 'explicitDeny',
          decidedBy: 'permissions boundary (DenyEni)',
        },
      }),
      notes: [],
    });
    const text = render(r);
    expect(text).toMatch(
      /ec2:CreateNetworkInterface\s+explicitly denied\s+policies\s+permissions boundary \(DenyEni\)/,
    );
    expect(r.executionRole.fix).toMatchObject({
      attachHelps: false,
      outrankedBy: ['permissions boundary (DenyEni)'],
    });
    expect(text).toContain(
      'Adding permissions to app-role will not help: permissions boundary (DenyEni) denies what is missing,',
    );
    expectValidDocument(r);
  });

  it("prints a conditional answer's detail as the evaluator gave it, and dependsOn in JSON", () => {
    const detail = 'a Deny applies when aws:SourceVpc is not vpc-0a1b2c3d4e5f60001';
    const r = report({
      arn: ROLE,
      checks: ec2Checks({
        'ec2:DeleteNetworkInterface': {
          decision: 'conditional',
          decidedBy: 'deny-outside-vpc (DenyOutsideVpc)',
          detail,
          dependsOn: ['aws:SourceVpc'],
        },
      }),
      notes: [],
    });
    const text = render(r);
    expect(text).toMatch(
      /ec2:DeleteNetworkInterface\s+conditional\s+policies\s+deny-outside-vpc \(DenyOutsideVpc\) \[1\]/,
    );
    expect(text).toContain(`[1] ${detail}`);
    expect(text).not.toContain('only under a Condition');
    expect(r.executionRole.checks.map((c) => c.dependsOn)).toEqual([[], [], ['aws:SourceVpc'], [], [], []]);
    // Nothing was found denied: no fix is offered for what could not be determined.
    expect(r.executionRole.fix).toBeNull();
    expect(text).not.toContain('Fix for');
    expectValidDocument(r);
  });
});

describe('one principal only', () => {
  it("--role-only: the caller section is there, not checked, and the verdict is the role's", () => {
    const r = report({ arn: ROLE, checks: ec2Checks(), notes: [] }, null, '--role-only');
    expect(r.verdict).toBe('allowed');
    expect(r.reason).toBe(
      'Everything required of the execution role is allowed (the caller was not checked).',
    );
    expect(r.caller).toEqual({
      checked: false,
      skippedReason: '--role-only',
      arn: null,
      kind: null,
      simulatedAs: null,
      checks: [],
      notes: [],
      verdict: null,
      fix: null,
    });
    expect(r.executionRole).toMatchObject({ checked: true, skippedReason: null, verdict: 'allowed' });
    expect(render(r)).toContain('Caller:\n  not checked (--role-only)');
    expectValidDocument(r);
  });

  it("--caller-only: the role's section is there, not checked, and a caller denial decides", () => {
    const denied: CallerReport = {
      ...allowedCaller,
      checks: [{ ...(allowedCaller.checks[1] as ActionCheck), decision: 'implicitDeny' }],
    };
    const r = report(null, denied, '--caller-only');
    expect(r.verdict).toBe('denied');
    expect(r.reason).toBe('Denied: the caller lacks lambda:UpdateFunctionConfiguration.');
    expect(r.executionRole).toEqual({
      checked: false,
      skippedReason: '--caller-only',
      arn: null,
      checks: [],
      notes: [],
      verdict: null,
      fix: null,
      trustFix: null,
    });
    const text = render(r);
    expect(text).toContain('Execution role of my-fn:\n  not checked (--caller-only)');
    expect(text).toContain('Fix for the caller:');
    expectValidDocument(r);
  });
});
