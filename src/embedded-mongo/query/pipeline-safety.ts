import type { Document } from 'bson';
import { isDocumentValue } from './index-key';

/**
 * Stored documents are shared, never copied, between the store and its readers (see
 * CollectionStore). mingo writes into its input objects in a few places; these checks find the
 * stages and projections that would, so only they pay for copies.
 */

/**
 * mingo builds projected documents by copying the top level of the input and then writing into
 * it; with a nested exclusion (`'author.email': 0`, `{ author: { email: 0 } }`) or a nested
 * operator (`'a.b': { $slice: 2 }`) it writes into the objects it shares with the stored
 * document. Those projections need a private copy of each document.
 */
export function projectionNeedsCopy(projection: Document | undefined): boolean {
  if (!projection) return false;
  return Object.keys(projection).some((k) => {
    const v = projection[k];
    return isDocumentValue(v) || (k.includes('.') && v !== 1 && v !== true);
  });
}

/** Stages that only read their input documents (mingo builds new objects for what they output). */
const READ_ONLY_STAGES = new Set([
  '$match',
  '$sort',
  '$limit',
  '$skip',
  '$count',
  '$group',
  '$sortByCount',
  '$bucket',
  '$bucketAuto',
  '$sample',
  '$replaceRoot',
  '$replaceWith',
  '$documents',
]);

function stageWritesInput(stage: Document): boolean {
  const [name] = Object.keys(stage);
  const spec = stage[name];
  switch (name) {
    case '$addFields':
    case '$set':
      // Top-level fields go into a fresh copy; a dotted path writes into a shared sub-document.
      return !isDocumentValue(spec) || Object.keys(spec).some((k) => k.includes('.'));
    case '$project':
      return !isDocumentValue(spec) || projectionNeedsCopy(spec);
    case '$unset':
      return (Array.isArray(spec) ? spec : [spec]).some((k) => String(k).includes('.'));
    case '$unwind':
      // Both options make mingo write into the input document itself.
      return isDocumentValue(spec) && (spec.includeArrayIndex !== undefined || spec.preserveNullAndEmptyArrays === true);
    case '$lookup':
    case '$unionWith':
      return isDocumentValue(spec) && Array.isArray(spec.pipeline) && pipelineWritesInput(spec.pipeline);
    case '$facet':
      return isDocumentValue(spec) && Object.values(spec).some((p) => Array.isArray(p) && pipelineWritesInput(p));
    default:
      return !READ_ONLY_STAGES.has(name);
  }
}

/** True when some stage of the pipeline (or of a nested one) would write into its input documents. */
export function pipelineWritesInput(pipeline: Document[]): boolean {
  return pipeline.some((stage) => isDocumentValue(stage) && stageWritesInput(stage));
}
