import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';

export interface CaseEvent {
  type: 'case.breached' | 'case.abandoned' | 'case.opened';
  workspaceId: string;
  caseId: string;
  at: Date;
}

/** What happens to cases as it happens: opened when placed, breached or abandoned by the rules or the scan. */
@Injectable()
export class CaseEvents extends Subject<CaseEvent> {}
