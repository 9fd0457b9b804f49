/** Engine replies → channel-neutral Outbound (the adapters render them to wire formats). */
import type { Outbound } from '../channels/types';
import type { Reply } from '../engine';

/** A reply as an Outbound; system additions (deletion) ride along. */
export function toOutbound(reply: Reply & { deleteMessageIds?: string[] }): Outbound {
  const out: Outbound = { text: reply.text };
  if (reply.options?.length) out.options = reply.options.map((o) => ({ label: o.label, payload: o.payload }));
  if (reply.deleteMessageIds?.length) out.deleteMessageIds = reply.deleteMessageIds;
  if (reply.exit) out.endsSession = true;
  if (reply.forget) out.forget = true;
  return out;
}
