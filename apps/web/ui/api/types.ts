/** Shapes of the REST API as the two OpenAPI documents define them (only the fields the pages read). */
export type ArtifactType = 'model' | 'dataset' | 'code';
export const ARTIFACT_TYPES: readonly ArtifactType[] = ['model', 'dataset', 'code'];

export interface ArtifactMetadata {
  name: string;
  id: string;
  type: ArtifactType;
}
export interface Artifact {
  metadata: ArtifactMetadata;
  data: { url: string; download_url?: string };
}
export type ScanState = 'pending' | 'clean' | 'flagged' | 'blocked';
export interface ArtifactVersion {
  version: string;
  version_key: string;
  version_label: string | null;
  url: string;
  source?: string | null;
  ingest_state: 'ingesting' | 'stored' | 'failed';
  scan_state: ScanState;
  scan_reason?: string | null;
  override_by?: string | null;
  rating_state?: 'pending' | 'passed' | 'rejected' | null;
  rating_reason?: string | null;
  total_bytes: number;
  file_count: number;
  created_at: string;
}
export interface SizeScore {
  raspberry_pi: number;
  jetson_nano: number;
  desktop_pc: number;
  aws_server: number;
}
/** ModelRating: every metric has a `<metric>_latency` sibling (seconds). */
export type ModelRating = { name: string; category: string; size_score: SizeScore } & Record<string, number | string | SizeScore>;

export interface ScanFinding {
  rule?: string;
  severity: string;
  message: string;
  remediation?: string;
  [key: string]: unknown;
}
export interface ScanFileReport {
  path: string;
  verdict: string;
  size?: number;
  sha256?: string;
  findings: ScanFinding[];
}
export interface ScanReport {
  verdict: string;
  version?: string;
  files: ScanFileReport[];
  [key: string]: unknown;
}
export interface LineageNode {
  artifact_id: string;
  artifact_type: ArtifactType;
  name: string;
  source: string;
  version: string;
}
export interface LineageEdge {
  from_node_artifact_id: string;
  to_node_artifact_id: string;
  relationship: string;
}
export interface LineageGraph {
  artifact_id: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
  pending: Array<{ upstream_id: string; to_node_artifact_id: string; relationship: string }>;
  problems: Array<{ source: string; message: string }>;
  truncated: boolean;
}
export type ArtifactCost = Record<string, { standalone_cost?: number; total_cost: number }>;
export interface AuditEntry {
  user: { name: string; is_admin: boolean };
  date: string;
  artifact: ArtifactMetadata;
  action: string;
}
export interface User {
  name: string;
  is_admin: boolean;
  permissions: string[];
  created_at: string;
}
export interface TokenInfo {
  id: string;
  issued_at: string;
  expires_at: string;
  uses: number;
  max_uses: number;
  revoked: boolean;
}
/** Release aliases (extension spec "release aliases"). */
export interface ReleaseAliasMove {
  kind: 'promotion' | 'rollback';
  from_version: string | null;
  to_version: string;
  actor: string;
  request_id: string | null;
  approvers: string[];
  rolled_back: boolean;
  at: string;
}
export interface ReleaseAlias {
  alias: string;
  version: string | null;
  revision: number;
  updated_at: string;
  updated_by: string | null;
  history?: ReleaseAliasMove[];
}
export interface ReleaseRequest {
  id: string;
  alias: string;
  version: string;
  requested_by: string;
  state: string;
  approvals: Array<{ approver: string; at: string }>;
  approvals_required: number;
  note: string | null;
  expires_at: string;
}
