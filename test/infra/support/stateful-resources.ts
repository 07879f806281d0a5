/**
 * The resources a deployed stack holds state in, and the properties whose change makes
 * CloudFormation REPLACE them (a new table, a new key, a new log group: the old one's data left
 * behind or deleted). A template that keeps every logical ID and these properties updates them in place.
 */
const replacingProperties: Record<string, readonly string[]> = {
  'AWS::DynamoDB::Table': ['TableName', 'KeySchema', 'LocalSecondaryIndexes', 'ImportSourceSpecification'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::KMS::Key': ['KeySpec', 'KeyUsage', 'MultiRegion'],
  'AWS::SQS::Queue': ['QueueName', 'FifoQueue'],
  'AWS::SNS::Topic': ['TopicName', 'FifoTopic'],
};

/** A global secondary index is rebuilt (its data re-indexed, unavailable meanwhile) when its name, keys or projection change. */
const indexIdentity = (index: Record<string, unknown>) => ({ IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection });

export type StatefulSnapshot = Record<string, { Type: string; DeletionPolicy?: string } & Record<string, unknown>>;

interface TemplateJson {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string }>;
}

/** For each stateful resource: its type, deletion policy, replacement-causing properties and (tables) index identities. */
export function statefulSnapshot(template: TemplateJson): StatefulSnapshot {
  const snapshot: StatefulSnapshot = {};
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const properties = replacingProperties[resource.Type];
    if (!properties) continue;
    const entry: StatefulSnapshot[string] = { Type: resource.Type, DeletionPolicy: resource.DeletionPolicy };
    for (const name of properties) if (resource.Properties?.[name] !== undefined) entry[name] = resource.Properties[name];
    if (resource.Type === 'AWS::DynamoDB::Table') {
      entry.GlobalSecondaryIndexes = ((resource.Properties?.GlobalSecondaryIndexes ?? []) as Array<Record<string, unknown>>).map(indexIdentity);
    }
    snapshot[logicalId] = entry;
  }
  return snapshot;
}
