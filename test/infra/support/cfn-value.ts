/**
 * A value of synthesized CloudFormation JSON: untyped by nature (intrinsic functions, nested
 * properties of every resource type). Every test asserts the fields it reads.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above; one definition for every infra test.
export type CfnValue = any;
