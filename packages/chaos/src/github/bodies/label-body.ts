import type { LabelRecord } from "../model/model-records.js";
import { type BodyContext, nodeId } from "./body-context.js";

/** GitHub's `label`. */
export function labelBody(context: BodyContext, repo: string, label: LabelRecord) {
  return {
    id: label.id,
    node_id: nodeId("LA", label.id),
    url: `${context.apiUrl}/repos/${repo}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: label.isDefault,
    description: label.description,
  };
}
