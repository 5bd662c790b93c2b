package dev.followup.ingest.security;

/** The caller's tenant, always taken from the credential (API key or JWT claim), never from a request body. */
public record Tenant(String id) {

    @Override
    public String toString() {
        return id;
    }
}
