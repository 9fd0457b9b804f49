/**
 * Live updates for the console (server-sent events). The stream carries change notices
 * only ({kind, hid}), never text: the page then re-reads what changed through the API,
 * where the guards decide what this user may see. A counsellor hears about the queue and
 * their own cases; a manager also hears case and presence changes, but not others' messages;
 * a supervisor also hears that a message arrived in any case (they may view it, audited).
 * Streams end after a few minutes and the browser reconnects, so a logged-out or expired
 * session stops receiving within that time. The heartbeat keeps the counsellor "online";
 * when the user's last stream closes, StreamPresence ends their presence after a grace period.
 */
import type { Request, Response } from 'express';
import type { Change, HandoffService } from '../handoff';
import { userOf } from './guard';
import type { StreamPresence } from './presence';

const HEARTBEAT_MS = 20_000;
const MAX_STREAM_MS = 5 * 60_000;

/** True when this user should be told about this change. */
export function visibleTo(c: Change, user: { username: string; role: string }): boolean {
  if (c.kind === 'queue' || c.kind === 'followup' || c.kind === 'presence') return true;
  if (c.counsellors.includes(user.username)) return true;
  // A supervisor may view any live case (read-only, audited): they hear of new messages (ids only).
  if (user.role === 'supervisor' && (c.kind === 'message' || c.kind === 'case')) return true;
  return user.role !== 'counsellor' && c.kind === 'case';
}

/** The handler of GET /console/api/events. */
export function sseHandler(handoff: HandoffService, presence?: StreamPresence) {
  return async (req: Request, res: Response): Promise<void> => {
    const user = userOf(req);
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-store');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write('retry: 3000\n\n');
    res.write(`event: hello\ndata: {}\n\n`);
    const beat = () => { void handoff.heartbeat(user.username, user.role).catch(() => undefined); };
    beat();
    presence?.opened(user.username);
    const unsubscribe = handoff.feed.subscribe((c) => {
      // `danger` rides only on queue notices (a flag: the console alerts louder); never text or names.
      const notice = c.kind === 'queue' ? { kind: c.kind, hid: c.hid, danger: !!c.danger } : { kind: c.kind, hid: c.hid };
      if (visibleTo(c, user)) res.write(`event: change\ndata: ${JSON.stringify(notice)}\n\n`);
    });
    const ping = setInterval(() => { res.write(': ping\n\n'); beat(); }, HEARTBEAT_MS);
    const end = setTimeout(() => res.end(), MAX_STREAM_MS);
    req.on('close', () => {
      unsubscribe();
      clearInterval(ping);
      clearTimeout(end);
      presence?.closed(user.username, user.role);
    });
  };
}
