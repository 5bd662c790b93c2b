package dev.followup.ingest.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** An authenticated caller: its tenant and how it proved it ({@code api-key} or {@code jwt}). */
public final class TenantAuthentication extends AbstractAuthenticationToken {

    private final Tenant tenant;
    private final String method;

    public TenantAuthentication(Tenant tenant, String method) {
        super(List.of(new SimpleGrantedAuthority("ROLE_TENANT")));
        this.tenant = tenant;
        this.method = method;
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Tenant getPrincipal() {
        return tenant;
    }

    @Override
    public String getName() {
        return tenant.id();
    }

    public String method() {
        return method;
    }
}
