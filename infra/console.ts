import { type CfnElement, DockerImage, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from "aws-cdk-lib/aws-s3";
import { BucketDeployment, Source } from "aws-cdk-lib/aws-s3-deployment";
import { Construct } from "constructs";
import { buildConsoleSync } from "../console/build";
import { REPO_ROOT } from "./bundling";

export interface ConsoleSiteProps {
  city: string;
  /** The workbench API's URL (a token until deployment): written into config.json. */
  apiUrl: string;
}

/**
 * The console's build in a private bucket (workbench.md § Infrastructure). Not a website: in aws-cn an S3
 * website or any public endpoint needs an ICP licence, so nothing here is public. The bureau's intranet web
 * server (or a staff machine) syncs the bucket with its own IAM role and serves the files inside the
 * bureau's network; `config.json` beside them names the API, region and partition the console signs for.
 */
export class ConsoleSite extends Construct {
  readonly bucket: Bucket;
  readonly deployment: BucketDeployment;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.bucket = new Bucket(this, "Bucket", {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.deployment = new BucketDeployment(this, "Deployment", {
      destinationBucket: this.bucket,
      sources: [
        consoleBuild(),
        Source.jsonData("config.json", {
          city: props.city,
          apiUrl: props.apiUrl,
          region: stack.region,
          partition: stack.partition,
        }),
      ],
      // The bucket is exactly the current build: a file a newer build dropped is removed (versioning keeps it).
      prune: true,
      memoryLimit: 256,
    });
    acknowledge(this.bucket, stack);
  }
}

/** The console built by esbuild at synthesis (no Docker: the same build `npm start -- --serve` serves). */
function consoleBuild() {
  return Source.asset(`${REPO_ROOT}console`, {
    bundling: {
      // Never pulled: local bundling always succeeds, and CDK requires an image to be named.
      image: DockerImage.fromRegistry("scratch"),
      local: {
        tryBundle(outputDir: string) {
          buildConsoleSync(outputDir);
          return true;
        },
      },
    },
  });
}

/** cdk-nag AwsSolutions findings that are decisions about this bucket and CDK's deployment function. */
function acknowledge(bucket: Bucket, stack: Stack): void {
  Validations.of(bucket).acknowledge({
    id: "AwsSolutions-S1",
    reason:
      "The bucket holds only the console's static build (no data, no secrets; the API is what guards money), written by the deployment and read by the bureau's sync role; object-level access is CloudTrail's to record if the bureau wants it.",
  });
  const handler = stack.node.children.find((c) => c.node.id.startsWith("Custom::CDKBucketDeployment"));
  if (!handler) throw new Error("BucketDeployment made no handler function");
  Validations.of(handler).acknowledge({
    id: "AwsSolutions-L1",
    reason:
      "CDK's own BucketDeployment handler: its runtime is chosen and upgraded by aws-cdk-lib, not by this project.",
  });
  Validations.of(handler).acknowledge({
    id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
    reason:
      "CDK's BucketDeployment handler role uses AWSLambdaBasicExecutionRole for its own logs; it runs only at deployment time.",
  });
  const bucketArn = `<${stack.getLogicalId(bucket.node.defaultChild as CfnElement)}.Arn>/*`;
  const assets = "arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*";
  const wildcards = ["s3:Abort*", "s3:DeleteObject*", "s3:GetBucket*", "s3:GetObject*", "s3:List*"];
  for (const id of [
    ...wildcards.map((a) => `Action::${a}`),
    `Resource::${bucketArn}`,
    `Resource::${assets}`,
  ]) {
    Validations.of(handler).acknowledge({
      id: `AwsSolutions-IAM5[${id}]`,
      reason:
        "CDK's BucketDeployment copies every object of its asset (CDK's bootstrap bucket) into this one bucket and prunes the rest: object wildcards are what a sync of a whole directory needs, at deployment time only.",
    });
  }
}
