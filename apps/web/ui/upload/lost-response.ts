import { sessionStatus } from './upload-session';

export type AfterFailure = { stored: string } | { offset: number } | undefined;

/**
 * What a failed upload left behind, asked of its session: the registry may have stored the package although the
 * answer to the completion was lost (re-sending would register it twice), or it holds some bytes (the resume point).
 * Undefined when the registry cannot be asked either.
 */
export async function afterFailure(sessionId: string): Promise<AfterFailure> {
  try {
    const s = await sessionStatus(sessionId);
    if (s.state === 'completed' && s.artifact_id !== null) return { stored: s.artifact_id };
    return { offset: s.offset };
  } catch {
    return undefined;
  }
}
