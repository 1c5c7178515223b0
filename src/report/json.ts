/** The post-incident record as a JSON document (`report --format json`, schemaVersion added by the CLI). */
import type { IncidentDoc } from './incident.js';
import type { ReportModel } from './record.js';

/**
 * reportDocument returns the record (in the model's language) with the incident's raw
 * facts beside it: `record` for people's texts, `incident` for tools.
 */
export function reportDocument(model: ReportModel, doc: IncidentDoc): Record<string, unknown> {
  return { id: doc.id, lang: model.lang, record: model, incident: doc };
}
