// One conversation's messages as this client holds them, converging on the server's log: every entry (a message,
// or an edit, delete or hide of an earlier one) has a gap-free seq, so the client knows up to which seq it holds
// everything (`contiguous`) and asks the server to `resume` from there when it sees a gap.

export class ConversationLog {
  constructor(conversationId) {
    this.conversationId = conversationId;
    this.messages = new Map(); // messageId -> message
    this.pending = new Map(); // clientMsgId -> own message not yet acknowledged (pending or failed)
    this.orphanChanges = new Map(); // messageId -> changes that arrived before their message
    this.contiguous = 0; // every seq up to this one is applied
    this.ahead = new Set(); // seqs applied above a gap
    this.oldestSeq = Infinity;
    this.hasMore = false;
    this.loaded = false;
  }

  /** A page of history (ascending entries) from REST. */
  applyPage(page, { newest }) {
    for (const entry of page.messages) {
      this.apply(entry);
      this.oldestSeq = Math.min(this.oldestSeq, entry.seq);
    }
    if (newest) {
      this.hasMore = page.hasMore;
      // Everything up to latestSeq is in this page or older ones; live entries above it may already be here.
      this.contiguous = Math.max(this.contiguous, page.latestSeq ?? 0);
      this.absorbAhead();
      this.loaded = true;
    }
    if (page.messages.length === 0 && newest) {
      this.oldestSeq = this.contiguous + 1;
    }
  }

  /** Applies one entry idempotently; answers whether it was new and whether a gap is now open. */
  apply(entry) {
    const isNew = this.markSeen(entry.seq);
    if (entry.kind === 'message' || entry.kind === undefined) {
      this.applyMessage(entry);
    } else {
      this.applyChange(entry);
    }
    return isNew;
  }

  applyMessage(entry) {
    const existing = this.messages.get(entry.messageId);
    const message = existing ? merge(existing, entry) : { ...entry, state: 'sent' };
    this.messages.set(entry.messageId, message);
    const pending = entry.clientMsgId && this.pending.get(entry.clientMsgId);
    if (pending) {
      clearTimeout(pending.timer);
      this.pending.delete(entry.clientMsgId);
    }
    for (const change of this.orphanChanges.get(entry.messageId) || []) {
      this.applyChange(change);
    }
    this.orphanChanges.delete(entry.messageId);
  }

  applyChange(change) {
    const target = this.messages.get(change.targetMessageId);
    if (!target) {
      const waiting = this.orphanChanges.get(change.targetMessageId) || [];
      waiting.push(change);
      this.orphanChanges.set(change.targetMessageId, waiting);
      return;
    }
    if ((target.lastChangeSeq ?? 0) >= change.seq) {
      return;
    }
    target.lastChangeSeq = change.seq;
    if (change.kind === 'edit') {
      target.text = change.text;
      target.editedAt = change.editedAt || new Date().toISOString();
    } else if (change.kind === 'delete') {
      target.deleted = true;
      target.text = '';
    } else if (change.kind === 'hide') {
      target.moderationState = 'hidden';
      target.text = '';
    }
  }

  /** True when seq was not applied before. */
  markSeen(seq) {
    if (!seq || seq <= this.contiguous || this.ahead.has(seq)) {
      return false;
    }
    if (this.loaded && seq === this.contiguous + 1) {
      this.contiguous = seq;
      this.absorbAhead();
    } else {
      this.ahead.add(seq);
    }
    return true;
  }

  absorbAhead() {
    while (this.ahead.has(this.contiguous + 1)) {
      this.ahead.delete(this.contiguous + 1);
      this.contiguous += 1;
    }
    for (const seq of this.ahead) {
      if (seq <= this.contiguous) {
        this.ahead.delete(seq);
      }
    }
  }

  get hasGap() {
    return this.loaded && this.ahead.size > 0;
  }

  get latestSeq() {
    return Math.max(this.contiguous, ...this.ahead);
  }

  /** Messages in log order, own unacknowledged ones last. */
  ordered() {
    const stored = [...this.messages.values()].sort((a, b) => a.seq - b.seq);
    return stored.concat([...this.pending.values()]);
  }
}

/** A later copy of a message (e.g. released from pre-moderation) never undoes a change already applied. */
function merge(existing, entry) {
  if (existing.deleted || existing.moderationState === 'hidden') {
    return existing;
  }
  const merged = { ...existing, ...entry, state: 'sent', lastChangeSeq: existing.lastChangeSeq };
  if (existing.editedAt && !entry.editedAt) {
    merged.text = existing.text;
    merged.editedAt = existing.editedAt;
  }
  return merged;
}

/** The log entry a live frame stands for (docs/websocket-protocol.md, "Server frames"). */
export function entryOf(frame) {
  switch (frame.type) {
    case 'message':
      return { ...frame.message, kind: 'message' };
    case 'message.edited':
      return { kind: 'edit', seq: frame.changeSeq, targetMessageId: frame.messageId, text: frame.text,
        editedAt: frame.editedAt };
    case 'message.deleted':
      return { kind: 'delete', seq: frame.changeSeq, targetMessageId: frame.messageId };
    case 'message.hidden':
      return { kind: 'hide', seq: frame.changeSeq, targetMessageId: frame.messageId };
    default:
      return null;
  }
}
