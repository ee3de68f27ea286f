export { startFakeHuggingFace } from './fake-huggingface';
export type { FakeHuggingFace, FakeHuggingFaceOptions } from './fake-huggingface';
export { startFakeGitHub } from './fake-github';
export type { FakeGitHub, FakeGitHubFailure, FakeGitHubOptions, FakeGitHubRepoSpec } from './fake-github';
export type { FakeGitHubApiRecording } from './fake-github-api';
export type { FakeFile, FakeRepo, FakeRepoSpec } from './fixture-loader';
export type { FakeFault, FakeServerHandle, RequestLogEntry } from './http-helpers';
export { generateContent, sha256Hex, gitBlobSha1 } from './generated-content';
export type { GeneratedFormat } from './generated-content';
