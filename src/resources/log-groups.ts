/**
 * A log group the compose file names (`awslogs-group: tutorial`), made as ecs-cli's
 * `--create-log-groups` made it: created when it is missing, used as it is when it exists, and kept
 * when the stack is deleted. Only resources here.
 */
import { ArnFormat, CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/** The id of the Lambda function that AwsCustomResource shares in a stack (aws-cdk-lib's own). */
const PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

export interface NamedLogGroupProps {
  /** The name; the group is in the stack's region (where the plan sends the containers' logs). */
  readonly logGroupName: string;
  /** Set on the group when it is made or found; INFINITE leaves the group's retention as it is. */
  readonly retention: logs.RetentionDays;
}

/**
 * A CloudWatch Logs group with a fixed name that deploys, is destroyed, and deploys again, and
 * deploys into an account that has the group already. An `AWS::Logs::LogGroup` with that name cannot:
 * retained on delete, the next create fails with "already exists"; deleted, the logs go. So a custom
 * resource (the custom-resources module's AwsCustomResource: an SDK call from a Lambda function of
 * aws-cdk-lib, no Docker) calls CreateLogGroup and takes ResourceAlreadyExistsException as done, then
 * PutRetentionPolicy; it does nothing on delete, so the group and its logs stay. Its role may do
 * exactly those two actions on this group.
 */
export class NamedLogGroup extends Construct {
  /** The group, for the containers' log configuration and grants. */
  public readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: NamedLogGroupProps) {
    super(scope, id);
    const { logGroupName } = props;
    const stack = Stack.of(this);
    const arn = (resourceName: string) => stack.formatArn({ service: 'logs', resource: 'log-group', resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const resources = [arn(logGroupName), arn(`${logGroupName}:*`)];
    const call = (action: string, parameters: Record<string, unknown>, ignoreErrorCodesMatching?: string): cr.AwsSdkCall => ({
      service: 'CloudWatchLogs',
      action,
      parameters,
      // The name is the resource: a new name is a new group (the old one stays, as on delete).
      physicalResourceId: cr.PhysicalResourceId.of(logGroupName),
      ignoreErrorCodesMatching,
    });
    const create = new cr.AwsCustomResource(this, 'Create', {
      resourceType: 'Custom::LogGroup',
      onCreate: call('CreateLogGroup', { logGroupName }, 'ResourceAlreadyExistsException'),
      onUpdate: call('CreateLogGroup', { logGroupName }, 'ResourceAlreadyExistsException'),
      policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({ actions: ['logs:CreateLogGroup'], resources })]),
      installLatestAwsSdk: false,
    });
    if (props.retention !== logs.RetentionDays.INFINITE) {
      const retention = new cr.AwsCustomResource(this, 'Retention', {
        resourceType: 'Custom::LogGroupRetention',
        onCreate: call('PutRetentionPolicy', { logGroupName, retentionInDays: props.retention }),
        onUpdate: call('PutRetentionPolicy', { logGroupName, retentionInDays: props.retention }),
        policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({ actions: ['logs:PutRetentionPolicy'], resources })]),
        installLatestAwsSdk: false,
      });
      retention.node.addDependency(create);
    }
    // The provider function aws-cdk-lib shares in the stack depends on its role twice (a DependsOn and the
    // GetAtt of its Role): the validator's W3005. The GetAtt orders them; the DependsOn goes.
    const provider = stack.node.tryFindChild(PROVIDER_ID)?.node.defaultChild;
    if (provider instanceof CfnResource) provider.addDeletionOverride('DependsOn');
    this.logGroup = logs.LogGroup.fromLogGroupName(this, 'Group', logGroupName);
  }
}
