export { inferModelIdentity, type ModelIdentity } from './model-identity';
export { matchNamePolicy, nameForms, type NamePolicyDecision } from './name-policy';
export { namePolicyScanner } from './name-policy.scanner';
export { parseFrontMatter, type FrontMatter } from './front-matter';
