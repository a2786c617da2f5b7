/**
 * What the compose file keeps outside the containers, made once per deployment however many tasks
 * use it: an EFS file system (with an access point) per named volume, and a Secrets Manager secret
 * per project secret. Only resources here.
 */
import { CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ownValue } from '../private/dict';
import { VolumeOwnerPlan } from '../private/plan/volume-owners';
import { slug } from '../private/plan/volumes';

export interface StorageInput {
  readonly vpc?: ec2.IVpc;
  /** Where the mount targets go: the task subnets. */
  readonly subnets?: ec2.SubnetSelection;
  /** The fileSystems prop: named volumes on existing file systems. */
  readonly fileSystems?: { [volume: string]: efs.IFileSystem };
  /** The secrets prop: project secrets stored in existing secrets. */
  readonly secrets?: { [name: string]: secretsmanager.ISecret };
  /** The project name, in secret descriptions. */
  readonly projectName: string;
  /** The owner and mode each volume's access point creates its folder with (the plan's decision). */
  readonly volumeOwners?: VolumeOwnerPlan[];
}

export interface VolumeFileSystem {
  readonly fileSystem: efs.IFileSystem;
  /** The access point the construct made (none for a given file system). */
  readonly accessPoint?: efs.IAccessPoint;
}

/** EFS file systems and generated secrets, made on first use. */
export class DeploymentStorage {
  private readonly fileSystems = new Map<string, VolumeFileSystem>();
  private readonly secrets = new Map<string, secretsmanager.ISecret>();

  constructor(private readonly scope: Construct, private readonly input: StorageInput) {}

  /** The file system of a named volume: given by the fileSystems prop, else made here (retained, encrypted, backed up). */
  public fileSystemFor(volume: string): VolumeFileSystem {
    let found = this.fileSystems.get(volume);
    if (found) return found;
    const given = ownValue(this.input.fileSystems, volume);
    if (given) {
      found = { fileSystem: given };
    } else {
      // The plan made sure there is a VPC (checkDeployment).
      const id = `${slug(volume)}Volume`;
      const fileSystem = new efs.FileSystem(this.scope, id, {
        vpc: this.input.vpc!,
        vpcSubnets: this.input.subnets,
        encrypted: true,
        enableAutomaticBackups: true,
        removalPolicy: RemovalPolicy.RETAIN,
        performanceMode: efs.PerformanceMode.GENERAL_PURPOSE,
        throughputMode: efs.ThroughputMode.ELASTIC,
      });
      // The folder is created for the user its containers run as (see planVolumeOwners), as Docker's
      // named volumes take the image's ownership; no user is forced on the files (no posixUser).
      const owner = this.input.volumeOwners?.find(o => o.volume === volume);
      const accessPoint = fileSystem.addAccessPoint(`${id}AccessPoint`, {
        path: `/${slug(volume)}`,
        createAcl: { ownerUid: String(owner?.uid ?? 0), ownerGid: String(owner?.gid ?? 0), permissions: owner?.permissions ?? '755' },
      });
      found = { fileSystem, accessPoint };
    }
    this.fileSystems.set(volume, found);
    return found;
  }

  /** The secret of a project secret (compose `file:`, `content:`, `environment:`): given, else made with a generated value. */
  public secretFor(name: string): secretsmanager.ISecret {
    let found = this.secrets.get(name) ?? ownValue(this.input.secrets, name);
    if (!found) {
      found = new secretsmanager.Secret(this.scope, `${slug(name)}Secret`, {
        description: `${this.input.projectName}: the compose secret ${name} (its local file is a development value and is not deployed)`,
        generateSecretString: { passwordLength: 32, excludePunctuation: true },
      });
    }
    this.secrets.set(name, found);
    return found;
  }

  /**
   * Let a service reach the file systems it mounts over NFS (only it, on port 2049), and create it
   * after their mount targets: a task started before a mount target exists fails with
   * `ResourceInitializationError: failed to resolve fs-....efs...`, and the circuit breaker may roll
   * the first deploy back. (A file system of another stack is deployed before this one anyway.)
   */
  public admit(service: ecs.FargateService, volumes: string[]): void {
    for (const v of volumes) {
      const { fileSystem } = this.fileSystemFor(v);
      fileSystem.connections.allowDefaultPortFrom(service, `NFS for the volume ${v}`);
      if (Stack.of(fileSystem) === Stack.of(service)) (service.node.defaultChild as CfnResource).node.addDependency(fileSystem.mountTargetsAvailable);
    }
  }
}
