/** One fact as a registry sends it: a CloudEvent for Jinan, published 2024-11-20 09:30 China time. */
export function factBody(fact: {
  type: string;
  id: string;
  data: Record<string, unknown>;
  source?: string;
  time?: string;
}): string {
  return JSON.stringify({
    specversion: "1.0",
    id: fact.id,
    source: fact.source ?? "registry/hte-certification",
    type: fact.type,
    time: fact.time ?? "2024-11-20T09:30:00+08:00",
    city: "jinan",
    data: fact.data,
  });
}
