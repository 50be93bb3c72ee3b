/**
 * Where the API is. Deployed, the stack writes `config.json` beside the console's files (infra/console.ts):
 * the API's URL, region and partition. Absent — as when the local adapter serves the console — the API is
 * the adapter's `/api` on this origin (development mode).
 */
export interface DeployedConfig {
  city: string;
  apiUrl: string;
  region: string;
  partition: string;
}

let deployed: DeployedConfig | null = null;

export async function loadConfig(): Promise<void> {
  const response = await fetch("config.json", { headers: { accept: "application/json" } });
  deployed = response.ok ? ((await response.json()) as DeployedConfig) : null;
}

/** The API's base URL, without a trailing slash. */
export function apiBase(): string {
  return deployed ? deployed.apiUrl.replace(/\/+$/, "") : "/api";
}

/** The region the API's signature is scoped to, when the deployment says. */
export function apiRegion(): string | undefined {
  return deployed?.region;
}
