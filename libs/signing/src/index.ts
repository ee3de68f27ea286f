export {
  buildOmsStatement,
  parseOmsStatement,
  rootDigest,
  IN_TOTO_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_TYPE,
  OMS_PREDICATE_TYPE,
  SIGSTORE_BUNDLE_MEDIA_TYPE,
} from './oms-statement';
export type { OmsResource, OmsStatement, SignedFile } from './oms-statement';
export { BundleError, pae, signStatement, verifyBundle } from './bundle';
export type { SigstoreBundle, VerifiedBundle } from './bundle';
export { checkAgainstStatement } from './manifest-check';
export { parseUploaderPublicKey, verifyUploaderBundle } from './uploader-signature';
export type { UploaderKeyAlgorithm, UploaderPublicKey } from './uploader-signature';
export type { ManifestProblem } from './manifest-check';
export { generateSigningKeyPem, keyIdOf, publicKeyFromPem, publicKeyPem, signingKeyFromPem } from './signing-key';
export type { SigningKey } from './signing-key';
export { BUNDLE_FILE_NAME, downloadExtrasFor, reserveName } from './download-names';
export { runVerify, verifyFiles } from './cli/verify-command';
export type { VerifyResult } from './cli/verify-command';
