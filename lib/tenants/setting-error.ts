/** An operator's change to a tenant's settings that is refused (bad value, unknown tenant): its message is for the operator. */
export class TenantSettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TenantSettingError";
  }
}
