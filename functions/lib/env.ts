/** A setting the stack passes to the function; missing means the deployment is broken, so fail at init. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
