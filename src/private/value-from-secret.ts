import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * A container secret whose `valueFrom` is passed to ECS exactly as the ecs-params file wrote it
 * (an SSM parameter name or ARN, or a Secrets Manager ARN, possibly with a JSON key suffix), and
 * whose read permission names exactly that parameter or secret.
 */
export class ValueFromSecret extends ecs.Secret {
  /** The IAM resource ARN for a valueFrom. */
  public static resourceArnsOf(stack: Stack, valueFrom: string, isSecretsManager: boolean): string[] {
    if (Token.isUnresolved(valueFrom)) return [valueFrom];
    if (!valueFrom.startsWith('arn:')) {
      // An SSM parameter name in the stack's account and region.
      return [stack.formatArn({
        service: 'ssm',
        resource: 'parameter',
        resourceName: valueFrom.replace(/^\//, ''),
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      })];
    }
    if (!isSecretsManager) return [valueFrom];
    // arn:aws:secretsmanager:region:account:secret:name[-suffix][:json-key:version-stage:version-id]
    const parts = valueFrom.split(':');
    const name = parts[6];
    const base = parts.slice(0, 6).join(':');
    // A complete secret ARN ends in "-" and six random characters; a partial one matches any suffix.
    // A name that itself ends like a suffix ("db-secret") may be either: grant both readings.
    return /-[A-Za-z0-9]{6}$/.test(name) ? [`${base}:${name}`, `${base}:${name}-??????`] : [`${base}:${name}-??????`];
  }

  public readonly arn: string;
  public readonly hasField?: boolean;
  private readonly resourceArns: string[];
  private readonly isSecretsManager: boolean;

  constructor(stack: Stack, valueFrom: string) {
    super();
    this.arn = valueFrom;
    this.isSecretsManager = valueFrom.startsWith('arn:') && valueFrom.split(':')[2] === 'secretsmanager';
    this.hasField = false;
    this.resourceArns = ValueFromSecret.resourceArnsOf(stack, valueFrom, this.isSecretsManager);
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: this.isSecretsManager ? ['secretsmanager:GetSecretValue'] : ['ssm:GetParameters'],
      resourceArns: this.resourceArns,
    });
  }
}

