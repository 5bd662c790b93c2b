package dev.followup.ingest.problem;

/** A body named a tenant other than the caller's: 403, nothing published. */
public class TenantMismatchException extends RuntimeException {

    public TenantMismatchException() {
        super("tenantId in the body is not the caller's tenant: the tenant always comes from the credential");
    }
}
