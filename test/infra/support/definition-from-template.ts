/**
 * Turns a synthesized `DefinitionString` (a string, or an Fn::Join of strings and references)
 * into the plain ASL document Step Functions would receive, with made-up but valid ARNs.
 */
export const fakeAccount = '123456789012';
export const fakeRegion = 'eu-west-1';

/** The ARN a `{ "Fn::GetAtt": [logicalId, "Arn"] }` of a Lambda function stands for here. */
export const fakeFunctionArn = (logicalId: string): string => `arn:aws:lambda:${fakeRegion}:${fakeAccount}:function:${logicalId}`;

const pseudoParameters: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': fakeRegion,
  'AWS::AccountId': fakeAccount,
  'AWS::URLSuffix': 'amazonaws.com',
};

function resolvePart(part: unknown): string {
  if (typeof part === 'string') return part;
  if (part && typeof part === 'object') {
    const ref = (part as { Ref?: unknown }).Ref;
    if (typeof ref === 'string' && ref in pseudoParameters) return pseudoParameters[ref]!;
    const getAtt = (part as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt[1] === 'Arn' && typeof getAtt[0] === 'string') return fakeFunctionArn(getAtt[0]);
  }
  throw new Error(`unexpected reference in the state machine definition: ${JSON.stringify(part)}`);
}

export function definitionFromTemplate(definitionString: unknown): Record<string, unknown> {
  if (typeof definitionString === 'string') return JSON.parse(definitionString) as Record<string, unknown>;
  const join = (definitionString as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  if (!join) throw new Error(`DefinitionString is neither a string nor an Fn::Join: ${JSON.stringify(definitionString)}`);
  const [separator, parts] = join;
  return JSON.parse(parts.map(resolvePart).join(separator)) as Record<string, unknown>;
}
