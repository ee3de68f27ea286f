import type { ReleaseAliasEntity, ReleaseAliasHistoryEntity, ReleaseRequestEntity } from './release.entities';

export interface AliasHistoryView {
  kind: 'promotion' | 'rollback';
  from_version: string | null;
  to_version: string;
  actor: string;
  request_id: string | null;
  approvers: string[];
  rolled_back: boolean;
  at: string;
}

export interface AliasView {
  alias: string;
  version: string | null;
  revision: number;
  updated_at: string;
  updated_by: string | null;
  history: AliasHistoryView[];
}

export interface ReleaseRequestView {
  id: string;
  artifact_id: string;
  alias: string;
  version: string;
  requested_by: string;
  state: string;
  approvals: Array<{ approver: string; at: string }>;
  approvals_required: number;
  note: string | null;
  created_at: string;
  expires_at: string;
  decided_at: string | null;
  decided_by: string | null;
  decision_reason: string | null;
}

export function historyView(h: ReleaseAliasHistoryEntity): AliasHistoryView {
  return {
    kind: h.kind,
    from_version: h.fromVersion,
    to_version: h.toVersion,
    actor: h.actor,
    request_id: h.requestId,
    approvers: h.approvers,
    rolled_back: h.rolledBack,
    at: h.at.toISOString(),
  };
}

export function aliasView(a: ReleaseAliasEntity, history: ReleaseAliasHistoryEntity[]): AliasView {
  return { alias: a.alias, version: a.version, revision: a.revision, updated_at: a.updatedAt.toISOString(), updated_by: a.updatedBy, history: history.map(historyView) };
}

export function requestView(r: ReleaseRequestEntity, approvals: Array<{ approver: string; at: Date }>, required: number): ReleaseRequestView {
  return {
    id: r.id,
    artifact_id: r.artifactId,
    alias: r.alias,
    version: r.version,
    requested_by: r.requestedBy,
    state: r.state,
    approvals: approvals.map((a) => ({ approver: a.approver, at: a.at.toISOString() })),
    approvals_required: required,
    note: r.note,
    created_at: r.createdAt.toISOString(),
    expires_at: r.expiresAt.toISOString(),
    decided_at: r.decidedAt?.toISOString() ?? null,
    decided_by: r.decidedBy,
    decision_reason: r.decisionReason,
  };
}
