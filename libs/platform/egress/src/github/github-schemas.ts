import { z } from 'zod';

/*
 * The parts of GitHub REST answers the scoring evidence relies on, with the field names api.github.com sends.
 * Objects are loose (unknown fields pass through) and list items are checked one by one, so one odd entry is
 * dropped instead of failing a whole page; the fields we compute with are required and bounded.
 */

const login = z.string().min(1).max(100);
const count = z.number().int().nonnegative();
/** ISO-8601 timestamp as GitHub writes it (`2019-10-30T17:02:11Z`). */
const timestamp = z.string().min(10).max(40);

/** `user` of a pull request or review: null for deleted accounts (GitHub shows them as "ghost"). */
export const GitHubUserRefSchema = z.object({ login, id: z.number().optional(), type: z.string().max(40).optional() }).loose();
export type GitHubUserRef = z.infer<typeof GitHubUserRefSchema>;

/** One entry of `GET /repos/{o}/{r}/contributors`: commits on the default branch per account. */
export const GitHubContributorSchema = z
  .object({ login, id: z.number().optional(), type: z.string().max(40).optional(), contributions: count })
  .loose();
export type GitHubContributor = z.infer<typeof GitHubContributorSchema>;

const BranchRefSchema = z.object({ ref: z.string().min(1).max(255), sha: z.string().max(64).optional(), label: z.string().max(400).optional() }).loose();

/** One entry of `GET /repos/{o}/{r}/pulls` (the "simple" pull request: no line counts). */
export const GitHubPullSummarySchema = z
  .object({
    number: z.number().int().positive(),
    state: z.string().max(20),
    title: z.string().max(1024).optional(),
    user: GitHubUserRefSchema.nullable().optional(),
    created_at: timestamp.optional(),
    updated_at: timestamp.optional(),
    closed_at: timestamp.nullable().optional(),
    /** Null for a pull request closed without merging. */
    merged_at: timestamp.nullable().optional(),
    merge_commit_sha: z.string().max(64).nullable().optional(),
    base: BranchRefSchema.optional(),
    draft: z.boolean().optional(),
  })
  .loose();
export type GitHubPullSummary = z.infer<typeof GitHubPullSummarySchema>;

/** `GET /repos/{o}/{r}/pulls/{n}`: the summary plus the line counts only the single-PR endpoint reports. */
export const GitHubPullDetailSchema = GitHubPullSummarySchema.extend({
  additions: count,
  deletions: count,
  changed_files: count.optional(),
  commits: count.optional(),
  merged: z.boolean().optional(),
  merged_by: GitHubUserRefSchema.nullable().optional(),
}).loose();
export type GitHubPullDetail = z.infer<typeof GitHubPullDetailSchema>;

/** GitHub's review states; PENDING reviews are drafts only their author can see. */
export const GITHUB_REVIEW_STATES = ['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED', 'DISMISSED', 'PENDING'] as const;

/** One entry of `GET /repos/{o}/{r}/pulls/{n}/reviews`. */
export const GitHubReviewSchema = z
  .object({
    id: z.number(),
    user: GitHubUserRefSchema.nullable().optional(),
    // Kept as a string so a state GitHub adds later does not drop the review; callers compare to GITHUB_REVIEW_STATES.
    state: z.string().min(1).max(40),
    submitted_at: timestamp.nullable().optional(),
    author_association: z.string().max(40).optional(),
    commit_id: z.string().max(64).nullable().optional(),
  })
  .loose();
export type GitHubReview = z.infer<typeof GitHubReviewSchema>;

/** One week of `stats/contributors`: `w` = week start (Unix seconds, Sunday 00:00 UTC), additions, deletions, commits. */
export const GitHubWeekStatSchema = z.object({ w: z.number().int(), a: count, d: count, c: count }).loose();

/**
 * One entry of `GET /repos/{o}/{r}/stats/contributors`: an author's weekly additions/deletions/commits on the default
 * branch over the whole history (GitHub reports 0 additions and deletions for repositories of 10,000+ commits).
 */
export const GitHubContributorStatsSchema = z
  .object({
    total: count,
    author: GitHubUserRefSchema.nullable().optional(),
    // Twenty years of weeks; anything longer is not a GitHub answer.
    weeks: z.array(GitHubWeekStatSchema).max(1100),
  })
  .loose();
export type GitHubContributorStats = z.infer<typeof GitHubContributorStatsSchema>;

/** `license` of a repository or of its license file: GitHub's detection (`spdx_id` NOASSERTION = a license file it could not classify). */
export const GitHubLicenseRefSchema = z
  .object({
    key: z.string().max(100),
    name: z.string().max(300).optional(),
    spdx_id: z.string().max(100).nullable().optional(),
    url: z.string().max(500).nullable().optional(),
    node_id: z.string().max(100).optional(),
  })
  .loose();
export type GitHubLicenseRef = z.infer<typeof GitHubLicenseRefSchema>;

/**
 * `GET /repos/{o}/{r}/license`: the repository's license file (the one GitHub detected, at the root) with its
 * content, base64 with line breaks as GitHub sends it, and the license GitHub detected in it.
 */
export const GitHubLicenseFileSchema = z
  .object({
    name: z.string().max(255),
    path: z.string().max(1024),
    sha: z.string().max(64).optional(),
    size: count,
    content: z.string().optional(),
    encoding: z.string().max(20).optional(),
    license: GitHubLicenseRefSchema.nullable().optional(),
  })
  .loose();
export type GitHubLicenseFile = z.infer<typeof GitHubLicenseFileSchema>;
