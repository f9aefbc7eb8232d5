import { Injectable } from '@nestjs/common';
import type { StoredReply } from '../care/replies.service';
import type { StoredMention } from '../mentions/mentions.service';
import type { TopicView } from '../topics/topics.service';
import type { WorkspaceView } from '../workspaces/workspaces.service';

export interface IngestedBatch {
  workspace: WorkspaceView;
  topic: TopicView;
  mentions: StoredMention[];
  replies: StoredReply[];
}

export type IngestedListener = (batch: IngestedBatch) => Promise<void>;

/**
 * Later stages (cases, alerts) register here and see each newly stored batch before the
 * collector's cursor moves. They run inside the collection, so their failure fails the run.
 */
@Injectable()
export class CollectionListeners {
  private readonly listeners: IngestedListener[] = [];

  register(listener: IngestedListener): void {
    this.listeners.push(listener);
  }

  async ingested(batch: IngestedBatch): Promise<void> {
    if (batch.mentions.length === 0 && batch.replies.length === 0) return;
    for (const l of this.listeners) await l(batch);
  }
}
